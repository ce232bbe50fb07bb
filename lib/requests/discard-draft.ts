import "server-only";
import type { ActingUser } from "@/lib/auth/acting-user";
import { requireRole } from "@/lib/auth/require-role";
import { recordAuditEvent } from "@/lib/audit/record-audit-event";
import type { PrismaClient } from "@/lib/db/client";
import { NotFoundError } from "@/lib/errors";

/**
 * Deletes one of the author's own drafts (never a submitted request: the delete is conditional on
 * DRAFT and on the author), freeing a place under the per-person draft cap. Audited with its title.
 */
export async function discardDraft(db: PrismaClient, actor: ActingUser, input: { requestId: string }, correlationId: string): Promise<{ id: string }> {
  requireRole(actor, "Feedgate.Requester");
  const draft = await db.feedRequest.findFirst({ where: { id: input.requestId, status: "DRAFT", submittedByOid: actor.oid }, select: { id: true, title: true, teamId: true } });
  if (!draft) throw new NotFoundError("No such draft.");
  const { count } = await db.feedRequest.deleteMany({ where: { id: draft.id, status: "DRAFT", submittedByOid: actor.oid } });
  if (count !== 1) throw new NotFoundError("No such draft: it was submitted or discarded meanwhile.");
  await recordAuditEvent(db, {
    actorOid: actor.oid,
    actorName: actor.name,
    action: "request.draft_discarded",
    targetType: "request",
    targetId: draft.id,
    before: { status: "DRAFT", title: draft.title },
    correlationId,
    teamId: draft.teamId,
  });
  return { id: draft.id };
}
