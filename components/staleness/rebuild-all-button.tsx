"use client";

import { useRouter } from "next/navigation";
import { useAction } from "next-safe-action/hooks";
import { startRebuildBatchAction } from "@/lib/actions/staleness";
import type { StaleReasonKind } from "@/lib/staleness/stale-reasons";

/** "Rebuild all N" for one stale reason: starts a batch, then opens its progress page. The server re-checks the admin role. */
export function RebuildAllButton({ kind, subject, count, label }: { kind: StaleReasonKind; subject: string; count: number; label: string }) {
  const router = useRouter();
  const { execute, result, isPending, hasSucceeded } = useAction(startRebuildBatchAction, {
    onSuccess: ({ data }) => {
      if (data) router.push(`/admin/staleness/batches/${data.batchId}`);
    },
  });
  const error = result.serverError?.message ?? (result.validationErrors ? "This reason cannot be rebuilt as sent; reload the page." : "");
  return (
    <div className="flex flex-col items-end gap-1">
      <button
        type="button"
        onClick={() => execute({ kind, subject })}
        disabled={isPending || hasSucceeded}
        aria-label={`Rebuild all ${count} environments stale because of ${label}`}
        className="rounded-lg bg-sky-700 px-3 py-1.5 text-sm font-semibold text-white hover:bg-sky-800 disabled:opacity-60"
      >
        {isPending ? "Starting…" : hasSucceeded ? "Opening the batch…" : `Rebuild all ${count}`}
      </button>
      <p role="status" aria-live="polite" className="text-xs text-slate-600">{hasSucceeded ? "The batch started; opening its progress." : ""}</p>
      {error ? <p role="alert" className="max-w-xs text-right text-xs text-red-700">{error}</p> : null}
    </div>
  );
}
