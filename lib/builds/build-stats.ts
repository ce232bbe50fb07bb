import "server-only";
import type { Prisma } from "@/generated/prisma/client";
import type { ActingUser } from "@/lib/auth/acting-user";
import { requireRole } from "@/lib/auth/require-role";
import type { PrismaClient } from "@/lib/db/client";
import type { BuildFilters, BuildStatusValue } from "./build-filters";
import { buildScopeWhere } from "./list-builds";

export interface BuildStats {
  runningNow: number;
  queuedNow: number;
  failedLast24h: number;
  /** Succeeded ÷ (succeeded + failed) in the window; null when nothing finished. */
  successRate: number | null;
  finishedInWindow: number;
  p50DurationMs: number | null;
  p95DurationMs: number | null;
  /** How many successful builds the percentiles describe: the newest ones in the window, at most 5,000. */
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
const PERCENTILE_SAMPLE = 5000;

/**
 * Summary cards for a view. Counts run in the database on covering indexes. Duration percentiles
 * (nearest rank) describe the newest 5,000 successful builds of the window: an index range read
 * that costs the same on SQLite and PostgreSQL (they share no percentile function), and at fleet
 * scale a sample that size pins p50/p95 well within the spread of build times.
 * Team, workspace and search narrow everything; status and failure class do not (the cards
 * describe the fleet the table is drawn from). Rates and durations cover the date range, or the
 * last 14 days when none is chosen.
 */
export async function getBuildStats(db: PrismaClient, actor: ActingUser, filters: Partial<BuildFilters>, now = new Date()): Promise<BuildStats> {
  requireRole(actor, "Feedgate.Requester", "Feedgate.Admin");
  const scope = buildScopeWhere(actor, { ...filters, from: undefined, to: undefined }, { withOutcome: false });
  const window = statsWindow(filters, now);
  const inWindow: Prisma.EnvironmentBuildWhereInput[] = [...scope, { queuedAt: { gte: window.from, lt: window.to } }];
  const succeededWhere: Prisma.EnvironmentBuildWhereInput = { AND: [...inWindow, { status: "SUCCEEDED" }, { durationMs: { not: null } }] };

  const [running, queued, failed24h, byStatus, recent] = await Promise.all([
    db.environmentBuild.count({ where: { AND: [...scope, { status: { in: ["PROVISIONING_ACR", "RUNNING"] } }] } }),
    db.environmentBuild.count({ where: { AND: [...scope, { status: "QUEUED" }] } }),
    db.environmentBuild.count({ where: { AND: [...scope, { status: "FAILED" }, { queuedAt: { gte: new Date(now.getTime() - DAY_MS) } }] } }),
    db.environmentBuild.groupBy({ by: ["status"], where: { AND: inWindow }, _count: { _all: true } }),
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

/** Builds per UTC day in the window (at most 62 days, the last ones), by outcome, for the trend chart. */
export async function getBuildTrend(db: PrismaClient, actor: ActingUser, filters: Partial<BuildFilters>, now = new Date()): Promise<TrendPoint[]> {
  requireRole(actor, "Feedgate.Requester", "Feedgate.Admin");
  const scope = buildScopeWhere(actor, { ...filters, from: undefined, to: undefined, status: undefined, failureClass: undefined });
  const window = statsWindow(filters, now);
  const firstDay = Math.max(Math.floor(window.from.getTime() / DAY_MS), Math.ceil(window.to.getTime() / DAY_MS) - MAX_TREND_DAYS);
  const lastDay = Math.ceil(window.to.getTime() / DAY_MS);
  const days = Array.from({ length: Math.max(0, lastDay - firstDay) }, (_, i) => firstDay + i);
  return Promise.all(
    days.map(async (day) => {
      const rows = await db.environmentBuild.groupBy({
        by: ["status"],
        where: { AND: [...scope, { queuedAt: { gte: new Date(day * DAY_MS), lt: new Date((day + 1) * DAY_MS) } }] },
        _count: { _all: true },
      });
      const n = (s: BuildStatusValue) => rows.find((r) => r.status === s)?._count._all ?? 0;
      const total = rows.reduce((sum, r) => sum + r._count._all, 0);
      return { day: new Date(day * DAY_MS).toISOString().slice(0, 10), succeeded: n("SUCCEEDED"), failed: n("FAILED"), other: total - n("SUCCEEDED") - n("FAILED") };
    }),
  );
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
