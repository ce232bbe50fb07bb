import "server-only";
import type { Job } from "@/generated/prisma/client";
import type { Db } from "@/lib/db/client";
import { JobNotFoundError } from "@/lib/jobs/job-errors";
import { JOB_TRANSACTION_OPTIONS, insertJobEvents } from "@/lib/jobs/job-records";
import { notifyCancelRequested } from "@/lib/jobs/job-wakeup";

const TERMINAL = new Set(["SUCCEEDED", "FAILED", "CANCELLED"]);

/**
 * Cancels a job. A job no worker holds (queued, waiting, backing off) ends CANCELLED here; a
 * running one gets cancelRequested, and its worker aborts the step's signal (at once in this
 * process, on its next heartbeat elsewhere) and ends it CANCELLED. Ended jobs are returned as
 * they are, so calling twice is harmless.
 */
export async function requestCancel(db: Db, jobId: string, options: { by?: string } = {}): Promise<Job> {
  const by = options.by ? ` by ${options.by}` : "";
  // A worker may move the job between states while we look; a few rounds always settle it.
  for (let round = 0; round < 5; round++) {
    const job = await db.job.findUnique({ where: { id: jobId } });
    if (!job) throw new JobNotFoundError(jobId);
    if (TERMINAL.has(job.status) || (job.status === "RUNNING" && job.cancelRequested)) return job;
    const outcome = await db.$transaction(async (tx) => {
      const now = new Date();
      const ended = await tx.job.updateMany({
        where: { id: jobId, status: { in: ["QUEUED", "WAITING"] }, leaseToken: null },
        data: { status: "CANCELLED", cancelRequested: true, activeSubject: null, finishedAt: now },
      });
      if (ended.count === 1) {
        await insertJobEvents(tx, jobId, [{ step: job.currentStep, type: "job.cancelled", message: `Cancelled${by}.` }]);
        return "cancelled" as const;
      }
      const flagged = await tx.job.updateMany({ where: { id: jobId, status: "RUNNING" }, data: { cancelRequested: true } });
      if (flagged.count === 1) {
        await insertJobEvents(tx, jobId, [
          { step: job.currentStep, type: "job.cancel-requested", message: `Cancellation requested${by}; stopping the current step.` },
        ]);
        return "requested" as const;
      }
      return "changed" as const;
    }, JOB_TRANSACTION_OPTIONS);
    if (outcome === "requested") notifyCancelRequested(jobId);
    if (outcome !== "changed") return db.job.findUniqueOrThrow({ where: { id: jobId } });
  }
  return db.job.findUniqueOrThrow({ where: { id: jobId } });
}
