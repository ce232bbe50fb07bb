import "server-only";
import type { ActingUser } from "@/lib/auth/acting-user";
import { requireRole } from "@/lib/auth/require-role";
import { recordAuditEvent } from "@/lib/audit/record-audit-event";
import type { PrismaClient } from "@/lib/db/client";
import { AppError, NotFoundError } from "@/lib/errors";
import { restartProvisioning } from "./restart-provisioning";
import { requestJobSubject } from "@/lib/workflows/provision-request/start";
import { visibleRequestsWhere } from "./request-scope";

/**
 * Retries a failed (or cancelled) request from the step that stopped: finished steps keep
 * their checkpoints, so nothing already deployed is deployed again. The request goes back to
 * PROVISIONING only if it is still in the state we read, and returns to it if the job refuses.
 */
export async function retryRequest(db: PrismaClient, actor: ActingUser, input: { requestId: string }, correlationId: string) {
  requireRole(actor, "Feedgate.Requester", "Feedgate.Admin");
  const request = await db.feedRequest.findFirst({ where: { id: input.requestId, ...visibleRequestsWhere(actor) }, select: { id: true, status: true, statusReason: true, teamId: true } });
  if (!request) throw new NotFoundError("No such request.");
  if (request.status !== "FAILED" && request.status !== "CANCELLED") throw new AppError("conflict", `Only a failed or cancelled request can be retried; this one is ${request.status.toLowerCase()}.`);
  const job = await db.job.findFirst({ where: { subject: requestJobSubject(request.id) }, orderBy: { createdAt: "desc" }, select: { id: true, status: true, currentStep: true } });
  if (!job) throw new AppError("conflict", "This request never started provisioning, so there is nothing to retry. Start a new request instead.");
  if (job.status !== "FAILED" && job.status !== "CANCELLED") throw new AppError("conflict", "Provisioning is still stopping; try again in a moment.");

  await restartProvisioning(db, request, job, actor.name);
  await recordAuditEvent(db, {
    actorOid: actor.oid,
    actorName: actor.name,
    action: "request.retried",
    targetType: "request",
    targetId: request.id,
    before: { status: request.status },
    after: { status: "PROVISIONING", jobId: job.id, fromStep: job.currentStep },
    correlationId,
    teamId: request.teamId,
  });
  return { id: request.id, status: "PROVISIONING" as const, fromStep: job.currentStep };
}
