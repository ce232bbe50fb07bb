import "server-only";
import type { ActingUser } from "@/lib/auth/acting-user";
import { requireRole } from "@/lib/auth/require-role";
import { recordAuditEvent } from "@/lib/audit/record-audit-event";
import type { PrismaClient } from "@/lib/db/client";
import { AppError, ForbiddenError, NotFoundError } from "@/lib/errors";
import { transitionRequest } from "@/lib/request-state/transition";
import { startProvisioningIfReady, type ProvisioningOutcome } from "@/lib/workflows/provision-request/start";
import type { RequestDecisionInput } from "@/lib/validation/request-decision";

/** Request states an approver may decide (while nobody has decided it yet): submitted, or held for upstreams since submission. */
export const DECIDABLE_REQUEST_STATUSES = ["SUBMITTED", "AWAITING_UPSTREAM"] as const;

export interface RequestDecisionResult {
  id: string;
  title: string;
  status: "APPROVED" | "DECLINED";
  /** What happened next, for approvals: provisioning started, held on upstreams, or declined. */
  outcome?: ProvisioningOutcome;
}

/**
 * An Approver approves or declines a submitted feed request with a reason. The status change is
 * an update conditional on a decidable status, so of two approvers racing exactly one wins and
 * the other gets a conflict; the Approval row and audit event commit with it. An approval then
 * hands over to startProvisioningIfReady, which queues the provisioning job, holds the request
 * on still-proposed upstreams, or declines it if a proposal was declined.
 */
export async function decideRequest(db: PrismaClient, actor: ActingUser, input: RequestDecisionInput, correlationId: string): Promise<RequestDecisionResult> {
  requireRole(actor, "Feedgate.Approver");
  const status = input.decision === "approve" ? "APPROVED" : "DECLINED";
  const decided = await db.$transaction(async (tx) => {
    const before = await tx.feedRequest.findUnique({ where: { id: input.requestId }, select: { id: true, title: true, status: true, teamId: true, submittedByOid: true } });
    if (!before) throw new NotFoundError("No such request.");
    if (before.submittedByOid === actor.oid) throw new ForbiddenError("You submitted this request; another approver decides it.");
    const scoped = await teamApproverRefusal(tx as unknown as PrismaClient, before, actor.oid);
    if (scoped) throw new ForbiddenError(scoped);
    const decidedAt = new Date();
    const isDecided = await transitionRequest(tx, before.id, DECIDABLE_REQUEST_STATUSES, status, status === "DECLINED" ? `Declined by ${actor.name}: ${input.reason}` : null, {
      // decidedAt: an approved request held on upstreams is AWAITING_UPSTREAM too, but decided.
      where: { decidedAt: null },
      data: { decidedAt },
    });
    if (!isDecided) throw new AppError("conflict", `This request is already decided (${before.status.toLowerCase().replaceAll("_", " ")}).`);
    await tx.approval.create({ data: { subjectType: "request", subjectId: before.id, approverOid: actor.oid, decision: input.decision, reason: input.reason } });
    await recordAuditEvent(tx, {
      actorOid: actor.oid,
      actorName: actor.name,
      action: status === "APPROVED" ? "request.approved" : "request.declined",
      targetType: "request",
      targetId: before.id,
      before: { status: before.status },
      after: { status, reason: input.reason },
      correlationId,
      teamId: before.teamId,
    });
    return { id: before.id, title: before.title, status } as const;
  });
  if (status === "DECLINED") return decided;
  const outcome = await startProvisioningIfReady(db, decided.id, { actorOid: actor.oid, actorName: actor.name, correlationId });
  return { ...decided, outcome };
}

/**
 * A team with team-scoped approvers has its requests decided by them alone: why this actor may
 * not, or null when they may. Only approvers who can decide this request count (still Approvers,
 * and not its submitter); when none can, any Approver decides, so no request is left undecidable.
 */
export async function teamApproverRefusal(db: PrismaClient, request: { teamId: string; submittedByOid: string }, actorOid: string): Promise<string | null> {
  const rows = await db.teamApprover.findMany({ where: { teamId: request.teamId }, select: { user: { select: { entraOid: true, name: true, lastRoles: true } }, team: { select: { name: true } } }, orderBy: { createdAt: "asc" } });
  return scopedRefusal(rows.map((r) => ({ ...r.user, teamName: r.team.name })), request.submittedByOid, actorOid);
}

export function scopedRefusal(approvers: { entraOid: string; name: string; lastRoles: unknown; teamName: string }[], submittedByOid: string, actorOid: string): string | null {
  const able = approvers.filter((a) => a.entraOid !== submittedByOid && Array.isArray(a.lastRoles) && a.lastRoles.includes("Feedgate.Approver"));
  if (able.length === 0 || able.some((a) => a.entraOid === actorOid)) return null;
  return `${able[0]?.teamName ?? "This team"}'s requests are decided by its team approvers: ${able.map((a) => a.name).join(", ")}.`;
}
