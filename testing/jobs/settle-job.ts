import type { Job } from "@/generated/prisma/client";
import type { PrismaClient } from "@/lib/db/client";
import { until } from "@/testing/until";

const FINISHED: readonly Job["status"][] = ["SUCCEEDED", "FAILED", "CANCELLED"];

/**
 * Waits until the job has finished (succeeded, failed or cancelled) and returns it. The deadline is
 * a backstop for a loaded 2-core machine running a whole workflow against the sandbox; on timeout
 * the error names the status and step the job was left in.
 */
export async function settleJob(db: PrismaClient, jobId: string, timeoutMs = 120_000): Promise<Job> {
  let last: Job | undefined;
  return until(
    () => `job ${jobId} to finish (still ${last?.status ?? "missing"} in step ${last?.currentStep ?? "none"})`,
    async () => {
      last = await db.job.findUniqueOrThrow({ where: { id: jobId } });
      return FINISHED.includes(last.status) ? last : undefined;
    },
    timeoutMs,
  );
}
