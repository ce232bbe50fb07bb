import "server-only";
import { decodeJwt } from "jose";
import { recordAuditEvent } from "@/lib/audit/record-audit-event";
import type { PrismaClient } from "@/lib/db/client";
import { AppError, ForbiddenError } from "@/lib/errors";
import type { SessionPayload } from "./session-cookie";
import type { VerifiedIdentity } from "./verify-id-token";

/**
 * Turns a verified identity into a session: refuses people without a Feedgate role, then creates
 * or refreshes their User row (keyed by the immutable oid) and audits the sign-in.
 */
export async function completeSignIn(db: PrismaClient, identity: VerifiedIdentity, meta: { correlationId: string; ip: string }): Promise<SessionPayload> {
  if (identity.roles.length === 0) {
    await recordAuditEvent(db, {
      actorId: identity.oid,
      actorName: identity.name,
      action: "auth.sign_in_rejected",
      targetType: "session",
      after: { reason: "no Feedgate role assigned", ip: meta.ip },
      correlationId: meta.correlationId,
    });
    throw new ForbiddenError("Your account has no Feedgate role. Ask your administrator to assign Requester, Approver or Admin.");
  }
  const data = { name: identity.name, email: identity.email, tenantId: identity.tenantId ?? null, lastRoles: identity.roles, lastSignInAt: new Date() };
  let user;
  try {
    user = await db.user.upsert({ where: { entraOid: identity.oid }, update: data, create: { entraOid: identity.oid, ...data } });
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new AppError("conflict", "Another account already uses this email address. Ask an administrator to resolve it.");
    }
    throw error;
  }
  await recordAuditEvent(db, {
    actorId: identity.oid,
    actorName: identity.name,
    action: "auth.sign_in",
    targetType: "user",
    targetId: user.id,
    after: { roles: identity.roles, ip: meta.ip },
    correlationId: meta.correlationId,
  });
  return { uid: user.id, oid: identity.oid, name: identity.name, email: identity.email, roles: identity.roles, authTime: Math.floor(Date.now() / 1000) };
}

/** Audits a token that failed verification. Its claims are unverified: kept only as evidence. */
export async function recordRejectedToken(db: PrismaClient, idToken: string, reason: string, meta: { correlationId: string; ip: string }) {
  await recordAuditEvent(db, {
    actorId: "anonymous",
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
