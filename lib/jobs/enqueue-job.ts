import "server-only";
import type { Job } from "@/generated/prisma/client";
import type { Db } from "@/lib/db/client";
import type { JsonValue } from "@/lib/jobs/define-job";
import { JobConflictError } from "@/lib/jobs/job-errors";
import { isUniqueViolation } from "@/lib/db/errors";
import { JOB_TRANSACTION_OPTIONS, insertJobEvents, toJsonInput } from "@/lib/jobs/job-records";
import { notifyJobReady } from "@/lib/jobs/job-wakeup";

export interface EnqueueJobInput {
  kind: string;
  /** What the job is about, e.g. `request:<id>`; at most one active job per subject. */
  subject: string;
  payload: JsonValue;
  /** Not before this time; now when omitted. */
  runAfter?: Date;
  /**
   * Steps already done, as Job.checkpoints holds them (`{ [step]: { done: true, data } }`): the job
   * starts at its first step not done and its steps read these results. For a job that continues
   * the work of an earlier one of the same subject (a rebuild reuses its provisioning's results).
   */
  doneSteps?: Record<string, { done: true; data: JsonValue }>;
}

/**
 * Queues a job. Throws JobConflictError when another job for the subject is still queued,
 * running or waiting (the unique Job.activeSubject decides, so two racing calls cannot both win).
 */
export async function enqueueJob(db: Db, input: EnqueueJobInput): Promise<Job> {
  let job: Job;
  try {
    job = await db.$transaction(async (tx) => {
      const created = await tx.job.create({
        data: {
          kind: input.kind,
          subject: input.subject,
          activeSubject: input.subject,
          payload: toJsonInput(input.payload),
          ...(input.doneSteps ? { checkpoints: toJsonInput(input.doneSteps) } : {}),
          ...(input.runAfter ? { runAfter: input.runAfter } : {}),
        },
      });
      await insertJobEvents(tx, created.id, [{ type: "job.queued", message: "Queued." }]);
      return created;
    }, JOB_TRANSACTION_OPTIONS);
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    const active = await db.job.findUnique({ where: { activeSubject: input.subject }, select: { id: true } });
    throw new JobConflictError(input.subject, active?.id);
  }
  notifyJobReady(job.runAfter);
  return job;
}
