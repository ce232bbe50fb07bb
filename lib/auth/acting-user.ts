import "server-only";
import type { PrismaClient } from "@/lib/db/client";
import type { Role } from "./roles";
import type { SessionPayload } from "./session-cookie";

/** Who is acting: the database user, the roles their token granted and the teams they belong to. */
export interface ActingUser {
  id: string;
  oid: string;
  name: string;
  email: string;
  roles: Role[];
  teamIds: string[];
}

/**
 * Resolves a session to the user it names, reading team membership fresh on every request so a
 * removal takes effect at once. A session whose user no longer exists resolves to null.
 */
export async function loadActingUser(db: PrismaClient, session: SessionPayload): Promise<ActingUser | null> {
  const user = await db.user.findFirst({
    where: { id: session.uid, entraOid: session.oid },
    select: { id: true, entraOid: true, name: true, email: true, memberships: { select: { teamId: true } } },
  });
  if (!user) return null;
  return {
    id: user.id,
    oid: user.entraOid,
    name: user.name,
    email: user.email,
    roles: session.roles,
    teamIds: user.memberships.map((m) => m.teamId),
  };
}
