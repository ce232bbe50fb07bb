import { STALE_REASON_LABELS, type StaleReason } from "@/lib/staleness/stale-reasons";

/** "Stale" on a dashboard row, its reasons in the tooltip and, for screen readers, in the text. */
export function StaleBadge({ reasons }: { reasons: StaleReason[] }) {
  const why = reasons.map((r) => `${STALE_REASON_LABELS[r.kind]}: ${r.subject}`).join("; ");
  return (
    <span title={why || "Stale"} className="rounded-full bg-amber-50 px-2 py-0.5 text-xs font-medium text-amber-900 ring-1 ring-amber-200">
      Stale<span className="sr-only">{why ? ` (${why})` : ""}</span>
    </span>
  );
}
