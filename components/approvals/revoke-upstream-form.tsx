"use client";

import { useAction } from "next-safe-action/hooks";
import { useId, useState } from "react";
import { revokeUpstreamAction } from "@/lib/actions/approvals";
import { announceDecision } from "./decision-status";

/** Revoke an approved upstream: collapsed behind a disclosure, because it takes feeds' proxies offline. */
export function RevokeUpstreamForm({ upstreamId, name, feedCount }: { upstreamId: string; name: string; feedCount: number }) {
  const reasonId = useId();
  const [reason, setReason] = useState("");
  const { executeAsync, result, isPending } = useAction(revokeUpstreamAction);
  async function revoke() {
    const data = (await executeAsync({ upstreamId, reason }))?.data;
    if (!data) return;
    announceDecision(`${data.name} is revoked; ${data.flaggedFeeds} feed${data.flaggedFeeds === 1 ? "" : "s"} flagged, and their proxies are being switched offline.`);
  }
  const error = result.serverError?.message ?? result.validationErrors?.reason?._errors?.[0] ?? "";
  return (
    <details className="mt-2">
      <summary className="cursor-pointer text-sm font-medium text-red-800">Revoke {name}…</summary>
      <form
        className="mt-2 flex flex-wrap items-end gap-2"
        onSubmit={(e) => {
          e.preventDefault();
          void revoke();
        }}
      >
        <div className="min-w-64 flex-1">
          <label htmlFor={reasonId} className="block text-xs font-medium text-slate-700">Why revoke {name}?</label>
          <input id={reasonId} value={reason} onChange={(e) => setReason(e.target.value)} required minLength={3} maxLength={1000} className="mt-1 w-full rounded-lg border border-slate-300 px-3 py-1.5 text-sm" />
        </div>
        <button type="submit" disabled={isPending} className="rounded-lg bg-red-700 px-3 py-1.5 text-sm font-semibold text-white hover:bg-red-800 disabled:opacity-60">
          {isPending ? "Revoking…" : `Revoke and flag ${feedCount} feed${feedCount === 1 ? "" : "s"}`}
        </button>
        <p role="alert" className="w-full text-sm text-red-700">{error}</p>
      </form>
    </details>
  );
}
