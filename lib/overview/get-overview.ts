import "server-only";
import type { ActingUser } from "@/lib/auth/acting-user";
import { teamScope } from "@/lib/auth/require-role";
import type { PrismaClient } from "@/lib/db/client";

export interface Overview {
  teams: number;
  approvedUpstreams: { name: string; kind: string; url: string }[];
  pendingUpstreams: number;
  feedHosts: { name: string; kind: string; baseUrl: string }[];
  feeds: number;
  buildsLast24h: number;
}

/**
 * The landing page: install-wide facts (teams, approved upstreams, feed hosts) and counts of
 * team-owned things limited to what the user may see (their teams', or all for Admins).
 */
export async function getOverview(db: PrismaClient, actor: ActingUser): Promise<Overview> {
  const scope = teamScope(actor);
  const since = new Date(Date.now() - 24 * 60 * 60 * 1000);
  const [teams, approvedUpstreams, pendingUpstreams, feedHosts, feeds, buildsLast24h] = await Promise.all([
    db.team.count(),
    db.upstreamSource.findMany({ where: { status: "approved" }, select: { name: true, kind: true, url: true }, orderBy: { name: "asc" } }),
    db.upstreamSource.count({ where: { status: "proposed" } }),
    db.feedHost.findMany({ where: { status: "ACTIVE" }, select: { name: true, kind: true, baseUrl: true }, orderBy: { name: "asc" } }),
    db.feed.count({ where: scope }),
    db.environmentBuild.count({ where: { ...scope, queuedAt: { gte: since } } }),
  ]);
  return { teams, approvedUpstreams, pendingUpstreams, feedHosts, feeds, buildsLast24h };
}
