import "server-only";
import type { ActingUser } from "@/lib/auth/acting-user";
import { requireRole } from "@/lib/auth/require-role";
import { recordAuditEvent } from "@/lib/audit/record-audit-event";
import type { PrismaClient } from "@/lib/db/client";

export const TWO_PERSON_RULE_KEY = "approvals.twoPersonRule";

/** Whether new upstream sources need two different approvers. Off until an Admin turns it on. */
export async function getTwoPersonRule(db: Pick<PrismaClient, "setting">): Promise<boolean> {
  const row = await db.setting.findUnique({ where: { key: TWO_PERSON_RULE_KEY } });
  return isEnabledValue(row?.value);
}

/** Admins only; the change and its config.changed audit event commit together. */
export async function setTwoPersonRule(db: PrismaClient, actor: ActingUser, enabled: boolean, correlationId: string): Promise<{ enabled: boolean; changed: boolean }> {
  requireRole(actor, "Feedgate.Admin");
  return db.$transaction(async (tx) => {
    const before = isEnabledValue((await tx.setting.findUnique({ where: { key: TWO_PERSON_RULE_KEY } }))?.value);
    if (before === enabled) return { enabled, changed: false };
    await tx.setting.upsert({
      where: { key: TWO_PERSON_RULE_KEY },
      update: { value: { enabled }, updatedBy: actor.oid },
      create: { key: TWO_PERSON_RULE_KEY, value: { enabled }, updatedBy: actor.oid },
    });
    await recordAuditEvent(tx, {
      actorOid: actor.oid,
      actorName: actor.name,
      action: "config.changed",
      targetType: "setting",
      targetId: TWO_PERSON_RULE_KEY,
      before: { enabled: before },
      after: { enabled },
      correlationId,
    });
    return { enabled, changed: true };
  });
}

function isEnabledValue(value: unknown): boolean {
  return typeof value === "object" && value !== null && "enabled" in value && (value as { enabled: unknown }).enabled === true;
}
