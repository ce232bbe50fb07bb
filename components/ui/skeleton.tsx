/** A grey block the size of what is streaming in; `label` is announced once for the whole block. */
export function Skeleton({ label, className = "" }: { label?: string; className?: string }) {
  return (
    <div aria-busy="true" className={`animate-pulse rounded-xl bg-slate-200 ${className}`}>
      {label ? <span className="sr-only">{label}</span> : null}
    </div>
  );
}
