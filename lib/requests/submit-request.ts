import "server-only";
import type { ActingUser } from "@/lib/auth/acting-user";
import { requireRole } from "@/lib/auth/require-role";
import { recordAuditEvent } from "@/lib/audit/record-audit-event";
import type { PrismaClient } from "@/lib/db/client";
import { AppError, NotFoundError } from "@/lib/errors";
import { transitionRequest } from "@/lib/request-state/transition";
import { wizardStateSchema } from "@/lib/validation/request-wizard";
import { RequestValidationError } from "./request-validation-error";
import { validateRequestState } from "./validate-request";

/**
 * Submits the author's draft for approval. Everything is validated before anything is
 * written; then, in one transaction, the draft becomes SUBMITTED with the validated payload
 * (a conditional DRAFT→SUBMITTED update, so a double click or a second tab submits once),
 * each proposed upstream is recorded as `proposed` for approvers, and both are audited.
 */
export async function submitRequest(db: PrismaClient, actor: ActingUser, input: { requestId: string }, correlationId: string) {
  requireRole(actor, "Feedgate.Requester");
  const draft = await db.feedRequest.findFirst({
    where: { id: input.requestId, submittedByOid: actor.oid, teamId: { in: actor.teamIds } },
    select: { id: true, status: true, payload: true },
  });
  if (!draft) throw new NotFoundError("No such draft.");
  if (draft.status !== "DRAFT") throw new AppError("conflict", `This request was already submitted (it is ${draft.status.toLowerCase()}).`);
  const state = wizardStateSchema.safeParse(draft.payload);
  if (!state.success) throw new AppError("invalid_input", "This draft is damaged; start a new request.");
  const { payload, issues } = await validateRequestState(db, actor, state.data);
  if (!payload) throw new RequestValidationError(issues);

  const submittedAt = new Date();
  return db.$transaction(async (tx) => {
    const isSubmitted = await transitionRequest(tx, draft.id, ["DRAFT"], "SUBMITTED", null, { data: { submittedAt, payload, title: payload.title, teamId: payload.teamId } });
    if (!isSubmitted) throw new AppError("conflict", "This request was already submitted.");
    for (const p of payload.proposedUpstreams) {
      const existing = await tx.upstreamSource.findFirst({ where: { kind: p.kind, url: p.url }, select: { id: true } });
      if (existing) continue; // already proposed by someone else: this request waits on the same decision
      const upstream = await tx.upstreamSource.create({
        data: { name: p.name, kind: p.kind, url: p.url, justification: p.justification, allowList: p.allowList ?? undefined, status: "proposed", proposedByOid: actor.oid },
      });
      await recordAuditEvent(tx, {
        actorOid: actor.oid,
        actorName: actor.name,
        action: "upstream.proposed",
        targetType: "upstream",
        targetId: upstream.id,
        after: { name: p.name, kind: p.kind, url: p.url, justification: p.justification, requestId: draft.id },
        correlationId,
        teamId: payload.teamId,
      });
    }
    await recordAuditEvent(tx, {
      actorOid: actor.oid,
      actorName: actor.name,
      action: "request.submitted",
      targetType: "request",
      targetId: draft.id,
      before: { status: "DRAFT" },
      after: { status: "SUBMITTED", title: payload.title },
      correlationId,
      teamId: payload.teamId,
    });
    return { id: draft.id, status: "SUBMITTED" as const, submittedAt };
  });
}
