import "server-only";
import { Prisma } from "@/generated/prisma/client";
import type { ActingUser } from "@/lib/auth/acting-user";
import { isAdmin, requireRole, teamScope } from "@/lib/auth/require-role";
import type { PrismaClient } from "@/lib/db/client";
import { readStaleReasons, type StaleReason, type StaleReasonKind } from "./stale-reasons";

export interface TeamHealth {
  teamId: string;
  teamName: string;
  /** Non-superseded versions whose newest build failed. */
  failing: number;
  /** Non-superseded versions the staleness check marked stale. */
  stale: number;
  /** Non-superseded versions with a succeeded build that are neither. */
  fresh: number;
}

/**
 * A team's environment health over the versions it uses now (not superseded): failing, stale,
 * fresh. One query on Environment over (teamId, supersededAt); each version's builds are probed
 * by seeks on EnvironmentBuild(environmentId, status, queuedAt), so the cost follows the number
 * of current versions, never the number of builds. Within a version a success ends its builds
 * (a rebuild is a new version, a retry follows only a failure), so "its newest build failed" is:
 * a failed build, no success, nothing queued or running, and no cancel after the last failure.
 * A version still building counts in none of the three.
 */
export async function getEnvironmentHealth(db: PrismaClient, actor: ActingUser): Promise<TeamHealth[]> {
  requireRole(actor, "Feedgate.Requester", "Feedgate.Admin");
  if (!isAdmin(actor) && actor.teamIds.length === 0) return [];
  const teams = isAdmin(actor) ? Prisma.empty : Prisma.sql` AND e."teamId" IN (${Prisma.join([...actor.teamIds])})`;
  const has = (statuses: string) => Prisma.sql`EXISTS (SELECT 1 FROM "EnvironmentBuild" b WHERE b."environmentId" = v."id" AND b."status" IN (${Prisma.raw(statuses)}))`;
  const latest = (status: string) => Prisma.sql`(SELECT MAX(b."queuedAt") FROM "EnvironmentBuild" b WHERE b."environmentId" = v."id" AND b."status" = ${Prisma.raw(status)})`;
  // CASE decides in order and stops at the first match: a version with a success (nearly every
  // one) costs one seek, and only the others are looked at further.
  const rows = await db.$queryRaw<{ teamId: string; failing: number | bigint | null; stale: number | bigint | null; fresh: number | bigint | null }[]>(Prisma.sql`
    SELECT h."teamId" AS "teamId",
      SUM(CASE WHEN h."isFailing" = 1 THEN 1 ELSE 0 END) AS "failing",
      SUM(CASE WHEN h."isFailing" = 0 AND h."isStale" = 1 THEN 1 ELSE 0 END) AS "stale",
      SUM(CASE WHEN h."isFailing" = 0 AND h."isStale" = 0 AND h."hasSuccess" = 1 THEN 1 ELSE 0 END) AS "fresh"
    FROM (
      SELECT v."teamId" AS "teamId", v."isStale" AS "isStale", v."hasSuccess" AS "hasSuccess",
        CASE
          WHEN v."hasSuccess" = 1 THEN 0
          WHEN NOT ${has("'FAILED'")} THEN 0
          WHEN ${has("'QUEUED', 'PROVISIONING_ACR', 'RUNNING'")} THEN 0
          WHEN ${has("'CANCELLED'")} AND ${latest("'CANCELLED'")} > ${latest("'FAILED'")} THEN 0
          ELSE 1
        END AS "isFailing"
      FROM (
        SELECT e."id" AS "id", e."teamId" AS "teamId",
          CASE WHEN e."staleAt" IS NOT NULL THEN 1 ELSE 0 END AS "isStale",
          CASE WHEN EXISTS (SELECT 1 FROM "EnvironmentBuild" s WHERE s."environmentId" = e."id" AND s."status" = 'SUCCEEDED') THEN 1 ELSE 0 END AS "hasSuccess"
        FROM "Environment" e
        WHERE e."supersededAt" IS NULL${teams}
      ) v
    ) h
    GROUP BY h."teamId"`);
  const counts = new Map(rows.map((r) => [r.teamId, r]));
  const teamRows = await db.team.findMany({ where: isAdmin(actor) ? { id: { in: [...counts.keys()] } } : { id: { in: [...actor.teamIds] } }, select: { id: true, name: true }, orderBy: { name: "asc" } });
  return teamRows.map((t) => {
    const c = counts.get(t.id);
    return { teamId: t.id, teamName: t.name, failing: Number(c?.failing ?? 0), stale: Number(c?.stale ?? 0), fresh: Number(c?.fresh ?? 0) };
  });
}

/** At most this many stale versions are listed; the count says how many there are in all. */
export const STALE_LIST_LIMIT = 500;

export interface StaleEnvironment {
  environmentId: string;
  name: string;
  version: string;
  teamId: string;
  teamName: string;
  workspaceName: string;
  staleAt: Date;
  reasons: StaleReason[];
  /** The version's newest succeeded build, what a rebuild starts from; null if it has none. */
  buildId: string | null;
}

export interface StaleGroup {
  kind: StaleReasonKind;
  subject: string;
  /** The first version's detail, as an example of what the reason says. */
  detail: string;
  environments: StaleEnvironment[];
}

export interface StaleOverview {
  /** Every stale, non-superseded version the user may see. */
  total: number;
  groups: StaleGroup[];
  /** True when more than STALE_LIST_LIMIT are stale and the groups show only the oldest of them. */
  isTruncated: boolean;
}

/**
 * Stale versions in use (not superseded), grouped by reason (kind and subject); a version with two
 * reasons is in both groups. Read on Environment(staleAt, teamId), oldest stale first, bounded.
 */
export async function listStaleEnvironments(db: PrismaClient, actor: ActingUser, options: { limit?: number } = {}): Promise<StaleOverview> {
  requireRole(actor, "Feedgate.Requester", "Feedgate.Admin");
  const where: Prisma.EnvironmentWhereInput = { staleAt: { not: null }, supersededAt: null, ...teamScope(actor) };
  const limit = options.limit ?? STALE_LIST_LIMIT;
  const [total, rows] = await Promise.all([
    db.environment.count({ where }),
    db.environment.findMany({
      where,
      select: { id: true, name: true, version: true, teamId: true, staleAt: true, staleReasons: true, team: { select: { name: true } }, workspace: { select: { name: true } } },
      orderBy: [{ staleAt: "asc" }, { id: "asc" }],
      take: limit,
    }),
  ]);
  const newest = await newestSucceededBuilds(db, rows.map((r) => r.id));
  const groups = new Map<string, StaleGroup>();
  for (const row of rows) {
    const env: StaleEnvironment = {
      environmentId: row.id,
      name: row.name,
      version: row.version,
      teamId: row.teamId,
      teamName: row.team.name,
      workspaceName: row.workspace.name,
      staleAt: row.staleAt ?? new Date(0),
      reasons: readStaleReasons(row.staleReasons),
      buildId: newest.get(row.id) ?? null,
    };
    for (const reason of env.reasons) {
      const key = reasonKey(reason);
      const group = groups.get(key) ?? { kind: reason.kind, subject: reason.subject, detail: reason.detail, environments: [] };
      if (!group.environments.some((e) => e.environmentId === env.environmentId)) group.environments.push(env);
      groups.set(key, group);
    }
  }
  const sorted = [...groups.values()].sort((a, b) => b.environments.length - a.environments.length || a.kind.localeCompare(b.kind) || a.subject.localeCompare(b.subject));
  return { total, groups: sorted, isTruncated: total > rows.length };
}

/** The staleness of these versions (a dashboard page's, at most a few hundred), in one query by id. */
export async function readStaleness(db: PrismaClient, environmentIds: readonly string[]): Promise<Map<string, StaleReason[]>> {
  const out = new Map<string, StaleReason[]>();
  if (environmentIds.length === 0) return out;
  const rows = await db.environment.findMany({ where: { id: { in: [...new Set(environmentIds)] }, staleAt: { not: null }, supersededAt: null }, select: { id: true, staleReasons: true } });
  for (const row of rows) out.set(row.id, readStaleReasons(row.staleReasons));
  return out;
}

/**
 * The newest succeeded build of each version, by environment id: one backward seek per version on
 * EnvironmentBuild(environmentId, status, queuedAt), however many builds a version has.
 */
export async function newestSucceededBuilds(db: PrismaClient, environmentIds: readonly string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const ids = [...new Set(environmentIds)];
  for (let i = 0; i < ids.length; i += ID_CHUNK) {
    const chunk = ids.slice(i, i + ID_CHUNK);
    const rows = await db.$queryRaw<{ environmentId: string; buildId: string | null }[]>(Prisma.sql`
      SELECT e."id" AS "environmentId",
        (SELECT b."id" FROM "EnvironmentBuild" b WHERE b."environmentId" = e."id" AND b."status" = 'SUCCEEDED' ORDER BY b."queuedAt" DESC LIMIT 1) AS "buildId"
      FROM "Environment" e WHERE e."id" IN (${Prisma.join(chunk)})`);
    for (const r of rows) if (r.buildId) out.set(r.environmentId, r.buildId);
  }
  return out;
}

/** Ids bound per query: well under SQLite's and PostgreSQL's parameter limits. */
const ID_CHUNK = 500;

export function reasonKey(reason: { kind: string; subject: string }): string {
  return `${reason.kind}\u0000${reason.subject}`;
}
