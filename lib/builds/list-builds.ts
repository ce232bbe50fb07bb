import "server-only";
import { Prisma } from "@/generated/prisma/client";
import type { ActingUser } from "@/lib/auth/acting-user";
import { isAdmin, requireRole, teamScope } from "@/lib/auth/require-role";
import type { PrismaClient } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { newestSucceededBuilds } from "@/lib/staleness/environment-health";
import { encodeCursor, parseCursor, type BuildFilters } from "./build-filters";
import { searchEnvironmentNames } from "./search-names";

export const buildSummarySelect = {
  id: true,
  environmentId: true,
  environmentName: true,
  teamId: true,
  workspaceId: true,
  status: true,
  failureClass: true,
  attempt: true,
  logBytes: true,
  queuedAt: true,
  startedAt: true,
  finishedAt: true,
  durationMs: true,
} satisfies Prisma.EnvironmentBuildSelect;
export type BuildSummary = Prisma.EnvironmentBuildGetPayload<{ select: typeof buildSummarySelect }>;

export interface BuildPage {
  builds: BuildSummary[];
  /** Pass back as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

/**
 * One page of builds the user may see, newest (or oldest) first. Keyset paging on (queuedAt, id):
 * the cursor names the last row shown, so rows arriving meanwhile never shift a page and ties on
 * queuedAt are broken by id, which gives a total order without gaps or repeats.
 */
export async function listBuilds(db: PrismaClient, actor: ActingUser, filters: BuildFilters, search?: BuildSearch): Promise<BuildPage> {
  requireRole(actor, "Feedgate.Requester", "Feedgate.Admin");
  const direction = filters.sort === "oldest" ? "asc" : "desc";
  const resolved = search ?? (await resolveBuildSearch(db, filters));
  // Few matching builds: read them by name. Many: walk the page's index and filter by name,
  // which finds a page within a few hundred rows (MANY_MATCHES / share of matches).
  // Text holding LIKE wildcards always goes by name: `contains` would read them as wildcards.
  const names = resolved.names && (/[\\%_]/.test(filters.q ?? "") || (await isRare(db, actor, resolved.names))) ? resolved.names : null;
  const stale = filters.stale ? [{ id: { in: await staleBuildIds(db, actor, filters) } }] : [];
  const where: Prisma.EnvironmentBuildWhereInput = { AND: [...buildScopeWhere(actor, filters, { names }), ...stale, ...cursorWhere(filters.cursor, direction)] };
  const rows = await db.environmentBuild.findMany({
    where,
    select: buildSummarySelect,
    orderBy: [{ queuedAt: direction }, { id: direction }],
    take: filters.limit + 1,
  });
  const builds = rows.slice(0, filters.limit);
  const last = builds[builds.length - 1];
  return { builds, nextCursor: rows.length > filters.limit && last ? encodeCursor(last) : null };
}

/** A view's search resolved once: the matching names, or null for a common text (see searchEnvironmentNames). */
export interface BuildSearch {
  names: string[] | null;
}

export async function resolveBuildSearch(db: PrismaClient, filters: Partial<BuildFilters>): Promise<BuildSearch> {
  return { names: filters.q ? await searchEnvironmentNames(db, filters.q) : null };
}

const MANY_MATCHES = 2000;

/** The stale filter lists at most this many versions' builds (the oldest stale first). */
export const STALE_FILTER_LIMIT = 2000;

/**
 * The stale filter's builds: the newest succeeded build of each stale, non-superseded version the
 * user may see (within the team and workspace filters), read on Environment(staleAt, teamId) and
 * then per version on EnvironmentBuild(environmentId, status, queuedAt). The page's own keyset
 * query then pages over these ids, so the other filters, the sort and the cursor work as usual.
 */
async function staleBuildIds(db: PrismaClient, actor: ActingUser, filters: Partial<BuildFilters>): Promise<string[]> {
  const versions = await db.environment.findMany({
    where: { staleAt: { not: null }, supersededAt: null, ...teamScope(actor), ...(filters.team ? { teamId: filters.team } : {}), ...(filters.workspace ? { workspaceId: filters.workspace } : {}) },
    select: { id: true },
    orderBy: [{ staleAt: "asc" }, { id: "asc" }],
    take: STALE_FILTER_LIMIT,
  });
  if (!isAdmin(actor) && actor.teamIds.length === 0) return [];
  return [...(await newestSucceededBuilds(db, versions.map((v) => v.id))).values()];
}

/**
 * Whether the user's builds with these names are fewer than MANY_MATCHES, from BuildNameCount
 * (per name and team, kept by triggers): a sum over at most names × teams rows, where counting
 * the builds themselves read more of them the larger the fleet.
 */
async function isRare(db: PrismaClient, actor: ActingUser, names: string[]): Promise<boolean> {
  if (names.length === 0) return true;
  if (!isAdmin(actor) && actor.teamIds.length === 0) return true;
  const teams = isAdmin(actor) ? Prisma.empty : Prisma.sql` AND "teamId" IN (${Prisma.join([...actor.teamIds])})`;
  const [row] = await db.$queryRaw<{ n: number | bigint | null }[]>(Prisma.sql`SELECT SUM("n") AS "n" FROM "BuildNameCount" WHERE "name" IN (${Prisma.join(names)})${teams}`);
  return Number(row?.n ?? 0) < MANY_MATCHES;
}

/**
 * The `where` parts every builds query shares: the user's teams (authorization, always first),
 * then the view's filters. Status and failure class are left out when `withOutcome` is false, for
 * summary cards that count every outcome. With `names` (resolved from the search text), a search
 * matches those names exactly; without, it is a `contains` on the name.
 */
export function buildScopeWhere(actor: ActingUser, filters: Partial<BuildFilters>, options: { withOutcome?: boolean; names?: string[] | null } = {}): Prisma.EnvironmentBuildWhereInput[] {
  const and: Prisma.EnvironmentBuildWhereInput[] = [teamScope(actor)];
  if (filters.team) and.push({ teamId: filters.team });
  if (filters.workspace) and.push({ workspaceId: filters.workspace });
  if (options.withOutcome !== false) {
    if (filters.status) and.push({ status: filters.status });
    if (filters.failureClass) and.push({ failureClass: filters.failureClass });
  }
  if (filters.from) and.push({ queuedAt: { gte: new Date(`${filters.from}T00:00:00.000Z`) } });
  if (filters.to) and.push({ queuedAt: { lt: new Date(Date.parse(`${filters.to}T00:00:00.000Z`) + DAY_MS) } });
  if (filters.q) and.push(options.names ? { environmentName: { in: options.names } } : { environmentName: { contains: filters.q } });
  return and;
}

/** The cursor of a page; filters were validated by buildFiltersSchema, so this is a second line of defence. */
export function decodeCursor(cursor: string): { queuedAt: Date; id: string } {
  const parsed = parseCursor(cursor);
  if (!parsed) throw new AppError("invalid_input", "The page cursor is not valid; start again from the first page.");
  return parsed;
}

const DAY_MS = 24 * 60 * 60 * 1000;

function cursorWhere(cursor: string | undefined, direction: "asc" | "desc"): Prisma.EnvironmentBuildWhereInput[] {
  if (!cursor) return [];
  const { queuedAt, id } = decodeCursor(cursor);
  const beyond = direction === "desc" ? "lt" : "gt";
  // The plain bound on queuedAt lets the index seek to the cursor; the OR then breaks ties by id.
  return [{ queuedAt: { [`${beyond}e`]: queuedAt } }, { OR: [{ queuedAt: { [beyond]: queuedAt } }, { queuedAt, id: { [beyond]: id } }] }];
}
