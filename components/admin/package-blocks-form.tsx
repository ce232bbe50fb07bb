"use client";

import { useAction } from "next-safe-action/hooks";
import { useId, useState } from "react";
import { blockPackageAction, unblockPackageAction } from "@/lib/actions/policy";

/** Adds a package to the organisation's block-list; the server re-checks the Admin role and pushes it to every live feed. */
export function PackageBlockForm() {
  const nameId = useId();
  const reasonId = useId();
  const [name, setName] = useState("");
  const [reason, setReason] = useState("");
  const [status, setStatus] = useState("");
  const { executeAsync, result, isPending } = useAction(blockPackageAction);
  async function block() {
    setStatus("");
    const data = (await executeAsync({ name, reason }))?.data;
    if (!data) return;
    setName("");
    setReason("");
    setStatus(`${data.name} is blocked; ${data.feeds} live feed${data.feeds === 1 ? " is" : "s are"} being updated.`);
  }
  const error = result.serverError?.message ?? result.validationErrors?.name?._errors?.[0] ?? result.validationErrors?.reason?._errors?.[0] ?? "";
  return (
    <form
      className="mt-4 flex flex-wrap items-end gap-2"
      onSubmit={(e) => {
        e.preventDefault();
        void block();
      }}
    >
      <div>
        <label htmlFor={nameId} className="block text-xs font-medium text-slate-700">Package name</label>
        <input id={nameId} value={name} onChange={(e) => setName(e.target.value)} required maxLength={100} className="mt-1 rounded-lg border border-slate-300 px-3 py-1.5 text-sm" />
      </div>
      <div className="min-w-64 flex-1">
        <label htmlFor={reasonId} className="block text-xs font-medium text-slate-700">Why block it?</label>
        <input id={reasonId} value={reason} onChange={(e) => setReason(e.target.value)} required minLength={3} maxLength={500} className="mt-1 w-full rounded-lg border border-slate-300 px-3 py-1.5 text-sm" />
      </div>
      <button type="submit" disabled={isPending} className="rounded-lg bg-red-700 px-3 py-1.5 text-sm font-semibold text-white hover:bg-red-800 disabled:opacity-60">
        {isPending ? "Blocking…" : "Block package"}
      </button>
      <p role="status" aria-live="polite" className="w-full text-sm text-slate-700">{status}</p>
      {error ? <p role="alert" className="w-full text-sm text-red-700">{error}</p> : null}
    </form>
  );
}

export function UnblockPackageButton({ name }: { name: string }) {
  const { execute, result, isPending, hasSucceeded } = useAction(unblockPackageAction);
  return (
    <>
      <button type="button" onClick={() => execute({ name })} disabled={isPending || hasSucceeded} aria-label={`Unblock ${name}`} className="rounded border border-slate-300 px-2 py-0.5 text-xs hover:bg-slate-50 disabled:opacity-60">
        {hasSucceeded ? "Unblocked" : isPending ? "Unblocking…" : "Unblock"}
      </button>
      {result.serverError ? <span role="alert" className="text-xs text-red-700">{result.serverError.message}</span> : null}
    </>
  );
}
