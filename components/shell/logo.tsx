export function Logo() {
  return (
    <span className="flex items-center gap-2 text-white">
      <svg aria-hidden="true" viewBox="0 0 32 32" className="h-8 w-8">
        <rect width="32" height="32" rx="8" className="fill-sky-500" />
        <path d="M9 11h14M9 16h10M9 21h6" stroke="white" strokeWidth="2.5" strokeLinecap="round" />
        <circle cx="23" cy="21" r="2.5" fill="white" />
      </svg>
      <span className="text-lg font-semibold tracking-tight">Feedgate</span>
    </span>
  );
}
