"use client";

import { useAction } from "next-safe-action/hooks";
import { useId, useState } from "react";
import { decideUpstreamAction } from "@/app/(portal)/approvals/actions";

/** Approve or decline one proposed upstream, with a reason; the server re-checks the role. */
export function UpstreamDecisionForm({ upstreamId, name }: { upstreamId: string; name: string }) {
  const reasonId = useId();
  const [reason, setReason] = useState("");
  const { execute, result, isPending } = useAction(decideUpstreamAction);
  const message = result.serverError?.message ?? result.validationErrors?.reason?._errors?.[0] ?? (result.data ? `${name} is now ${result.data.status}.` : "");
  return (
    <form
      className="mt-3 flex flex-wrap items-end gap-2"
      onSubmit={(e) => {
        e.preventDefault();
        const submitter = (e.nativeEvent as SubmitEvent).submitter as HTMLButtonElement | null;
        execute({ upstreamId, decision: submitter?.value === "decline" ? "decline" : "approve", reason });
      }}
    >
      <div className="min-w-64 flex-1">
        <label htmlFor={reasonId} className="block text-xs font-medium text-slate-700">Reason for {name}</label>
        <input id={reasonId} value={reason} onChange={(e) => setReason(e.target.value)} required minLength={3} className="mt-1 w-full rounded-lg border border-slate-300 px-3 py-1.5 text-sm" />
      </div>
      <button type="submit" value="approve" disabled={isPending} className="rounded-lg bg-emerald-600 px-3 py-1.5 text-sm font-semibold text-white hover:bg-emerald-700 disabled:opacity-60">Approve</button>
      <button type="submit" value="decline" disabled={isPending} className="rounded-lg bg-red-600 px-3 py-1.5 text-sm font-semibold text-white hover:bg-red-700 disabled:opacity-60">Decline</button>
      <p role="status" aria-live="polite" className="w-full text-sm text-slate-600">{message}</p>
    </form>
  );
}
