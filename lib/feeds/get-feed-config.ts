import "server-only";
import type { ActingUser } from "@/lib/auth/acting-user";
import { requireRole, teamScope } from "@/lib/auth/require-role";
import type { PrismaClient } from "@/lib/db/client";
import { AppError, NotFoundError } from "@/lib/errors";
import { FEED_CONFIG_FILE_INFO, feedClientOf, renderFeedConfigFile, type FeedConfigFile } from "./feed-config-files";

/**
 * One configuration file of a feed the user may see (their teams', any for Admins). Another
 * team's feed answers 404, exactly like a feed that does not exist.
 */
export async function getFeedConfig(db: PrismaClient, actor: ActingUser, feedId: string, file: FeedConfigFile) {
  requireRole(actor, "Feedgate.Requester", "Feedgate.Admin");
  const feed = await db.feed.findFirst({ where: { id: feedId, ...teamScope(actor) }, select: { id: true, name: true, pipIndexUrl: true, condaChannelUrl: true, repositories: true } });
  if (!feed) throw new NotFoundError("No such feed.");
  const client = feedClientOf(feed);
  if (!client) throw new AppError("conflict", "This feed has no pip index yet; its configuration is ready once provisioning registers it.");
  const body = renderFeedConfigFile(client, file);
  if (body === null) throw new NotFoundError("This feed has no conda channel (Azure Artifacts serves pip only), so there is no .condarc.");
  const info = FEED_CONFIG_FILE_INFO[file];
  return { body, contentType: info.contentType, filename: `${feed.name}-${info.downloadName}`.replace(/[^A-Za-z0-9._-]/g, "_") };
}
