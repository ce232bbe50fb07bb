import "server-only";
import { decodeJwt } from "jose";
import { recordAuditEvent } from "@/lib/audit/record-audit-event";
import type { Role } from "@/lib/auth/roles";
import type { SessionPayload } from "@/lib/auth/session-cookie";
import type { VerifiedIdentity } from "@/lib/auth/verify-id-token";
import type { PrismaClient } from "@/lib/db/client";
import { env } from "@/lib/env";
import { AppError, ForbiddenError } from "@/lib/errors";
import { syncEntraMemberships } from "@/lib/teams/sync-memberships";

/**
 * Turns a verified identity into a session: refuses people without a Feedgate role, then creates
 * or refreshes their User row (keyed by the immutable oid), records the roles this sign-in showed
 * in User.lastRoles, creates the server-side Session row the cookie will name, and audits it.
 * lastRoles bounds every older session too (loadActingUser): a role this token no longer grants
 * is gone from all of the person's sessions from now on. Their "entra" team memberships become the
 * teams mapped to identity.groups (lib/teams/sync-memberships.ts), unless the groups are unknown.
 */
export async function completeSignIn(db: PrismaClient, identity: VerifiedIdentity, meta: { correlationId: string; ip: string }): Promise<{ session: SessionPayload; roles: Role[] }> {
  if (identity.roles.length === 0) {
    // Their token grants nothing any more, so nor may any session they still hold.
    await db.user.updateMany({ where: { entraOid: identity.oid }, data: { lastRoles: [] } });
    await recordAuditEvent(db, {
      actorOid: identity.oid,
      actorName: identity.name,
      action: "auth.sign_in_rejected",
      targetType: "session",
      after: { reason: "no Feedgate role assigned", ip: meta.ip },
      correlationId: meta.correlationId,
    });
    throw new ForbiddenError("Your account has no Feedgate role. Ask your administrator to assign Requester, Approver or Admin.");
  }
  const now = new Date();
  const data = { name: identity.name, email: identity.email, tenantId: identity.tenantId ?? null, lastRoles: identity.roles, lastSignInAt: now };
  let user;
  try {
    user = await db.user.upsert({ where: { entraOid: identity.oid }, update: data, create: { entraOid: identity.oid, ...data } });
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new AppError("conflict", "Another account already uses this email address. Ask an administrator to resolve it.");
    }
    throw error;
  }
  // Teams from Entra groups, re-derived at every sign-in; unknown groups (overage, Graph down) keep what they had.
  if (identity.groups !== undefined) await syncEntraMemberships(db, { id: user.id, oid: identity.oid, name: identity.name }, identity.groups, meta.correlationId);
  const authTime = Math.floor(now.getTime() / 1000);
  const row = await db.session.create({
    data: { userId: user.id, roles: identity.roles, createdAt: now, lastSeenAt: now, expiresAt: new Date((authTime + env.SESSION_MAX_HOURS * 3600) * 1000) },
    select: { id: true },
  });
  await recordAuditEvent(db, {
    actorOid: identity.oid,
    actorName: identity.name,
    action: "auth.sign_in",
    targetType: "user",
    targetId: user.id,
    after: { roles: identity.roles, ip: meta.ip, sessionId: row.id },
    correlationId: meta.correlationId,
  });
  return { session: { sid: row.id, uid: user.id, oid: identity.oid, name: identity.name, email: identity.email, authTime }, roles: identity.roles };
}

/** Audits a token that failed verification. Its claims are unverified: kept only as evidence. */
export async function recordRejectedToken(db: PrismaClient, idToken: string, reason: string, meta: { correlationId: string; ip: string }) {
  await recordAuditEvent(db, {
    actorOid: "anonymous",
    action: "auth.sign_in_rejected",
    targetType: "session",
    after: { reason, ip: meta.ip, unverifiedClaims: unverifiedClaims(idToken) },
    correlationId: meta.correlationId,
  });
}

function unverifiedClaims(idToken: string): Record<string, string> {
  try {
    const c = decodeJwt(idToken);
    const pick = (v: unknown) => (typeof v === "string" ? v.slice(0, 200) : Array.isArray(v) ? JSON.stringify(v).slice(0, 200) : "");
    return { oid: pick(c.oid), name: pick(c.name), iss: pick(c.iss), aud: pick(c.aud) };
  } catch {
    return {};
  }
}

function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && "code" in error && (error as { code: unknown }).code === "P2002";
}
