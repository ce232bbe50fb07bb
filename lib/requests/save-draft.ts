import "server-only";
import type { ActingUser } from "@/lib/auth/acting-user";
import { requireRole } from "@/lib/auth/require-role";
import { recordAuditEvent } from "@/lib/audit/record-audit-event";
import type { PrismaClient } from "@/lib/db/client";
import { AppError, ForbiddenError, NotFoundError } from "@/lib/errors";
import type { WizardState } from "@/lib/validation/request-wizard";
import { buildRequestPreview, type RequestPreview } from "./build-request-preview";
import type { RequestIssue } from "./request-validation-error";
import { validateRequestState } from "./validate-request";

export interface SaveDraftInput {
  /** Absent for the first save, which creates the draft. */
  requestId?: string;
  state: WizardState;
  /** Also render the review preview when the state is valid. */
  preview?: boolean;
}

export interface SavedDraft {
  id: string;
  savedAt: Date;
  issues: RequestIssue[];
  preview: RequestPreview | null;
}

/**
 * Saves the wizard's state as the author's DRAFT request, creating it on the first save.
 * The state is kept as typed (drafts may be half done); the answer says what submit would
 * refuse, so the wizard can show it inline. Only the author edits a draft, and only while it
 * is a draft: the update is conditional, so a save racing a submit cannot touch the request.
 */
export async function saveDraft(db: PrismaClient, actor: ActingUser, input: SaveDraftInput, correlationId: string): Promise<SavedDraft> {
  requireRole(actor, "Feedgate.Requester");
  if (!actor.teamIds.includes(input.state.teamId)) throw new ForbiddenError("You can only draft requests for a team you belong to.");
  const title = input.state.title.trim().slice(0, 120) || "Untitled request";
  const payload = input.state;

  let id: string;
  let savedAt: Date;
  if (input.requestId) {
    savedAt = new Date();
    const { count } = await db.feedRequest.updateMany({
      where: { id: input.requestId, status: "DRAFT", submittedById: actor.oid, teamId: { in: actor.teamIds } },
      data: { payload, title, teamId: input.state.teamId, updatedAt: savedAt },
    });
    if (count !== 1) {
      const existing = await db.feedRequest.findFirst({ where: { id: input.requestId, submittedById: actor.oid }, select: { status: true } });
      if (!existing) throw new NotFoundError("No such draft.");
      throw new AppError("conflict", `This request is already ${existing.status.toLowerCase()}; drafts can no longer be changed.`);
    }
    id = input.requestId;
  } else {
    const created = await db.$transaction(async (tx) => {
      const row = await tx.feedRequest.create({ data: { teamId: input.state.teamId, submittedById: actor.oid, title, payload, status: "DRAFT" } });
      await recordAuditEvent(tx, {
        actorId: actor.oid,
        actorName: actor.name,
        action: "request.draft_saved",
        targetType: "request",
        targetId: row.id,
        after: { status: "DRAFT", title },
        correlationId,
        teamId: row.teamId,
      });
      return row;
    });
    id = created.id;
    savedAt = created.updatedAt;
  }

  const { payload: valid, issues } = await validateRequestState(db, actor, input.state);
  const preview = input.preview && valid ? await buildRequestPreview(db, valid) : null;
  return { id, savedAt, issues, preview };
}
