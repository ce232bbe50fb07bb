"use client";

import { useAction } from "next-safe-action/hooks";
import { useId, useState } from "react";
import { decideRequestAction } from "@/lib/actions/approvals";
import { announceDecision } from "./decision-status";

const NEXT_STEP: Record<string, string> = {
  started: "provisioning has started",
  "already-running": "provisioning is already running",
  "waiting-for-upstreams": "it waits for its proposed upstreams to be decided",
  declined: "it was declined because one of its upstreams was declined",
  "not-approved": "nothing more to do",
};

/** Approve or decline one submitted feed request, with a reason. */
export function RequestDecisionForm({ requestId, title, isOwn, blockedReason }: { requestId: string; title: string; isOwn: boolean; blockedReason?: string | null }) {
  const reasonId = useId();
  const [reason, setReason] = useState("");
  // executeAsync, not onSuccess: the decided request leaves the list when the page revalidates.
  const { executeAsync, result, isPending } = useAction(decideRequestAction);
  async function decide(decision: "approve" | "decline") {
    const data = (await executeAsync({ requestId, decision, reason }))?.data;
    if (!data) return;
    setReason("");
    announceDecision(`“${data.title}” is ${data.status.toLowerCase()}${data.next ? `; ${NEXT_STEP[data.next] ?? data.next}` : ""}.`);
  }
  const error = result.serverError?.message ?? result.validationErrors?.reason?._errors?.[0] ?? "";
  if (isOwn) return <p className="mt-3 text-xs text-amber-800">You submitted this request; another approver decides it.</p>;
  if (blockedReason) return <p className="mt-3 text-xs text-amber-800">{blockedReason}</p>;
  return (
    <form
      className="mt-3 flex flex-wrap items-end gap-2"
      aria-label={`Decide request ${title}`}
      onSubmit={(e) => {
        e.preventDefault();
        const submitter = (e.nativeEvent as SubmitEvent).submitter as HTMLButtonElement | null;
        void decide(submitter?.value === "decline" ? "decline" : "approve");
      }}
    >
      <div className="min-w-64 flex-1">
        <label htmlFor={reasonId} className="block text-xs font-medium text-slate-700">Reason for “{title}”</label>
        <input id={reasonId} value={reason} onChange={(e) => setReason(e.target.value)} required minLength={3} maxLength={1000} className="mt-1 w-full rounded-lg border border-slate-300 px-3 py-1.5 text-sm" />
      </div>
      <button type="submit" value="approve" disabled={isPending} className="rounded-lg bg-emerald-700 px-3 py-1.5 text-sm font-semibold text-white hover:bg-emerald-800 disabled:opacity-60">
        {isPending ? "Saving…" : "Approve request"}
      </button>
      <button type="submit" value="decline" disabled={isPending} className="rounded-lg bg-red-700 px-3 py-1.5 text-sm font-semibold text-white hover:bg-red-800 disabled:opacity-60">Decline request</button>
      <p role="alert" className="w-full text-sm text-red-700">{error}</p>
    </form>
  );
}
