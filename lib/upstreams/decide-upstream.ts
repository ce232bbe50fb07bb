import "server-only";
import type { ActingUser } from "@/lib/auth/acting-user";
import { requireRole } from "@/lib/auth/require-role";
import { recordAuditEvent } from "@/lib/audit/record-audit-event";
import type { PrismaClient } from "@/lib/db/client";
import { AppError, ForbiddenError, NotFoundError } from "@/lib/errors";
import { getLogger } from "@/lib/logger";
import { resumeRequestsWaitingOnUpstreams } from "@/lib/workflows/provision-request/start";
import { getTwoPersonRule } from "@/lib/settings/two-person-rule";
import type { UpstreamDecisionInput } from "@/lib/validation/upstream-decision";

export const APPROVALS_NEEDED_UNDER_TWO_PERSON_RULE = 2;

export interface UpstreamDecisionResult {
  id: string;
  name: string;
  status: "proposed" | "approved" | "declined";
  decidedAt: Date | null;
  /** Distinct approvers so far, and how many the rule needs. */
  approvals: number;
  approvalsNeeded: number;
}

/**
 * An Approver approves or declines a proposed upstream source, with a reason. The status change,
 * the Approval row and the audit event commit together or not at all.
 *
 * The transaction first "touches" the row with an update conditional on `proposed`: on
 * PostgreSQL that takes the row lock, so concurrent decisions on one upstream run one after the
 * other and each sees the approvals committed before it (SQLite serialises writers anyway).
 * Under the two-person rule an approval only counts once per person, the proposer's never, and
 * the source turns `approved` at the second distinct approval. One decline is enough to decline.
 * Once a decision is final, requests that waited on this source move on.
 */
export async function decideUpstream(db: PrismaClient, actor: ActingUser, input: UpstreamDecisionInput, correlationId: string): Promise<UpstreamDecisionResult> {
  requireRole(actor, "Feedgate.Approver");
  const isTwoPersonRule = await getTwoPersonRule(db);
  const approvalsNeeded = isTwoPersonRule ? APPROVALS_NEEDED_UNDER_TWO_PERSON_RULE : 1;

  const result = await db.$transaction(async (tx) => {
    const before = await tx.upstreamSource.findUnique({ where: { id: input.upstreamId }, select: { id: true, name: true, url: true, status: true, proposedByOid: true } });
    if (!before) throw new NotFoundError("No such upstream source.");
    const decidedAt = new Date();
    const locked = await tx.upstreamSource.updateMany({ where: { id: before.id, status: "proposed" }, data: { updatedAt: decidedAt } });
    if (locked.count !== 1) throw new AppError("conflict", `This upstream source is already ${before.status}.`);

    const earlier = await tx.approval.findMany({
      where: { subjectType: "upstream", subjectId: before.id, decision: "approve" },
      select: { approverOid: true },
    });
    // Nobody decides their own proposal, with or without the two-person rule (as for requests).
    if (before.proposedByOid === actor.oid) {
      throw new ForbiddenError(isTwoPersonRule ? "You proposed this source; under the two-person rule two other approvers decide it." : "You proposed this source; another approver decides it.");
    }
    if (input.decision === "approve" && isTwoPersonRule) {
      if (earlier.some((a) => a.approverOid === actor.oid)) {
        throw new AppError("conflict", "You have approved this source already; the two-person rule needs a second approver.");
      }
    }

    const approvers = new Set(earlier.map((a) => a.approverOid));
    if (input.decision === "approve") approvers.add(actor.oid);
    const status = input.decision === "decline" ? "declined" : approvers.size >= approvalsNeeded ? "approved" : "proposed";
    if (status !== "proposed") {
      await tx.upstreamSource.update({ where: { id: before.id }, data: { status, decidedByOid: actor.oid, decidedAt, decisionReason: input.reason } });
    }
    await tx.approval.create({
      data: { subjectType: "upstream", subjectId: before.id, approverOid: actor.oid, decision: input.decision, reason: input.reason },
    });
    await recordAuditEvent(tx, {
      actorOid: actor.oid,
      actorName: actor.name,
      action: input.decision === "approve" ? "upstream.approved" : "upstream.declined",
      targetType: "upstream",
      targetId: before.id,
      before: { status: before.status },
      after: { status, reason: input.reason, ...(isTwoPersonRule ? { approvals: approvers.size, approvalsNeeded } : {}) },
      correlationId,
    });
    return { id: before.id, name: before.name, status, decidedAt: status === "proposed" ? null : decidedAt, approvals: approvers.size, approvalsNeeded } satisfies UpstreamDecisionResult;
  });

  if (result.status !== "proposed") await resumeWaitingRequests(db, actor, correlationId);
  return result;
}

/**
 * The decision is committed; moving waiting requests on is a follow-up that must not turn a
 * recorded decision into an error for the approver. A failure is logged, and the next decision
 * (or a retry of the request) picks the requests up again.
 */
export async function resumeWaitingRequests(db: PrismaClient, actor: ActingUser, correlationId: string): Promise<void> {
  try {
    await resumeRequestsWaitingOnUpstreams(db, { actorOid: actor.oid, actorName: actor.name, correlationId });
  } catch (error) {
    getLogger().error({ err: error, correlationId }, "resuming requests after an upstream decision failed");
  }
}
