import "server-only";
import { Prisma } from "@/generated/prisma/client";
import type { ActingUser } from "@/lib/auth/acting-user";
import { isAdmin, requireRole } from "@/lib/auth/require-role";
import type { PrismaClient } from "@/lib/db/client";
import type { BuildFilters, BuildStatusValue } from "./build-filters";
import { buildScopeWhere, resolveBuildSearch, type BuildSearch } from "./list-builds";
import { NOTHING, queuedWithin, scopeSql, sqlTime, statusText } from "./build-scope-sql";
import { isPostgresClient } from "./search-names";

export interface BuildStats {
  runningNow: number;
  queuedNow: number;
  failedLast24h: number;
  /** Succeeded ÷ (succeeded + failed) in the window; null when nothing finished. */
  successRate: number | null;
  finishedInWindow: number;
  p50DurationMs: number | null;
  p95DurationMs: number | null;
  /** How many successful builds the percentiles describe: the newest ones in the window, at most 2,000. */
  durationSample: number;
  window: { from: string; to: string };
}

export interface TrendPoint {
  day: string;
  succeeded: number;
  failed: number;
  other: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;
const DEFAULT_WINDOW_DAYS = 14;
const MAX_TREND_DAYS = 62;
const PERCENTILE_SAMPLE = 2000;

/**
 * Summary cards for a view. The window's counts come from the trend or BuildDayCount (a search:
 * its names' builds); builds running, queued and failed in 24 h are one bounded index read.
 * Duration percentiles (nearest rank) describe the newest 2,000 successful builds of the window,
 * ranked in SQL so one row comes back (SQLite and PostgreSQL share no percentile function); at
 * fleet scale a sample that size pins p50/p95 well within the spread of build times.
 * Team, workspace and search (by the names it resolved to, on the name index) narrow everything;
 * status and failure class do not (the cards describe the fleet the table is drawn from). Rates
 * and durations cover the date range, or the last 14 days when none is chosen.
 */
export async function getBuildStats(db: PrismaClient, actor: ActingUser, filters: Partial<BuildFilters>, now = new Date(), options: { trend?: TrendPoint[]; search?: BuildSearch } = {}): Promise<BuildStats> {
  requireRole(actor, "Feedgate.Requester", "Feedgate.Admin");
  const search = options.search ?? (await resolveBuildSearch(db, filters));
  const scope = buildScopeWhere(actor, { ...filters, from: undefined, to: undefined }, { withOutcome: false, names: search.names });
  const window = statsWindow(filters, now);
  const inWindow: Prisma.EnvironmentBuildWhereInput[] = [...scope, { queuedAt: { gte: window.from, lt: window.to } }];

  const isPostgres = await isPostgresClient(db);
  const sqlScope = scopeSql(actor, filters, filters.q ? search.names : null, isPostgres);
  const [current, byStatus, sample] = await Promise.all([
    countCurrent(db, sqlScope, new Date(now.getTime() - DAY_MS), isPostgres),
    // The trend already counted the window by day and outcome when it covers all of it; without a
    // search the day counts answer it too; a search counts its names' builds on their index.
    coversWindow(options.trend, window)
      ? countsFromTrend(options.trend ?? [])
      : filters.q
        ? db.environmentBuild.groupBy({ by: ["status"], where: { AND: inWindow }, _count: { _all: true } })
        : countWindowFromDays(db, actor, filters, window, isPostgres),
    durationPercentiles(db, sqlScope, window, isPostgres, !isPostgres && !!filters.q && search.names !== null),
  ]);
  const count = (s: BuildStatusValue) => byStatus.find((r) => r.status === s)?._count._all ?? 0;
  const finished = count("SUCCEEDED") + count("FAILED");
  return {
    runningNow: current.running,
    queuedNow: current.queued,
    failedLast24h: current.failedSince,
    successRate: finished ? count("SUCCEEDED") / finished : null,
    finishedInWindow: finished,
    p50DurationMs: sample.p50,
    p95DurationMs: sample.p95,
    durationSample: sample.n,
    window: { from: window.from.toISOString(), to: window.to.toISOString() },
  };
}

/**
 * Builds per UTC day in the window (at most 62 days, the last ones), by outcome, for the trend
 * chart. Without a search it sums BuildDayCount (kept by triggers: at most days × workspaces ×
 * statuses rows, whatever the fleet's size); a search counts its names' builds on the
 * (environmentName, queuedAt, …) index. Prisma cannot group by a day, so both are SQL, with the
 * same scope as buildScopeWhere and every value bound as a parameter.
 */
export async function getBuildTrend(db: PrismaClient, actor: ActingUser, filters: Partial<BuildFilters>, now = new Date(), search?: BuildSearch): Promise<TrendPoint[]> {
  requireRole(actor, "Feedgate.Requester", "Feedgate.Admin");
  const names = filters.q ? (search ?? (await resolveBuildSearch(db, filters))).names : null;
  const window = statsWindow(filters, now);
  const firstDay = Math.max(Math.floor(window.from.getTime() / DAY_MS), Math.ceil(window.to.getTime() / DAY_MS) - MAX_TREND_DAYS);
  const lastDay = Math.ceil(window.to.getTime() / DAY_MS);
  const days = Array.from({ length: Math.max(0, lastDay - firstDay) }, (_, i) => dayOf(firstDay + i));
  const points = new Map(days.map((day) => [day, { day, succeeded: 0, failed: 0, other: 0 }]));
  if ((!isAdmin(actor) && actor.teamIds.length === 0) || days.length === 0 || names?.length === 0) return [...points.values()];

  const isPostgres = await isPostgresClient(db);
  const rows = filters.q
    ? await db.$queryRaw<{ day: string; status: string; n: number | bigint }[]>(
        Prisma.sql`SELECT ${isPostgres ? Prisma.sql`to_char("queuedAt", 'YYYY-MM-DD')` : Prisma.sql`substr("queuedAt", 1, 10)`} AS "day", ${statusText(isPostgres)} AS "status", COUNT(*) AS "n"
          FROM "EnvironmentBuild" WHERE ${Prisma.join([...queuedWithin(new Date(firstDay * DAY_MS), new Date(lastDay * DAY_MS), isPostgres), ...scopeSql(actor, filters, names, isPostgres)], " AND ")} GROUP BY 1, 2`,
      )
    : await dayCounts(db, actor, filters, firstDay, lastDay, isPostgres);
  for (const row of rows) {
    const point = points.get(row.day);
    if (!point) continue;
    const n = Number(row.n);
    if (row.status === "SUCCEEDED") point.succeeded += n;
    else if (row.status === "FAILED") point.failed += n;
    else point.other += n;
  }
  return [...points.values()];
}

/** BuildDayCount summed by day and status over [firstDay, lastDay) (day numbers since the epoch), in the view's teams and workspace. */
function dayCounts(db: PrismaClient, actor: ActingUser, filters: Partial<BuildFilters>, firstDay: number, lastDay: number, isPostgres: boolean) {
  const conditions = [Prisma.sql`"day" >= ${dayOf(firstDay)}`, Prisma.sql`"day" < ${dayOf(lastDay)}`, ...scopeSql(actor, { team: filters.team, workspace: filters.workspace }, null, isPostgres)];
  return db.$queryRaw<{ day: string; status: string; n: number | bigint }[]>(
    Prisma.sql`SELECT "day", ${statusText(isPostgres)} AS "status", SUM("n") AS "n" FROM "BuildDayCount" WHERE ${Prisma.join(conditions, " AND ")} GROUP BY 1, 2`,
  );
}

/** The window's builds by status from the day counts (the window starts on a day; no build is queued after now). */
async function countWindowFromDays(db: PrismaClient, actor: ActingUser, filters: Partial<BuildFilters>, window: { from: Date; to: Date }, isPostgres: boolean) {
  if (!isAdmin(actor) && actor.teamIds.length === 0) return [];
  const rows = await dayCounts(db, actor, filters, Math.floor(window.from.getTime() / DAY_MS), Math.ceil(window.to.getTime() / DAY_MS), isPostgres);
  const byStatus = new Map<string, number>();
  for (const row of rows) byStatus.set(row.status, (byStatus.get(row.status) ?? 0) + Number(row.n));
  return [...byStatus].map(([status, n]) => ({ status: status as BuildStatusValue, _count: { _all: n } }));
}

/**
 * Nearest-rank p50 and p95 of the newest PERCENTILE_SAMPLE successful builds in the window,
 * ranked in the database (window functions, on SQLite and PostgreSQL alike) so one row comes
 * back instead of the sample: a range read of the (…, status, queuedAt, durationMs) index.
 */
async function durationPercentiles(db: PrismaClient, scope: Prisma.Sql[], window: { from: Date; to: Date }, isPostgres: boolean, byName: boolean): Promise<{ n: number; p50: number | null; p95: number | null }> {
  if (scope.some((c) => c === NOTHING)) return { n: 0, p50: null, p95: null };
  // A search's names: SQLite reads their builds on the name index (`+` keeps it off the status
  // one, where it would walk every success in the window to find the names' few; see scopeSql).
  const status = byName ? Prisma.sql`+"status" = 'SUCCEEDED'` : Prisma.sql`"status" = 'SUCCEEDED'`;
  const where = Prisma.join([...queuedWithin(window.from, window.to, isPostgres), status, Prisma.sql`"durationMs" IS NOT NULL`, ...scope], " AND ");
  const [row] = await db.$queryRaw<{ n: number | bigint | null; p50: number | bigint | null; p95: number | bigint | null }[]>(Prisma.sql`
    WITH "sample" AS (SELECT "durationMs" AS "d" FROM "EnvironmentBuild" WHERE ${where} ORDER BY "queuedAt" DESC LIMIT ${PERCENTILE_SAMPLE}),
    "ranked" AS (SELECT "d", ROW_NUMBER() OVER (ORDER BY "d") AS "rank", COUNT(*) OVER () AS "n" FROM "sample")
    SELECT MAX("n") AS "n", MAX(CASE WHEN "rank" = ("n" * 50 + 99) / 100 THEN "d" END) AS "p50", MAX(CASE WHEN "rank" = ("n" * 95 + 99) / 100 THEN "d" END) AS "p95" FROM "ranked"`);
  const num = (v: number | bigint | null | undefined) => (v === null || v === undefined ? null : Number(v));
  return { n: num(row?.n) ?? 0, p50: num(row?.p50), p95: num(row?.p95) };
}

/**
 * Builds running and queued now, and failed since `since`, in one SQL query on the
 * (…, status, queuedAt) indexes. SQL, because Prisma's count selects `id`, which no index
 * with status holds on SQLite, so SQLite's planner prefers to scan a covering one instead.
 */
async function countCurrent(db: PrismaClient, scope: Prisma.Sql[], since: Date, isPostgres: boolean): Promise<{ running: number; queued: number; failedSince: number }> {
  if (scope.some((c) => c === NOTHING)) return { running: 0, queued: 0, failedSince: 0 };
  const and = (parts: Prisma.Sql[]) => Prisma.join([...parts, ...scope], " AND ");
  const rows = await db.$queryRaw<{ kind: string; n: number | bigint }[]>(Prisma.sql`
    SELECT ${statusText(isPostgres)} AS "kind", COUNT(*) AS "n" FROM "EnvironmentBuild" WHERE ${and([Prisma.sql`"status" IN ('QUEUED', 'PROVISIONING_ACR', 'RUNNING')`])} GROUP BY 1
    UNION ALL
    SELECT 'FAILED_SINCE' AS "kind", COUNT(*) AS "n" FROM "EnvironmentBuild" WHERE ${and([Prisma.sql`"status" = 'FAILED'`, Prisma.sql`"queuedAt" >= ${sqlTime(since, isPostgres)}`])}`);
  const n = (kind: string) => rows.filter((r) => r.kind === kind).reduce((sum, r) => sum + Number(r.n), 0);
  return { running: n("PROVISIONING_ACR") + n("RUNNING"), queued: n("QUEUED"), failedSince: n("FAILED_SINCE") };
}

function dayOf(dayNumber: number): string {
  return new Date(dayNumber * DAY_MS).toISOString().slice(0, 10);
}

function coversWindow(trend: TrendPoint[] | undefined, window: { from: Date; to: Date }): boolean {
  const first = trend?.[0];
  return !!first && Date.parse(`${first.day}T00:00:00.000Z`) <= window.from.getTime();
}

function countsFromTrend(trend: TrendPoint[]): { status: BuildStatusValue; _count: { _all: number } }[] {
  const sum = (k: "succeeded" | "failed") => trend.reduce((n, p) => n + p[k], 0);
  return [
    { status: "SUCCEEDED", _count: { _all: sum("succeeded") } },
    { status: "FAILED", _count: { _all: sum("failed") } },
  ];
}

/** [from, to) of the view's date range, or the last 14 days. */
export function statsWindow(filters: Partial<BuildFilters>, now: Date): { from: Date; to: Date } {
  const to = filters.to ? new Date(Date.parse(`${filters.to}T00:00:00.000Z`) + DAY_MS) : now;
  const from = filters.from ? new Date(`${filters.from}T00:00:00.000Z`) : new Date(Math.floor((to.getTime() - DEFAULT_WINDOW_DAYS * DAY_MS) / DAY_MS) * DAY_MS + (filters.to ? 0 : DAY_MS));
  return { from, to };
}

/** Nearest-rank percentile of sorted values: the value at rank ⌈p·n⌉ (1-based). */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (!sorted.length) return null;
  return sorted[Math.max(1, Math.ceil(p * sorted.length)) - 1] ?? null;
}
