import "server-only";
import type { FeedRequestStatus } from "@/generated/prisma/client";
import type { PrismaClient } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { JobConflictError, JobStateError } from "@/lib/jobs/job-errors";
import { retryJob } from "@/lib/jobs/retry-job";
import { transitionRequest } from "@/lib/request-state/transition";

/**
 * Puts a stopped request back to PROVISIONING and re-queues its provisioning job from the step
 * that stopped, for a retry of the request and a retry of one of its failed builds alike. The
 * request moves first, conditional on the status the caller read, and moves back if the job
 * refuses, so the request and its job never disagree about whether anything is running.
 */
export async function restartProvisioning(
  db: PrismaClient,
  request: { id: string; status: FeedRequestStatus; statusReason: string | null },
  job: { id: string },
  by: string,
): Promise<void> {
  const isMoved = await transitionRequest(db, request.id, [request.status], "PROVISIONING", null);
  if (!isMoved) throw new AppError("conflict", "The request changed meanwhile; reload and try again.");
  try {
    await retryJob(db, job.id, { by });
  } catch (error) {
    await transitionRequest(db, request.id, ["PROVISIONING"], request.status, request.statusReason);
    if (error instanceof JobStateError || error instanceof JobConflictError) throw new AppError("conflict", "Provisioning changed meanwhile; reload and try again.");
    throw error;
  }
}
