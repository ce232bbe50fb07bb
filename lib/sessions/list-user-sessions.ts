import "server-only";
import type { ActingUser } from "@/lib/auth/acting-user";
import { requireRole } from "@/lib/auth/require-role";
import type { PrismaClient } from "@/lib/db/client";

export interface UserSessionSummary {
  userId: string;
  name: string;
  email: string;
  liveSessions: number;
  /** The most recent activity of any live session, or null without one. */
  lastSeenAt: Date | null;
}

/** For the Admin page: every user with their live sessions, for "sign out everywhere". Admins only. */
export async function listUserSessions(db: PrismaClient, actor: ActingUser, now = new Date()): Promise<UserSessionSummary[]> {
  requireRole(actor, "Feedgate.Admin");
  const users = await db.user.findMany({
    orderBy: [{ name: "asc" }, { id: "asc" }],
    take: 500,
    select: { id: true, name: true, email: true, sessions: { where: { revokedAt: null, expiresAt: { gt: now } }, select: { lastSeenAt: true } } },
  });
  return users.map((u) => ({
    userId: u.id,
    name: u.name,
    email: u.email,
    liveSessions: u.sessions.length,
    lastSeenAt: u.sessions.reduce<Date | null>((latest, s) => (!latest || s.lastSeenAt > latest ? s.lastSeenAt : latest), null),
  }));
}
