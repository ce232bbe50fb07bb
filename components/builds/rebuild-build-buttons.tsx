"use client";

import { useAction } from "next-safe-action/hooks";
import { rebuildBuildAction } from "@/lib/actions/builds";

/**
 * Rebuilds a succeeded build as a new environment version: exactly (every package of its lock
 * pinned) or fresh (the request's packages resolved again). The server re-checks role, team and state.
 */
export function RebuildBuildButtons({ buildId, hasLock }: { buildId: string; hasLock: boolean }) {
  const { execute, result, isPending, hasSucceeded, input } = useAction(rebuildBuildAction);
  const error = result.serverError?.message ?? "";
  const button = "rounded-lg px-3 py-1.5 text-sm font-semibold disabled:opacity-60";
  return (
    <div className="flex flex-col items-end gap-1">
      <div className="flex gap-2">
        <button type="button" onClick={() => execute({ buildId, mode: "exact" })} disabled={!hasLock || isPending || hasSucceeded} title={hasLock ? "Pin every package this build installed" : "This build has no recorded lock"} className={`${button} bg-sky-700 text-white hover:bg-sky-800`}>
          {isPending && input?.mode === "exact" ? "Starting…" : "Rebuild exactly"}
        </button>
        <button type="button" onClick={() => execute({ buildId, mode: "fresh" })} disabled={isPending || hasSucceeded} className={`${button} border border-slate-300 bg-white text-slate-800 hover:bg-slate-50`}>
          {isPending && input?.mode === "fresh" ? "Starting…" : "Rebuild fresh"}
        </button>
      </div>
      <p role="status" aria-live="polite" className="text-xs text-slate-600">
        {hasSucceeded ? `A ${input?.mode === "exact" ? "pinned" : "fresh"} rebuild is queued; it appears in the list as a new version of this environment.` : ""}
      </p>
      {error ? <p role="alert" className="text-xs text-red-700">{error}</p> : null}
    </div>
  );
}
