"use client";

import { useAction } from "next-safe-action/hooks";
import { repairFeedAction } from "@/lib/actions/policy";

/** Restores a drifted feed's Nexus configuration from Feedgate's record; the server re-checks the Admin role. */
export function RepairFeedButton({ feedId, feedName }: { feedId: string; feedName: string }) {
  const { execute, result, isPending, hasSucceeded } = useAction(repairFeedAction);
  const error = result.serverError?.message ?? "";
  return (
    <div className="mt-3 flex flex-wrap items-center gap-3">
      <button type="button" onClick={() => execute({ feedId })} disabled={isPending || hasSucceeded} aria-label={`Repair ${feedName}`} className="rounded-lg bg-amber-700 px-3 py-1.5 text-sm font-semibold text-white hover:bg-amber-800 disabled:opacity-60">
        {isPending ? "Repairing…" : hasSucceeded ? "Repair queued" : "Repair"}
      </button>
      <p role="status" aria-live="polite" className="text-xs text-slate-600">
        {hasSucceeded ? "Feedgate is restoring the repositories, group members and routing rules it recorded." : ""}
      </p>
      {error ? <p role="alert" className="text-xs text-red-700">{error}</p> : null}
    </div>
  );
}
