import "server-only";
import type { ActingUser } from "@/lib/auth/acting-user";
import { recordAuditEvent } from "@/lib/audit/record-audit-event";
import type { PrismaClient } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { JobConflictError, JobNotFoundError, JobStateError } from "@/lib/jobs/job-errors";
import { retryJob } from "@/lib/jobs/retry-job";
import { requestJobSubject } from "@/lib/requests/start-provisioning";
import { findVisibleBuild } from "./get-build";

/**
 * Retries a failed build by retrying its request's provisioning job from the step that failed;
 * that step rebuilds the failed environments as a new attempt. Only the newest attempt of an
 * environment can be retried, and only once its job has stopped.
 */
export async function retryBuild(db: PrismaClient, actor: ActingUser, buildId: string, correlationId: string): Promise<{ jobId: string }> {
  const build = await findVisibleBuild(db, actor, buildId);
  if (build.status !== "FAILED") throw new AppError("conflict", "Only a failed build can be retried.");
  const newer = await db.environmentBuild.findFirst({ where: { environmentId: build.environmentId, attempt: { gt: build.attempt } }, select: { id: true } });
  if (newer) throw new AppError("conflict", "A newer attempt of this build exists; open it instead.");
  const env = await db.environment.findUniqueOrThrow({ where: { id: build.environmentId }, select: { requestId: true } });
  const job = env.requestId
    ? await db.job.findFirst({ where: { subject: requestJobSubject(env.requestId) }, orderBy: { createdAt: "desc" }, select: { id: true } })
    : null;
  if (!job) throw new AppError("conflict", "This build was not started by a Feedgate request, so Feedgate cannot rerun it.");
  try {
    await retryJob(db, job.id, { by: actor.name });
  } catch (error) {
    if (error instanceof JobStateError || error instanceof JobConflictError) throw new AppError("conflict", "The request's provisioning is still running; wait for it to stop before retrying.");
    if (error instanceof JobNotFoundError) throw new AppError("conflict", "The provisioning job of this build no longer exists.");
    throw error;
  }
  await recordAuditEvent(db, {
    actorId: actor.oid,
    actorName: actor.name,
    action: "build.retried",
    targetType: "build",
    targetId: build.id,
    before: { status: build.status, attempt: build.attempt, failureClass: build.failureClass },
    after: { jobId: job.id },
    correlationId,
    teamId: build.teamId,
  });
  return { jobId: job.id };
}
