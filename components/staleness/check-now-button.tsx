"use client";

import { useAction } from "next-safe-action/hooks";
import { checkStalenessNowAction } from "@/lib/actions/staleness";

/** "Check now": runs one staleness round (base images, bans, revoked upstreams, yanks) and re-renders the page with its result. */
export function CheckNowButton() {
  const { execute, result, isPending } = useAction(checkStalenessNowAction);
  const status = isPending
    ? "Checking every environment in use…"
    : result.data
      ? result.data.finished
        ? "Checked just now."
        : "The check is still running; reload this page in a minute for its result."
      : "";
  return (
    <div className="flex flex-col items-end gap-1">
      <button type="button" onClick={() => execute({})} disabled={isPending} className="rounded-lg border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-700 hover:bg-slate-50 disabled:opacity-60">
        {isPending ? "Checking…" : "Check now"}
      </button>
      <p role="status" aria-live="polite" className="text-xs text-slate-600">{status}</p>
      {result.serverError ? <p role="alert" className="max-w-xs text-right text-xs text-red-700">{result.serverError.message}</p> : null}
    </div>
  );
}
