"use client";

import { useAction } from "next-safe-action/hooks";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { discardDraftAction } from "@/lib/actions/requests";

/** Discard one of your drafts, after a confirmation; the server checks it is yours and still a draft. */
export function DiscardDraftButton({ requestId, title }: { requestId: string; title: string }) {
  const router = useRouter();
  const [isConfirming, setIsConfirming] = useState(false);
  const discard = useAction(discardDraftAction, { onSuccess: () => router.refresh() });
  if (discard.result.serverError) return <span role="alert" className="text-xs text-red-700">{discard.result.serverError.message}</span>;
  if (!isConfirming) {
    return (
      <button type="button" onClick={() => setIsConfirming(true)} className="text-xs font-medium text-red-700 underline-offset-2 hover:underline" aria-label={`Discard draft ${title}`}>
        Discard
      </button>
    );
  }
  return (
    <span className="inline-flex items-center gap-2 text-xs text-red-800">
      Discard it?
      <button type="button" autoFocus disabled={discard.isPending} onClick={() => discard.execute({ requestId })} className="rounded bg-red-700 px-2 py-0.5 font-semibold text-white disabled:opacity-60">
        {discard.isPending ? "Discarding…" : "Yes, discard"}
      </button>
      <button type="button" onClick={() => setIsConfirming(false)} className="rounded border border-red-300 px-2 py-0.5 font-semibold">
        Keep
      </button>
    </span>
  );
}
