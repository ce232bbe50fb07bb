"use client";

import { useAction } from "next-safe-action/hooks";
import { useId, useState } from "react";
import { decideUpstreamAction } from "@/lib/actions/approvals";
import { announceDecision } from "./decision-status";

/**
 * Approve or decline one proposed upstream, with a reason; the server re-checks the role and the
 * two-person rule. `approveBlockedReason` only explains in advance what the server would refuse.
 */
export function UpstreamDecisionForm({ upstreamId, name, approveBlockedReason }: { upstreamId: string; name: string; approveBlockedReason?: string | null }) {
  const reasonId = useId();
  const hintId = useId();
  const [reason, setReason] = useState("");
  // executeAsync, not onSuccess: a decided item leaves the list when the page revalidates, and
  // the announcement must not depend on this form still being mounted by then.
  const { executeAsync, result, isPending } = useAction(decideUpstreamAction);
  async function decide(decision: "approve" | "decline") {
    const outcome = await executeAsync({ upstreamId, decision, reason });
    const data = outcome?.data;
    if (!data) return;
    setReason("");
    announceDecision(
      data.status === "proposed"
        ? `Your approval of ${name} is recorded (${data.approvals} of ${data.approvalsNeeded}); a second approver completes it.`
        : `${name} is now ${data.status}.`,
    );
  }
  const error = result.serverError?.message ?? result.validationErrors?.reason?._errors?.[0] ?? "";
  return (
    <form
      className="mt-3 flex flex-wrap items-end gap-2"
      aria-label={`Decide ${name}`}
      onSubmit={(e) => {
        e.preventDefault();
        const submitter = (e.nativeEvent as SubmitEvent).submitter as HTMLButtonElement | null;
        void decide(submitter?.value === "decline" ? "decline" : "approve");
      }}
    >
      <div className="min-w-64 flex-1">
        <label htmlFor={reasonId} className="block text-xs font-medium text-slate-700">Reason for {name}</label>
        <input id={reasonId} value={reason} onChange={(e) => setReason(e.target.value)} required minLength={3} maxLength={1000} aria-describedby={approveBlockedReason ? hintId : undefined} className="mt-1 w-full rounded-lg border border-slate-300 px-3 py-1.5 text-sm" />
      </div>
      <button type="submit" value="approve" disabled={isPending || !!approveBlockedReason} className="rounded-lg bg-emerald-700 px-3 py-1.5 text-sm font-semibold text-white hover:bg-emerald-800 disabled:opacity-60">
        {isPending ? "Saving…" : "Approve"}
      </button>
      <button type="submit" value="decline" disabled={isPending} className="rounded-lg bg-red-700 px-3 py-1.5 text-sm font-semibold text-white hover:bg-red-800 disabled:opacity-60">Decline</button>
      {approveBlockedReason ? <p id={hintId} className="w-full text-xs text-amber-800">{approveBlockedReason}</p> : null}
      <p role="alert" className="w-full text-sm text-red-700">{error}</p>
    </form>
  );
}
