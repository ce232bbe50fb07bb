import "server-only";
import type { ActingUser } from "@/lib/auth/acting-user";
import { isAdmin } from "@/lib/auth/require-role";
import type { PrismaClient } from "@/lib/db/client";
import { NotFoundError } from "@/lib/errors";

/**
 * A team with its members and feed count. Membership is part of the query, so another team's id
 * finds nothing and the answer is the same 404 as for an id that does not exist.
 */
export async function getTeam(db: PrismaClient, actor: ActingUser, teamId: string) {
  const team = await db.team.findFirst({
    where: { id: teamId, ...(isAdmin(actor) ? {} : { members: { some: { userId: actor.id } } }) },
    select: {
      id: true,
      slug: true,
      name: true,
      members: { select: { role: true, user: { select: { name: true, email: true } } }, orderBy: { createdAt: "asc" } },
      _count: { select: { feeds: true } },
    },
  });
  if (!team) throw new NotFoundError("No such team.");
  return {
    id: team.id,
    slug: team.slug,
    name: team.name,
    members: team.members.map((m) => ({ name: m.user.name, email: m.user.email, role: m.role })),
    feedCount: team._count.feeds,
  };
}
