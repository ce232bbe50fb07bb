import "server-only";
import type { ActingUser } from "@/lib/auth/acting-user";
import { requireRole, teamScope } from "@/lib/auth/require-role";
import type { PrismaClient } from "@/lib/db/client";
import { feedHealthSchema, readJsonColumn, type FeedHealth } from "@/lib/db/json-columns";
import { normalizePackageName } from "@/lib/feed-config/nexus-policy";
import { syncFeedPolicySubject } from "@/lib/workflows/sync-feed-policy/schema";
import { artifactsAuthHint } from "./artifacts-auth";
import { feedClientOf } from "./feed-config-files";

export type { FeedHealth } from "@/lib/db/json-columns";

/**
 * The feed catalog: the user's teams' feeds (every team's for Admins) with their URLs, the last
 * preflight, their upstreams (revoked ones flagged), whether configuration can be downloaded and,
 * for Azure Artifacts feeds, how people authenticate pip to them; and each feed's effective policy
 * (its upstreams in the order the group asks them, each one's allow-list or "all packages", the
 * organisation's blocks, and whether the host enforces them).
 */
export async function listFeedCatalog(db: PrismaClient, actor: ActingUser) {
  requireRole(actor, "Feedgate.Requester", "Feedgate.Admin");
  const feeds = await db.feed.findMany({
    where: teamScope(actor),
    orderBy: [{ team: { slug: "asc" } }, { name: "asc" }],
    take: 200,
    select: {
      id: true,
      name: true,
      status: true,
      pipIndexUrl: true,
      condaChannelUrl: true,
      repositories: true,
      lastHealth: true,
      lastHealthAt: true,
      updatedAt: true,
      team: { select: { name: true, slug: true } },
      host: { select: { name: true, kind: true } },
      groupRepository: true,
      upstreams: { orderBy: [{ position: "asc" }, { upstreamId: "asc" }], select: { repository: true, flaggedAt: true, position: true, upstream: { select: { id: true, name: true, kind: true, url: true, status: true, decisionReason: true, allowList: true } } } },
    },
  });
  const blocks = await db.packageBlock.findMany({ orderBy: { name: "asc" }, take: 1000, select: { name: true, reason: true } });
  const syncing = new Set(
    (await db.job.findMany({ where: { activeSubject: { in: feeds.map((f) => syncFeedPolicySubject(f.id)) } }, select: { subject: true } })).map((j) => j.subject),
  );
  return feeds.map((f) => {
    const client = feedClientOf(f);
    return {
      id: f.id,
      name: f.name,
      status: f.status,
      team: f.team,
      host: f.host,
      pipIndexUrl: f.pipIndexUrl,
      condaChannelUrls: client?.condaChannelUrls ?? [],
      hasConfig: client !== null,
      // Azure Artifacts always authenticates; Nexus feeds are read anonymously inside the network.
      artifactsAuth: f.host.kind === "artifacts" && f.pipIndexUrl ? artifactsAuthHint(f.pipIndexUrl) : null,
      health: parseHealth(f.lastHealth),
      lastHealthAt: f.lastHealthAt,
      updatedAt: f.updatedAt,
      upstreams: f.upstreams.map((u) => ({ ...u.upstream, allowList: allowListOf(u.upstream.allowList), repository: u.repository, flaggedAt: u.flaggedAt })),
      policy: {
        groupRepository: f.groupRepository,
        isEnforced: f.host.kind === "nexus",
        blocks,
        isSyncing: syncing.has(syncFeedPolicySubject(f.id)),
      },
    };
  });
}

function allowListOf(value: unknown): string[] | null {
  return Array.isArray(value) ? [...new Set(value.filter((v): v is string => typeof v === "string").map(normalizePackageName))].sort() : null;
}

export type FeedCatalogEntry = Awaited<ReturnType<typeof listFeedCatalog>>[number];

function parseHealth(value: unknown): FeedHealth | null {
  return readJsonColumn(feedHealthSchema, value, null);
}
