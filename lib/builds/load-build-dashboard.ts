import "server-only";
import type { ActingUser } from "@/lib/auth/acting-user";
import { requireRole, teamScope } from "@/lib/auth/require-role";
import type { PrismaClient } from "@/lib/db/client";
import { getEnvironmentHealth, readStaleness, type TeamHealth } from "@/lib/staleness/environment-health";
import type { StaleReason } from "@/lib/staleness/stale-reasons";
import type { BuildFilters } from "./build-filters";
import { getBuildStats, getBuildTrend, type BuildStats, type TrendPoint } from "./build-stats";
import { listBuilds, resolveBuildSearch, type BuildPage } from "./list-builds";

export interface FilterOptions {
  teams: { id: string; name: string }[];
  workspaces: { id: string; name: string; teamId: string }[];
}

export interface BuildDashboard {
  page: BuildPage;
  stats: BuildStats;
  trend: TrendPoint[];
  options: FilterOptions;
  /** Per team: how many of its current environment versions are fresh, stale and failing. */
  health: TeamHealth[];
  /** The stale reasons of the page's environment versions that are stale, by environment id. */
  staleness: Map<string, StaleReason[]>;
}

/** Everything the builds dashboard's first render needs, read in parallel. The benchmark times exactly this. */
export async function loadBuildDashboard(db: PrismaClient, actor: ActingUser, filters: BuildFilters, now = new Date()): Promise<BuildDashboard> {
  // The search text resolves to names once, through the name index (lib/builds/search-names.ts).
  const search = await resolveBuildSearch(db, filters);
  const trendPromise = getBuildTrend(db, actor, filters, now, search);
  const pagePromise = listBuilds(db, actor, filters, search);
  const [page, stats, trend, options, health, staleness] = await Promise.all([
    pagePromise,
    trendPromise.then((points) => getBuildStats(db, actor, filters, now, { trend: points, search })),
    trendPromise,
    listFilterOptions(db, actor),
    getEnvironmentHealth(db, actor),
    // One extra query by id for the page's (at most 200) environment versions, not a join in the page's keyset query.
    pagePromise.then((p) => readStaleness(db, p.builds.map((b) => b.environmentId))),
  ]);
  return { page, stats, trend, options, health, staleness };
}

/** Teams and workspaces the user may filter by: theirs, or every one for Admins. */
export async function listFilterOptions(db: PrismaClient, actor: ActingUser): Promise<FilterOptions> {
  requireRole(actor, "Feedgate.Requester", "Feedgate.Admin");
  const scope = teamScope(actor);
  const [teams, workspaces] = await Promise.all([
    db.team.findMany({ where: scope.teamId ? { id: scope.teamId } : {}, select: { id: true, name: true }, orderBy: { name: "asc" } }),
    db.workspace.findMany({ where: scope, select: { id: true, name: true, teamId: true }, orderBy: { name: "asc" } }),
  ]);
  return { teams, workspaces };
}
