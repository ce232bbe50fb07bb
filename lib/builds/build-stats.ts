import "server-only";
import { Prisma } from "@/generated/prisma/client";
import type { ActingUser } from "@/lib/auth/acting-user";
import { isAdmin, requireRole } from "@/lib/auth/require-role";
import type { PrismaClient } from "@/lib/db/client";
import type { BuildFilters, BuildStatusValue } from "./build-filters";
import { buildScopeWhere, resolveBuildSearch, type BuildSearch } from "./list-builds";
import { isPostgresClient, likePattern } from "./search-names";

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
 * Summary cards for a view. Counts run in the database on covering indexes. Duration percentiles
 * (nearest rank) describe the newest 2,000 successful builds of the window: an index range read
 * that costs the same on SQLite and PostgreSQL (they share no percentile function), and at fleet
 * scale a sample that size pins p50/p95 well within the spread of build times.
 * Team, workspace and search (by the names it resolved to, on the name index) narrow everything; status and failure class do not (the cards
 * describe the fleet the table is drawn from). Rates and durations cover the date range, or the
 * last 14 days when none is chosen.
 */
export async function getBuildStats(db: PrismaClient, actor: ActingUser, filters: Partial<BuildFilters>, now = new Date(), options: { trend?: TrendPoint[]; search?: BuildSearch } = {}): Promise<BuildStats> {
  requireRole(actor, "Feedgate.Requester", "Feedgate.Admin");
  const search = options.search ?? (await resolveBuildSearch(db, filters));
  const scope = buildScopeWhere(actor, { ...filters, from: undefined, to: undefined }, { withOutcome: false, names: search.names });
  const window = statsWindow(filters, now);
  const inWindow: Prisma.EnvironmentBuildWhereInput[] = [...scope, { queuedAt: { gte: window.from, lt: window.to } }];
  const succeededWhere: Prisma.EnvironmentBuildWhereInput = { AND: [...inWindow, { status: "SUCCEEDED" }, { durationMs: { not: null } }] };

  const [running, queued, failed24h, byStatus, recent] = await Promise.all([
    db.environmentBuild.count({ where: { AND: [...scope, { status: { in: ["PROVISIONING_ACR", "RUNNING"] } }] } }),
    db.environmentBuild.count({ where: { AND: [...scope, { status: "QUEUED" }] } }),
    db.environmentBuild.count({ where: { AND: [...scope, { status: "FAILED" }, { queuedAt: { gte: new Date(now.getTime() - DAY_MS) } }] } }),
    // The trend already counted the window by day and outcome when it covers all of it.
    coversWindow(options.trend, window) ? countsFromTrend(options.trend ?? []) : db.environmentBuild.groupBy({ by: ["status"], where: { AND: inWindow }, _count: { _all: true } }),
    // Newest first along the (status, queuedAt, durationMs) index: no sort, no table reads.
    db.environmentBuild.findMany({ where: succeededWhere, orderBy: { queuedAt: "desc" }, take: PERCENTILE_SAMPLE, select: { durationMs: true } }),
  ]);
  const count = (s: BuildStatusValue) => byStatus.find((r) => r.status === s)?._count._all ?? 0;
  const finished = count("SUCCEEDED") + count("FAILED");
  const durations = recent.flatMap((r) => (r.durationMs === null ? [] : [r.durationMs])).sort((a, b) => a - b);
  return {
    runningNow: running,
    queuedNow: queued,
    failedLast24h: failed24h,
    successRate: finished ? count("SUCCEEDED") / finished : null,
    finishedInWindow: finished,
    p50DurationMs: percentile(durations, 0.5),
    p95DurationMs: percentile(durations, 0.95),
    durationSample: durations.length,
    window: { from: window.from.toISOString(), to: window.to.toISOString() },
  };
}

/**
 * Builds per UTC day in the window (at most 62 days, the last ones), by outcome, for the trend
 * chart: one GROUP BY over the (queuedAt, id, status) index. Prisma cannot group by a day, so this
 * one query is SQL, with the same scope as buildScopeWhere and every value bound as a parameter.
 */
export async function getBuildTrend(db: PrismaClient, actor: ActingUser, filters: Partial<BuildFilters>, now = new Date(), search?: BuildSearch): Promise<TrendPoint[]> {
  requireRole(actor, "Feedgate.Requester", "Feedgate.Admin");
  const names = filters.q ? (search ?? (await resolveBuildSearch(db, filters))).names : null;
  const window = statsWindow(filters, now);
  const firstDay = Math.max(Math.floor(window.from.getTime() / DAY_MS), Math.ceil(window.to.getTime() / DAY_MS) - MAX_TREND_DAYS);
  const lastDay = Math.ceil(window.to.getTime() / DAY_MS);
  const days = Array.from({ length: Math.max(0, lastDay - firstDay) }, (_, i) => new Date((firstDay + i) * DAY_MS).toISOString().slice(0, 10));
  const points = new Map(days.map((day) => [day, { day, succeeded: 0, failed: 0, other: 0 }]));
  const teamIds = isAdmin(actor) ? null : [...actor.teamIds];
  if (teamIds?.length === 0 || days.length === 0 || names?.length === 0) return [...points.values()];

  const isPostgres = await isPostgresClient(db);
  const time = (d: Date) => (isPostgres ? d : d.toISOString().replace("Z", "+00:00"));
  const conditions: Prisma.Sql[] = [Prisma.sql`"queuedAt" >= ${time(new Date(firstDay * DAY_MS))}`, Prisma.sql`"queuedAt" < ${time(new Date(lastDay * DAY_MS))}`];
  if (teamIds) conditions.push(Prisma.sql`"teamId" IN (${Prisma.join(teamIds)})`);
  if (filters.team) conditions.push(Prisma.sql`"teamId" = ${filters.team}`);
  if (filters.workspace) conditions.push(Prisma.sql`"workspaceId" = ${filters.workspace}`);
  if (names) conditions.push(Prisma.sql`"environmentName" IN (${Prisma.join(names)})`);
  else if (filters.q) conditions.push(Prisma.sql`"environmentName" LIKE ${likePattern(filters.q)} ESCAPE '\\'`);
  const day = isPostgres ? Prisma.sql`to_char("queuedAt", 'YYYY-MM-DD')` : Prisma.sql`substr("queuedAt", 1, 10)`;
  const status = isPostgres ? Prisma.sql`"status"::text` : Prisma.sql`"status"`;
  const rows = await db.$queryRaw<{ day: string; status: string; n: number | bigint }[]>(
    Prisma.sql`SELECT ${day} AS "day", ${status} AS "status", COUNT(*) AS "n" FROM "EnvironmentBuild" WHERE ${Prisma.join(conditions, " AND ")} GROUP BY 1, 2`,
  );
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
