import "server-only";
import type { ActingUser } from "@/lib/auth/acting-user";
import { requireRole, teamScope } from "@/lib/auth/require-role";
import type { PrismaClient } from "@/lib/db/client";

export const feedSummarySelect = {
  id: true,
  teamId: true,
  name: true,
  status: true,
  pipIndexUrl: true,
  condaChannelUrl: true,
  updatedAt: true,
  team: { select: { slug: true, name: true } },
} as const;

/** Feeds the user may see (their teams', or all for Admins), optionally narrowed to one team. */
export async function listFeeds(db: PrismaClient, actor: ActingUser, filter: { teamId?: string } = {}) {
  requireRole(actor, "Feedgate.Requester", "Feedgate.Admin");
  // Both conditions apply: asking for another team's id narrows the visible set to nothing.
  return db.feed.findMany({
    where: { AND: [teamScope(actor), filter.teamId ? { teamId: filter.teamId } : {}] },
    select: feedSummarySelect,
    orderBy: [{ team: { slug: "asc" } }, { name: "asc" }],
    take: 200,
  });
}
