"use client";

import { useSyncExternalStore } from "react";

/**
 * One polite live region for the whole queue. A decided item leaves its list when the page
 * revalidates, taking its own form (and any status line in it) along, so forms announce here.
 */
let message = "";
const listeners = new Set<() => void>();

export function announceDecision(text: string) {
  message = text;
  for (const l of listeners) l();
}

function subscribe(listener: () => void) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function DecisionStatus() {
  const text = useSyncExternalStore(subscribe, () => message, () => "");
  return (
    <p role="status" aria-live="polite" data-testid="decision-status" className={text ? "mb-6 rounded-lg border border-sky-200 bg-sky-50 px-4 py-2 text-sm text-sky-900" : "sr-only"}>
      {text}
    </p>
  );
}
