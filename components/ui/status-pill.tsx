/** A small rounded status label; the tone carries the meaning's colour, the text says it. */
const TONES = {
  good: "bg-emerald-50 text-emerald-800 ring-emerald-200",
  bad: "bg-red-50 text-red-800 ring-red-200",
  warn: "bg-amber-50 text-amber-900 ring-amber-200",
  neutral: "bg-slate-100 text-slate-700 ring-slate-300",
} as const;

export type StatusTone = keyof typeof TONES;

export function StatusPill({ tone, children }: { tone: StatusTone; children: string }) {
  return <span className={`rounded-full px-2 py-0.5 text-xs font-medium ring-1 ${TONES[tone]}`}>{children}</span>;
}
