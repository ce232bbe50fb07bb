import "server-only";
import type { ActingUser } from "@/lib/auth/acting-user";
import { recordAuditEvent } from "@/lib/audit/record-audit-event";
import { findVisibleBuild } from "@/lib/builds/get-build";
import type { PrismaClient } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { requestJobSubject } from "@/lib/workflows/provision-request/start";
import { restartProvisioning } from "./restart-provisioning";

/**
 * Retries a failed build by retrying its request's provisioning from the step that failed; that
 * step rebuilds the failed environments as a new attempt. The request goes back to PROVISIONING
 * with its job (so a rebuild that succeeds makes it READY again). Only the newest attempt of an
 * environment can be retried, and only once its job has stopped.
 */
export async function retryBuild(db: PrismaClient, actor: ActingUser, buildId: string, correlationId: string): Promise<{ jobId: string }> {
  const build = await findVisibleBuild(db, actor, buildId);
  if (build.status !== "FAILED") throw new AppError("conflict", "Only a failed build can be retried.");
  const newer = await db.environmentBuild.findFirst({ where: { environmentId: build.environmentId, attempt: { gt: build.attempt } }, select: { id: true } });
  if (newer) throw new AppError("conflict", "A newer attempt of this build exists; open it instead.");
  const env = await db.environment.findUniqueOrThrow({ where: { id: build.environmentId }, select: { request: { select: { id: true, status: true, statusReason: true } } } });
  const request = env.request;
  const job = request
    ? await db.job.findFirst({ where: { subject: requestJobSubject(request.id) }, orderBy: { createdAt: "desc" }, select: { id: true, status: true } })
    : null;
  if (!request || !job) throw new AppError("conflict", "This build was not started by a Feedgate request, so Feedgate cannot rerun it.");
  if (job.status !== "FAILED" && job.status !== "CANCELLED") throw new AppError("conflict", "The request's provisioning is still running; wait for it to stop before retrying.");
  if (request.status !== "FAILED" && request.status !== "CANCELLED") throw new AppError("conflict", `The build's request is ${request.status.toLowerCase()}, so its provisioning cannot be rerun from here.`);
  await restartProvisioning(db, request, job, actor.name);
  await recordAuditEvent(db, {
    actorOid: actor.oid,
    actorName: actor.name,
    action: "build.retried",
    targetType: "build",
    targetId: build.id,
    before: { status: build.status, attempt: build.attempt, failureClass: build.failureClass, requestStatus: request.status },
    after: { jobId: job.id, requestStatus: "PROVISIONING" },
    correlationId,
    teamId: build.teamId,
  });
  return { jobId: job.id };
}
