import "server-only";
import type { FeedRequestStatus } from "@/generated/prisma/enums";
import type { ActingUser } from "@/lib/auth/acting-user";
import { requireRole } from "@/lib/auth/require-role";
import type { PrismaClient } from "@/lib/db/client";
import { visibleRequestsWhere } from "./request-scope";

export interface RequestSummary {
  id: string;
  title: string;
  status: FeedRequestStatus;
  statusReason: string | null;
  team: { slug: string; name: string };
  submittedBy: string;
  isMine: boolean;
  submittedAt: Date | null;
  updatedAt: Date;
}

/** The requests of the user's teams (every team for Admins), newest first; drafts only their own. */
export async function listRequests(db: PrismaClient, actor: ActingUser, filter: { status?: FeedRequestStatus } = {}): Promise<RequestSummary[]> {
  requireRole(actor, "Feedgate.Requester", "Feedgate.Admin");
  const rows = await db.feedRequest.findMany({
    where: { AND: [visibleRequestsWhere(actor), filter.status ? { status: filter.status } : {}] },
    select: { id: true, title: true, status: true, statusReason: true, submittedByOid: true, submittedAt: true, updatedAt: true, team: { select: { slug: true, name: true } } },
    orderBy: [{ updatedAt: "desc" }, { id: "asc" }],
    take: 200,
  });
  const names = await namesByOid(db, rows.map((r) => r.submittedByOid));
  return rows.map((r) => ({
    id: r.id,
    title: r.title,
    status: r.status,
    statusReason: r.statusReason,
    team: r.team,
    submittedBy: names.get(r.submittedByOid) ?? "Unknown",
    isMine: r.submittedByOid === actor.oid,
    submittedAt: r.submittedAt,
    updatedAt: r.updatedAt,
  }));
}

export async function namesByOid(db: PrismaClient, oids: string[]): Promise<Map<string, string>> {
  const users = await db.user.findMany({ where: { entraOid: { in: [...new Set(oids)] } }, select: { entraOid: true, name: true } });
  return new Map(users.map((u) => [u.entraOid, u.name]));
}
