import "server-only";
import type { PrismaClient } from "@/lib/db/client";

export interface Overview {
  teams: number;
  approvedUpstreams: { name: string; kind: string; url: string }[];
  pendingUpstreams: number;
  feedHosts: { name: string; kind: string; baseUrl: string }[];
  feeds: number;
  buildsLast24h: number;
}

/** Install-wide counts for the landing page; nothing team-specific is shown here. */
export async function getOverview(db: PrismaClient): Promise<Overview> {
  const since = new Date(Date.now() - 24 * 60 * 60 * 1000);
  const [teams, approvedUpstreams, pendingUpstreams, feedHosts, feeds, buildsLast24h] = await Promise.all([
    db.team.count(),
    db.upstreamSource.findMany({ where: { status: "approved" }, select: { name: true, kind: true, url: true }, orderBy: { name: "asc" } }),
    db.upstreamSource.count({ where: { status: "proposed" } }),
    db.feedHost.findMany({ where: { status: "ACTIVE" }, select: { name: true, kind: true, baseUrl: true }, orderBy: { name: "asc" } }),
    db.feed.count(),
    db.environmentBuild.count({ where: { queuedAt: { gte: since } } }),
  ]);
  return { teams, approvedUpstreams, pendingUpstreams, feedHosts, feeds, buildsLast24h };
}
