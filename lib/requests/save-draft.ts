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

/** A whole wizard state is a few KB; anything near this is not a request someone is typing. */
export const MAX_DRAFT_BYTES = 128 * 1024;
/** Unsubmitted drafts one person may keep; Requests → Discard frees a place. */
export const MAX_DRAFTS_PER_PERSON = 25;

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
  const bytes = Buffer.byteLength(JSON.stringify(payload));
  if (bytes > MAX_DRAFT_BYTES) throw new AppError("too_large", `This draft is ${Math.ceil(bytes / 1024)} KB; a request may be at most ${MAX_DRAFT_BYTES / 1024} KB. Remove pasted text you do not need.`);

  let id: string;
  let savedAt: Date;
  if (input.requestId) {
    savedAt = new Date();
    const { count } = await db.feedRequest.updateMany({
      where: { id: input.requestId, status: "DRAFT", submittedByOid: actor.oid, teamId: { in: actor.teamIds } },
      data: { payload, title, teamId: input.state.teamId, updatedAt: savedAt },
    });
    if (count !== 1) {
      const existing = await db.feedRequest.findFirst({ where: { id: input.requestId, submittedByOid: actor.oid }, select: { status: true } });
      if (!existing) throw new NotFoundError("No such draft.");
      throw new AppError("conflict", `This request is already ${existing.status.toLowerCase()}; drafts can no longer be changed.`);
    }
    id = input.requestId;
  } else {
    // Checked before the transaction (a throw inside one would roll back on the SQLite adapter's
    // shared connection); two racing first saves may overshoot the cap by one, never grow it.
    const drafts = await db.feedRequest.count({ where: { submittedByOid: actor.oid, status: "DRAFT" } });
    if (drafts >= MAX_DRAFTS_PER_PERSON) {
      throw new AppError("conflict", `You have ${drafts} unsubmitted drafts, the most one person may keep. Submit or discard one under Requests first.`);
    }
    const created = await db.$transaction(async (tx) => {
      const row = await tx.feedRequest.create({ data: { teamId: input.state.teamId, submittedByOid: actor.oid, title, payload } }); // status defaults to DRAFT
      await recordAuditEvent(tx, {
        actorOid: actor.oid,
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
