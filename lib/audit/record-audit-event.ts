import "server-only";
import type { Prisma, PrismaClient } from "@/generated/prisma/client";
import type { AuditAction } from "./audit-actions";

export interface AuditEventInput {
  /** Entra oid of the person, or `system:<component>` / `anonymous` when nobody is signed in. */
  actorOid: string;
  actorName?: string | null;
  action: AuditAction;
  targetType: string;
  targetId?: string | null;
  before?: Prisma.InputJsonValue | null;
  after?: Prisma.InputJsonValue | null;
  correlationId: string;
  teamId?: string | null;
}

/** Anything that can insert audit rows: the client, or a transaction so the event commits with the change. */
export type AuditWriter = Pick<PrismaClient, "auditEvent"> | Prisma.TransactionClient;

/**
 * Appends one audit event. This module is the only writer and it only inserts: there is no
 * update or delete path for audit rows anywhere in the code base.
 */
export async function recordAuditEvent(db: AuditWriter, input: AuditEventInput): Promise<void> {
  await db.auditEvent.create({
    data: {
      actorOid: input.actorOid,
      actorName: input.actorName ?? null,
      action: input.action,
      targetType: input.targetType,
      targetId: input.targetId ?? null,
      before: input.before ?? undefined,
      after: input.after ?? undefined,
      correlationId: input.correlationId,
      teamId: input.teamId ?? null,
    },
  });
}
