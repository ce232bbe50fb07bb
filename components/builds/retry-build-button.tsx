"use client";

import { useAction } from "next-safe-action/hooks";
import { retryBuildAction } from "@/lib/actions/builds";

/** Retries a failed build (its request's job reruns from the failed step); the server re-checks role, team and state. */
export function RetryBuildButton({ buildId }: { buildId: string }) {
  const { execute, result, isPending, hasSucceeded } = useAction(retryBuildAction);
  const error = result.serverError?.message ?? "";
  return (
    <div className="flex flex-col items-end gap-1">
      <button type="button" onClick={() => execute({ buildId })} disabled={isPending || hasSucceeded} className="rounded-lg bg-sky-700 px-3 py-1.5 text-sm font-semibold text-white hover:bg-sky-800 disabled:opacity-60">
        {isPending ? "Retrying…" : hasSucceeded ? "Retry started" : "Retry build"}
      </button>
      <p role="status" aria-live="polite" className="text-xs text-slate-600">
        {hasSucceeded ? "The request's provisioning job is queued again; a new attempt of this build will appear in the list." : ""}
      </p>
      {error ? <p role="alert" className="text-xs text-red-700">{error}</p> : null}
    </div>
  );
}
