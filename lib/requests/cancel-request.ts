import "server-only";
import type { ActingUser } from "@/lib/auth/acting-user";
import { requireRole } from "@/lib/auth/require-role";
import { recordAuditEvent } from "@/lib/audit/record-audit-event";
import type { PrismaClient } from "@/lib/db/client";
import { AppError, NotFoundError } from "@/lib/errors";
import { transitionRequest } from "@/lib/request-state/transition";
import { requestCancel } from "@/lib/jobs/request-cancel";
import { requestJobSubject } from "@/lib/workflows/provision-request/start";
import { CANCELLABLE_REQUEST_STATUSES, visibleRequestsWhere } from "./request-scope";

/**
 * Cancels a request of the user's team: it ends CANCELLED at once (conditional on a status
 * that can still be cancelled), and its provisioning job, if one is active, is cancelled too;
 * a running step stops at its next check. Resources already deployed are left in place.
 */
export async function cancelRequest(db: PrismaClient, actor: ActingUser, input: { requestId: string }, correlationId: string) {
  requireRole(actor, "Feedgate.Requester", "Feedgate.Admin");
  const request = await db.feedRequest.findFirst({ where: { id: input.requestId, ...visibleRequestsWhere(actor) }, select: { id: true, status: true, teamId: true } });
  if (!request) throw new NotFoundError("No such request.");
  const reason = `Cancelled by ${actor.name}.`;
  const isCancelled = await transitionRequest(db, request.id, CANCELLABLE_REQUEST_STATUSES, "CANCELLED", reason);
  if (!isCancelled) throw new AppError("conflict", `This request is ${request.status.toLowerCase()} and cannot be cancelled.`);
  const job = await db.job.findUnique({ where: { activeSubject: requestJobSubject(request.id) }, select: { id: true } });
  if (job) await requestCancel(db, job.id, { by: actor.name });
  await recordAuditEvent(db, {
    actorOid: actor.oid,
    actorName: actor.name,
    action: "request.cancelled",
    targetType: "request",
    targetId: request.id,
    before: { status: request.status },
    after: { status: "CANCELLED", jobId: job?.id ?? null },
    correlationId,
    teamId: request.teamId,
  });
  return { id: request.id, status: "CANCELLED" as const, statusReason: reason };
}
