import "server-only";
import { isDeepStrictEqual } from "node:util";
import type { PrismaClient } from "@/lib/db/client";
import type { Env } from "@/lib/env";
import { recordAuditEvent } from "./record-audit-event";

/**
 * Deployment configuration that decides who can sign in and with which rights. Secrets are
 * never part of it; their presence is, as a boolean.
 */
export function securityConfigSnapshot(env: Env) {
  return {
    APP_URL: env.APP_URL,
    ENTRA_TENANT_ID: env.ENTRA_TENANT_ID ?? null,
    ENTRA_CLIENT_ID: env.ENTRA_CLIENT_ID ?? null,
    ENTRA_AUTHORITY_HOST: env.ENTRA_AUTHORITY_HOST,
    ROLE_GROUP_MAP: env.ROLE_GROUP_MAP,
    SESSION_SECRET_CONFIGURED: env.SESSION_SECRET !== undefined,
    SESSION_IDLE_MINUTES: env.SESSION_IDLE_MINUTES,
    SESSION_MAX_HOURS: env.SESSION_MAX_HOURS,
    SIGN_IN_RATE_LIMIT_PER_MINUTE: env.SIGN_IN_RATE_LIMIT_PER_MINUTE,
  };
}

/**
 * At start-up, audits the security configuration when it differs from the last one recorded,
 * so a changed tenant, group-to-role map or session policy leaves a trace. Returns whether it did.
 */
export async function recordConfigChange(db: PrismaClient, env: Env, correlationId: string): Promise<boolean> {
  const current = securityConfigSnapshot(env);
  const last = await db.auditEvent.findFirst({
    where: { action: "config.changed", targetType: "deployment-config" },
    orderBy: { id: "desc" },
    select: { after: true },
  });
  if (last && isDeepStrictEqual(last.after, current)) return false;
  await recordAuditEvent(db, {
    actorOid: "system:start",
    actorName: "Feedgate start-up",
    action: "config.changed",
    targetType: "deployment-config",
    before: last?.after ?? null,
    after: current,
    correlationId,
  });
  return true;
}
