/**
 * In-process signals between the code that changes jobs (enqueue, cancel) and workers in the
 * same process, so a worker inside `npm start` picks a new job up at once instead of on its
 * next idle poll. Workers in other processes rely on polling (and heartbeats for cancel).
 */
import "server-only";
import { EventEmitter } from "node:events";

// One bus per process; Next.js dev re-evaluates modules on hot reload.
const store = globalThis as unknown as { __feedgateJobBus?: EventEmitter };

function getBus(): EventEmitter {
  if (!store.__feedgateJobBus) {
    store.__feedgateJobBus = new EventEmitter();
    // Each worker subscribes once; several workers per process are legitimate.
    store.__feedgateJobBus.setMaxListeners(0);
  }
  return store.__feedgateJobBus;
}

/** A job became runnable at `at` (now when omitted). */
export function notifyJobReady(at?: Date) {
  getBus().emit("ready", at ?? new Date());
}

export function onJobReady(listener: (at: Date) => void): () => void {
  getBus().on("ready", listener);
  return () => getBus().off("ready", listener);
}

export function notifyCancelRequested(jobId: string) {
  getBus().emit("cancel", jobId);
}

export function onCancelRequested(listener: (jobId: string) => void): () => void {
  getBus().on("cancel", listener);
  return () => getBus().off("cancel", listener);
}
