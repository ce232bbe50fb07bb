import "server-only";
import { randomUUID } from "node:crypto";
import type { Db } from "@/lib/db/client";
import { enqueueJob } from "@/lib/jobs/enqueue-job";
import { JobConflictError } from "@/lib/jobs/job-errors";
import { CHECK_STALENESS_KIND, STALENESS_WATCH_SUBJECT, stalenessCheckNowSubject } from "./schema";

/**
 * Starts the staleness watcher unless one is queued, running or waiting. Every worker calls it at
 * start-up (like the feed watcher), so the first round runs at start and the next ones every
 * `everyMs`; workers starting together race on the subject and all but one see the conflict.
 */
export async function ensureStalenessWatch(db: Db, everyMs: number): Promise<void> {
  if (await db.job.findUnique({ where: { activeSubject: STALENESS_WATCH_SUBJECT }, select: { id: true } })) return;
  try {
    await enqueueJob(db, { kind: CHECK_STALENESS_KIND, subject: STALENESS_WATCH_SUBJECT, payload: { everyMs } });
  } catch (error) {
    if (!(error instanceof JobConflictError)) throw error;
  }
}

/**
 * Queues one staleness round now (after a package is blocked or an upstream revoked), so an admin
 * sees its effect at once rather than at the watcher's next round. Resolves to the job's id.
 */
export async function requestStalenessCheck(db: Db, reason?: string): Promise<string> {
  const job = await enqueueJob(db, { kind: CHECK_STALENESS_KIND, subject: stalenessCheckNowSubject(randomUUID()), payload: { once: true, ...(reason ? { reason: reason.slice(0, 200) } : {}) } });
  return job.id;
}

/**
 * Waits, within `timeoutMs`, for a requested round to end, so an admin who pressed "Check now"
 * sees its result on the next render. True when the round ended (SUCCEEDED, FAILED or CANCELLED);
 * false when it is still running then (the page says so, and the round still completes).
 */
export async function awaitStalenessCheck(db: Db, jobId: string, timeoutMs: number, pollMs = 300): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job = await db.job.findUnique({ where: { id: jobId }, select: { status: true } });
    if (!job || job.status === "SUCCEEDED" || job.status === "FAILED" || job.status === "CANCELLED") return true;
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
