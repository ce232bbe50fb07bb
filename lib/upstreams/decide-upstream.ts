import "server-only";
import type { ActingUser } from "@/lib/auth/acting-user";
import { requireRole } from "@/lib/auth/require-role";
import { recordAuditEvent } from "@/lib/audit/record-audit-event";
import type { PrismaClient } from "@/lib/db/client";
import { AppError, NotFoundError } from "@/lib/errors";
import type { UpstreamDecisionInput } from "@/lib/validation/upstream-decision";

/**
 * An Approver approves or declines a proposed upstream source, with a reason. The status change,
 * the Approval row and the audit event commit together or not at all, and the update only
 * matches a row that is still `proposed`, so two approvers racing cannot both decide.
 */
export async function decideUpstream(db: PrismaClient, actor: ActingUser, input: UpstreamDecisionInput, correlationId: string) {
  requireRole(actor, "Feedgate.Approver");
  const status = input.decision === "approve" ? "approved" : "declined";
  return db.$transaction(async (tx) => {
    const before = await tx.upstreamSource.findUnique({ where: { id: input.upstreamId }, select: { id: true, name: true, url: true, status: true } });
    if (!before) throw new NotFoundError("No such upstream source.");
    const decidedAt = new Date();
    const { count } = await tx.upstreamSource.updateMany({
      where: { id: input.upstreamId, status: "proposed" },
      data: { status, decidedById: actor.oid, decidedAt, decisionReason: input.reason },
    });
    if (count !== 1) throw new AppError("conflict", `This upstream source is already ${before.status}.`);
    await tx.approval.create({
      data: { subjectType: "upstream", subjectId: before.id, approverId: actor.oid, decision: input.decision, reason: input.reason },
    });
    await recordAuditEvent(tx, {
      actorId: actor.oid,
      actorName: actor.name,
      action: status === "approved" ? "upstream.approved" : "upstream.declined",
      targetType: "upstream",
      targetId: before.id,
      before: { status: before.status },
      after: { status, reason: input.reason },
      correlationId,
    });
    return { id: before.id, name: before.name, status, decidedAt };
  });
}
