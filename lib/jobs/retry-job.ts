import "server-only";
import type { Job } from "@/generated/prisma/client";
import type { Db } from "@/lib/db/client";
import { JobConflictError, JobNotFoundError, JobStateError } from "@/lib/jobs/job-errors";
import { isUniqueViolation } from "@/lib/db/errors";
import { JOB_TRANSACTION_OPTIONS, insertJobEvents } from "@/lib/jobs/job-records";
import { notifyJobReady } from "@/lib/jobs/job-wakeup";

/**
 * Re-queues a FAILED or CANCELLED job. Finished steps keep their checkpoints and are skipped;
 * the step that failed starts over with a fresh attempt budget and sees what it had saved.
 */
export async function retryJob(db: Db, jobId: string, options: { by?: string } = {}): Promise<Job> {
  const job = await db.job.findUnique({ where: { id: jobId } });
  if (!job) throw new JobNotFoundError(jobId);
  if (job.status !== "FAILED" && job.status !== "CANCELLED") {
    throw new JobStateError("Only a failed or cancelled job can be retried.");
  }
  const by = options.by ? ` by ${options.by}` : "";
  let retried: Job | undefined;
  try {
    retried = await db.$transaction(async (tx) => {
      const now = new Date();
      const updated = await tx.job.updateMany({
        where: { id: jobId, status: job.status },
        data: {
          status: "QUEUED",
          activeSubject: job.subject,
          runAfter: now,
          stepAttempts: 0,
          lastError: null,
          cancelRequested: false,
          finishedAt: null,
          leaseOwner: null,
          leaseToken: null,
          leaseExpiresAt: null,
        },
      });
      // Someone else moved the job first: nothing was written, so there is nothing to undo.
      if (updated.count !== 1) return undefined;
      const from = job.currentStep ? ` from step “${job.currentStep}”` : "";
      await insertJobEvents(tx, jobId, [{ step: job.currentStep, type: "job.retried", message: `Retrying${from}${by}.` }]);
      return tx.job.findUniqueOrThrow({ where: { id: jobId } });
    }, JOB_TRANSACTION_OPTIONS);
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    const active = await db.job.findUnique({ where: { activeSubject: job.subject }, select: { id: true } });
    throw new JobConflictError(job.subject, active?.id);
  }
  if (!retried) throw new JobStateError("The job changed meanwhile; reload and try again.");
  notifyJobReady(retried.runAfter);
  return retried;
}
