import { STALE_REASON_LABELS, type StaleReason } from "@/lib/staleness/stale-reasons";

/** Why a version is stale: each reason's label, what it names and its sentence. */
export function StaleReasonList({ reasons }: { reasons: StaleReason[] }) {
  if (reasons.length === 0) return <p className="text-sm text-amber-900">The staleness check marked this version stale.</p>;
  return (
    <ul className="space-y-1 text-sm text-amber-900">
      {reasons.map((r) => (
        <li key={`${r.kind}:${r.subject}`}>
          <span className="font-semibold">{STALE_REASON_LABELS[r.kind]}</span> · <span className="font-mono text-xs break-all">{r.subject}</span> — {r.detail}
        </li>
      ))}
    </ul>
  );
}
