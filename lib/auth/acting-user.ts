import "server-only";
import { Prisma } from "@/generated/prisma/client";
import type { PrismaClient } from "@/lib/db/client";
import { env } from "@/lib/env";
import { getLogger } from "@/lib/logger";
import { isRole, ROLES, type Role } from "./roles";
import type { SessionPayload } from "./session-cookie";

/** Who is acting: the database user, the roles they may use now and the teams they belong to. */
export interface ActingUser {
  id: string;
  oid: string;
  name: string;
  email: string;
  roles: Role[];
  teamIds: string[];
}

/** Session.lastSeenAt is written at most this often per session, not on every request. */
export const LAST_SEEN_RESOLUTION_MS = 60_000;

interface SessionRow {
  userId: string;
  roles: unknown;
  expiresAt: Date | string;
  revokedAt: Date | string | null;
  lastSeenAt: Date | string;
  entraOid: string;
  name: string;
  email: string;
  lastRoles: unknown;
  teamId: string | null;
}

/**
 * Resolves a session cookie to the user acting through it, or null. The cookie only names a
 * Session row; the row decides, read in one indexed query (the session by primary key, its user,
 * their memberships) on every request:
 *  - a row that is missing, revoked, expired, or names another user than the cookie: null;
 *  - the roles are those the session was granted AND the user still held at their latest
 *    sign-in (User.lastRoles), so a role removed at a later sign-in is gone from older sessions
 *    at once; a session left with no role at all is no session;
 *  - team membership is read fresh, so a removal takes effect at once.
 * A session unused for longer than SESSION_IDLE_MINUTES (lastSeenAt, give or take its minute of
 * resolution) is no session either.
 * lastSeenAt is refreshed when it is more than a minute old, with an update conditional on that,
 * so concurrent requests write it once.
 */
export async function loadActingUser(db: PrismaClient, session: SessionPayload, now = new Date()): Promise<ActingUser | null> {
  const rows = await db.$queryRaw<SessionRow[]>(Prisma.sql`
    SELECT s."userId", s."roles", s."expiresAt", s."revokedAt", s."lastSeenAt",
           u."entraOid", u."name", u."email", u."lastRoles", m."teamId"
    FROM "Session" s
    JOIN "User" u ON u."id" = s."userId"
    LEFT JOIN "TeamMembership" m ON m."userId" = u."id"
    WHERE s."id" = ${session.sid}`);
  const row = rows[0];
  if (!row || row.revokedAt !== null || toDate(row.expiresAt) <= now) return null;
  // Idle on the server too, not only in the cookie's own expiry: a copied cookie refreshed by
  // someone else still names a row, and the row says when the session was last used.
  if (now.getTime() - toDate(row.lastSeenAt).getTime() > env.SESSION_IDLE_MINUTES * 60_000 + LAST_SEEN_RESOLUTION_MS) return null;
  if (row.userId !== session.uid || row.entraOid !== session.oid) return null;
  const stillHeld = new Set(roleList(row.lastRoles));
  const roles = roleList(row.roles).filter((r) => stillHeld.has(r));
  if (roles.length === 0) return null;
  if (now.getTime() - toDate(row.lastSeenAt).getTime() >= LAST_SEEN_RESOLUTION_MS) await touchSession(db, session.sid, now);
  return {
    id: row.userId,
    oid: row.entraOid,
    name: row.name,
    email: row.email,
    roles: ROLES.filter((r) => roles.includes(r)),
    teamIds: rows.flatMap((r) => (r.teamId ? [r.teamId] : [])),
  };
}

async function touchSession(db: PrismaClient, sid: string, now: Date) {
  try {
    await db.session.updateMany({ where: { id: sid, lastSeenAt: { lte: new Date(now.getTime() - LAST_SEEN_RESOLUTION_MS) } }, data: { lastSeenAt: now } });
  } catch (error) {
    // Bookkeeping only: a busy database must not turn a valid request away.
    getLogger().warn({ err: error }, "could not record session activity");
  }
}

/** A Json array of role names as stored; anything else reads as no roles. */
function roleList(value: unknown): Role[] {
  const parsed: unknown = typeof value === "string" ? safeJson(value) : value;
  return Array.isArray(parsed) ? parsed.filter(isRole) : [];
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function toDate(value: Date | string | number): Date {
  return value instanceof Date ? value : new Date(value);
}
