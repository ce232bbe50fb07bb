/**
 * The portal's side of "Test connection": queue the worker's check (or join the one already
 * queued for the host) and wait a bounded time for it, so the admin usually sees the result in
 * the same click and otherwise sees it on the host once the worker gets to it.
 */
import "server-only";
import type { ActingUser } from "@/lib/auth/acting-user";
import { requireRole } from "@/lib/auth/require-role";
import type { PrismaClient } from "@/lib/db/client";
import { NotFoundError } from "@/lib/errors";
import { enqueueJob } from "@/lib/jobs/enqueue-job";
import { JobConflictError } from "@/lib/jobs/job-errors";
import { CHECK_FEED_HOST_KIND, checkFeedHostSubject, type CheckFeedHostPayload } from "./schema";

export async function requestFeedHostCheck(db: PrismaClient, actor: ActingUser, hostId: string, correlationId: string): Promise<{ jobId: string }> {
  requireRole(actor, "Feedgate.Admin");
  const host = await db.feedHost.findUnique({ where: { id: hostId }, select: { id: true } });
  if (!host) throw new NotFoundError("No such feed host.");
  const payload: CheckFeedHostPayload = { hostId, requestedBy: { oid: actor.oid, name: actor.name }, correlationId };
  try {
    const job = await enqueueJob(db, { kind: CHECK_FEED_HOST_KIND, subject: checkFeedHostSubject(hostId), payload });
    return { jobId: job.id };
  } catch (error) {
    // A check of this host is already queued or running: its answer is the one to wait for.
    if (error instanceof JobConflictError && error.activeJobId) return { jobId: error.activeJobId };
    throw error;
  }
}

/** Waits until the check's job has finished or `timeoutMs` passed; whether it finished. */
export async function awaitFeedHostCheck(db: PrismaClient, jobId: string, options: { timeoutMs: number; pollMs?: number; signal?: AbortSignal }): Promise<boolean> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const job = await db.job.findUnique({ where: { id: jobId }, select: { status: true } });
    if (!job || ["SUCCEEDED", "FAILED", "CANCELLED"].includes(job.status)) return true;
    if (Date.now() >= deadline || options.signal?.aborted) return false;
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 250));
  }
}
