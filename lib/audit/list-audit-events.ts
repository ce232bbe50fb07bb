import "server-only";
import type { ActingUser } from "@/lib/auth/acting-user";
import { requireRole } from "@/lib/auth/require-role";
import type { PrismaClient } from "@/lib/db/client";
import type { AuditFilter } from "@/lib/audit/audit-filter";

export const AUDIT_PAGE_SIZE = 25;

/**
 * One page of the audit trail, newest first, for Admins. Keyset pagination on the
 * autoincrement id keeps pages stable while new events arrive.
 */
export async function listAuditEvents(db: PrismaClient, actor: ActingUser, filter: AuditFilter) {
  requireRole(actor, "Feedgate.Admin");
  const createdAt = {
    ...(filter.from ? { gte: startOfDay(filter.from) } : {}),
    ...(filter.to ? { lt: nextDay(filter.to) } : {}),
  };
  const rows = await db.auditEvent.findMany({
    where: {
      ...(filter.action ? { action: filter.action } : {}),
      ...(filter.actor ? { OR: [{ actorOid: filter.actor }, { actorName: { contains: filter.actor } }] } : {}),
      ...(filter.from || filter.to ? { createdAt } : {}),
      ...(filter.before ? { id: { lt: filter.before } } : {}),
    },
    orderBy: { id: "desc" },
    take: AUDIT_PAGE_SIZE + 1,
  });
  const events = rows.slice(0, AUDIT_PAGE_SIZE);
  return { events, nextBefore: rows.length > AUDIT_PAGE_SIZE ? events.at(-1)?.id : undefined };
}

function startOfDay(day: string): Date {
  return new Date(`${day}T00:00:00.000Z`);
}

function nextDay(day: string): Date {
  return new Date(startOfDay(day).getTime() + 24 * 60 * 60 * 1000);
}
