"use client";

import { useState } from "react";

/** Copies `value`; the result is announced politely and shown next to the button. */
export function CopyButton({ value, label }: { value: string; label: string }) {
  const [status, setStatus] = useState("");
  async function copy() {
    try {
      await navigator.clipboard.writeText(value);
      setStatus("Copied");
    } catch {
      setStatus("Copy failed: select the text and copy it yourself");
    }
    setTimeout(() => setStatus(""), 2500);
  }
  return (
    <span className="inline-flex items-center gap-2">
      <button type="button" onClick={copy} aria-label={label} className="rounded-md border border-slate-300 bg-white px-2 py-1 text-xs font-medium text-slate-800 hover:bg-slate-50">
        Copy
      </button>
      <span role="status" aria-live="polite" className="text-xs text-emerald-800">{status}</span>
    </span>
  );
}
