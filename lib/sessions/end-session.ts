import "server-only";
import { recordAuditEvent } from "@/lib/audit/record-audit-event";
import type { ActingUser } from "@/lib/auth/acting-user";
import { requireRole } from "@/lib/auth/require-role";
import type { SessionPayload } from "@/lib/auth/session-cookie";
import type { PrismaClient } from "@/lib/db/client";
import { NotFoundError } from "@/lib/errors";

/**
 * Sign-out: revokes the Session row the cookie names (`revokedBy: "self"`), so a copy of the
 * cookie is worthless from now on, and audits it. Signing out of a session that already ended
 * changes and records nothing. Returns whether a session was ended.
 */
export async function endSession(db: PrismaClient, session: SessionPayload, meta: { correlationId: string }): Promise<boolean> {
  return db.$transaction(async (tx) => {
    const { count } = await tx.session.updateMany({ where: { id: session.sid, userId: session.uid, revokedAt: null }, data: { revokedAt: new Date(), revokedBy: "self" } });
    if (count === 0) return false;
    await recordAuditEvent(tx, {
      actorOid: session.oid,
      actorName: session.name,
      action: "auth.sign_out",
      targetType: "user",
      targetId: session.uid,
      after: { sessionId: session.sid },
      correlationId: meta.correlationId,
    });
    return true;
  });
}

export interface SignOutEverywhereResult {
  userId: string;
  /** Live sessions ended now. */
  revoked: number;
  /** Live sessions left afterwards: 0, unless a sign-in raced this. */
  liveSessions: number;
}

/**
 * "Sign out everywhere": revokes every live session of `userId`. Anyone may do it for themselves
 * (`revokedBy: "self"`); for anyone else it takes the Admin role (`revokedBy: <admin oid>`).
 * Audited as a sign-out with the live-session counts before and after.
 */
export async function endAllSessions(db: PrismaClient, actor: ActingUser, userId: string, meta: { correlationId: string }): Promise<SignOutEverywhereResult> {
  const isSelf = userId === actor.id;
  if (!isSelf) requireRole(actor, "Feedgate.Admin");
  const revokedBy = isSelf ? "self" : actor.oid;
  return db.$transaction(async (tx) => {
    const target = await tx.user.findUnique({ where: { id: userId }, select: { id: true, name: true } });
    if (!target) throw new NotFoundError("No such user.");
    const now = new Date();
    const live = { userId, revokedAt: null, expiresAt: { gt: now } };
    const { count: revoked } = await tx.session.updateMany({ where: live, data: { revokedAt: now, revokedBy } });
    const liveSessions = await tx.session.count({ where: live });
    await recordAuditEvent(tx, {
      actorOid: actor.oid,
      actorName: actor.name,
      action: "auth.sign_out",
      targetType: "user",
      targetId: userId,
      before: { liveSessions: revoked + liveSessions },
      after: { liveSessions, revoked, scope: "everywhere", revokedBy, user: target.name },
      correlationId: meta.correlationId,
    });
    return { userId, revoked, liveSessions };
  });
}
