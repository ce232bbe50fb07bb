import "server-only";
import type { ActingUser } from "@/lib/auth/acting-user";
import { requireRole, teamScope } from "@/lib/auth/require-role";
import type { PrismaClient } from "@/lib/db/client";
import { feedClientOf } from "./feed-config-files";

export interface FeedHealth {
  ok: boolean;
  checks: { name: string; ok: boolean; detail: string }[];
  warnings: string[];
}

/**
 * The feed catalog: the user's teams' feeds (every team's for Admins) with their URLs, the last
 * preflight, their upstreams (revoked ones flagged) and whether configuration can be downloaded.
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
      upstreams: { select: { repository: true, flaggedAt: true, upstream: { select: { id: true, name: true, kind: true, url: true, status: true, decisionReason: true } } } },
    },
  });
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
      health: parseHealth(f.lastHealth),
      lastHealthAt: f.lastHealthAt,
      updatedAt: f.updatedAt,
      upstreams: f.upstreams
        .map((u) => ({ ...u.upstream, repository: u.repository, flaggedAt: u.flaggedAt }))
        .sort((a, b) => a.name.localeCompare(b.name)),
    };
  });
}

export type FeedCatalogEntry = Awaited<ReturnType<typeof listFeedCatalog>>[number];

function parseHealth(value: unknown): FeedHealth | null {
  if (typeof value !== "object" || value === null) return null;
  const v = value as Record<string, unknown>;
  const checks = Array.isArray(v.checks)
    ? v.checks.flatMap((c: unknown) => {
        if (typeof c !== "object" || c === null) return [];
        const r = c as Record<string, unknown>;
        return [{ name: String(r.name ?? "check"), ok: r.ok === true, detail: String(r.detail ?? "") }];
      })
    : [];
  const warnings = Array.isArray(v.warnings) ? v.warnings.filter((w): w is string => typeof w === "string") : [];
  return { ok: v.ok === true, checks, warnings };
}
