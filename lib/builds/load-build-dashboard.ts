import "server-only";
import type { ActingUser } from "@/lib/auth/acting-user";
import { requireRole, teamScope } from "@/lib/auth/require-role";
import type { PrismaClient } from "@/lib/db/client";
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
}

/** Everything the builds dashboard's first render needs, read in parallel. The benchmark times exactly this. */
export async function loadBuildDashboard(db: PrismaClient, actor: ActingUser, filters: BuildFilters, now = new Date()): Promise<BuildDashboard> {
  // The search text resolves to names once, through the name index (lib/builds/search-names.ts).
  const search = await resolveBuildSearch(db, filters);
  const trendPromise = getBuildTrend(db, actor, filters, now, search);
  const [page, stats, trend, options] = await Promise.all([
    listBuilds(db, actor, filters, search),
    trendPromise.then((points) => getBuildStats(db, actor, filters, now, { trend: points, search })),
    trendPromise,
    listFilterOptions(db, actor),
  ]);
  return { page, stats, trend, options };
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
