"use client";

import { useAction } from "next-safe-action/hooks";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { cancelRequestAction, retryRequestAction } from "@/lib/actions/requests";

/** Cancel and Retry; shown by status, decided by the server (role, team and state are checked there). */
export function RequestControls({ requestId, canCancel, canRetry, onChanged }: { requestId: string; canCancel: boolean; canRetry: boolean; onChanged?: () => void }) {
  const router = useRouter();
  const [isConfirming, setIsConfirming] = useState(false);
  const cancel = useAction(cancelRequestAction, { onSuccess: () => { setIsConfirming(false); onChanged?.(); router.refresh(); } });
  const retry = useAction(retryRequestAction, { onSuccess: () => { onChanged?.(); router.refresh(); } });
  const isPending = cancel.isPending || retry.isPending;
  const message =
    cancel.result.serverError?.message ??
    retry.result.serverError?.message ??
    (cancel.result.data ? "Request cancelled." : retry.result.data ? `Retrying${retry.result.data.fromStep ? ` from ${retry.result.data.fromStep}` : ""}.` : "");
  if (!canCancel && !canRetry && !message) return null;
  return (
    <div className="flex flex-wrap items-center gap-2">
      {canRetry ? (
        <button type="button" disabled={isPending} onClick={() => retry.execute({ requestId })} className="rounded-lg bg-sky-700 px-4 py-2 text-sm font-semibold text-white hover:bg-sky-800 disabled:opacity-60">
          {retry.isPending ? "Retrying…" : "Retry from the failed step"}
        </button>
      ) : null}
      {canCancel && !isConfirming ? (
        <button type="button" disabled={isPending} onClick={() => setIsConfirming(true)} className="rounded-lg border border-red-300 bg-white px-4 py-2 text-sm font-semibold text-red-700 hover:bg-red-50 disabled:opacity-60">
          Cancel request
        </button>
      ) : null}
      {canCancel && isConfirming ? (
        <span className="flex items-center gap-2 rounded-lg bg-red-50 px-3 py-1.5 text-sm text-red-800">
          Cancel it? Resources already deployed stay in place.
          <button type="button" autoFocus disabled={isPending} onClick={() => cancel.execute({ requestId })} className="rounded-md bg-red-700 px-3 py-1 font-semibold text-white disabled:opacity-60">
            {cancel.isPending ? "Cancelling…" : "Yes, cancel"}
          </button>
          <button type="button" onClick={() => setIsConfirming(false)} className="rounded-md border border-red-300 bg-white px-3 py-1 font-semibold text-red-800">
            Keep it
          </button>
        </span>
      ) : null}
      <p role="status" aria-live="polite" className="w-full text-sm text-slate-700">
        {message}
      </p>
    </div>
  );
}
