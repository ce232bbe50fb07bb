import type { ReactNode } from "react";
import type { StaleReason } from "@/lib/staleness/stale-reasons";
import { StaleReasonList } from "./stale-reason-list";

/** The build page's notice that its environment version should be rebuilt, with why and the rebuild action. */
export function StaleBanner({ reasons, action }: { reasons: StaleReason[]; action?: ReactNode }) {
  return (
    <section aria-labelledby="stale-h" className="mb-6 flex flex-wrap items-start justify-between gap-4 rounded-xl border border-amber-300 bg-amber-50 p-4">
      <div className="min-w-0 flex-1">
        <h2 id="stale-h" className="text-base font-semibold text-amber-950">This environment version is stale</h2>
        <p className="mb-2 mt-1 text-sm text-amber-900">Rebuild it to get a fresh version; the new version replaces this one once it builds.</p>
        <StaleReasonList reasons={reasons} />
      </div>
      {action ? <div className="shrink-0">{action}</div> : null}
    </section>
  );
}
