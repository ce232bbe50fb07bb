import "server-only";
import type { ActingUser } from "@/lib/auth/acting-user";
import { requireRole, teamScope } from "@/lib/auth/require-role";
import type { PrismaClient } from "@/lib/db/client";
import { NotFoundError } from "@/lib/errors";
import { feedSummarySelect } from "./list-feeds";

/** One feed, if it belongs to one of the user's teams (any team for Admins); 404 otherwise. */
export async function getFeed(db: PrismaClient, actor: ActingUser, feedId: string) {
  requireRole(actor, "Feedgate.Requester", "Feedgate.Admin");
  const feed = await db.feed.findFirst({ where: { id: feedId, ...teamScope(actor) }, select: feedSummarySelect });
  if (!feed) throw new NotFoundError("No such feed.");
  return feed;
}
