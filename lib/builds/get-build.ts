import "server-only";
import { diffLines } from "diff";
import { z } from "zod";
import type { ActingUser } from "@/lib/auth/acting-user";
import { requireRole, teamScope } from "@/lib/auth/require-role";
import type { PrismaClient } from "@/lib/db/client";
import { BUILD_PHASES, environmentPackagesSchema, feedRepositorySchema, phaseTimingsSchema, readJsonColumn, readJsonList, type BuildPhase, type PhaseTimings } from "@/lib/db/json-columns";
import { NotFoundError } from "@/lib/errors";
import { readStaleReasons, type StaleReason } from "@/lib/staleness/stale-reasons";
import { environmentSpecSchema, feedClientSchema, renderDockerfile } from "@/lib/feed-config/render";
import { diffBuildLocks, type BuildLock, type LockDiff } from "./build-lock";
import { guidanceFor } from "./classify-build-failure";
import { buildSummarySelect, type BuildSummary } from "./list-builds";

export interface PhaseSpan {
  phase: BuildPhase;
  start: string;
  end: string | null;
}

export interface EffectiveSources {
  pipIndexUrl: string | null;
  condaChannelUrls: string[];
  baseImage: string;
  pip: string[];
  conda: string[];
}

export interface DiffPart {
  kind: "added" | "removed" | "same";
  text: string;
}

export interface BuildDetail extends BuildSummary {
  teamName: string;
  workspaceName: string;
  environmentVersion: string;
  requestId: string | null;
  failureMessage: string | null;
  guidance: string | null;
  phases: PhaseSpan[];
  sources: EffectiveSources;
  /** Re-rendered from the environment and its feed exactly as the build job renders it; null if the stored spec no longer renders. */
  dockerfile: string | null;
  /** The last successful build of the same environment in the same workspace before this one. */
  baseline: { id: string; queuedAt: Date; environmentVersion: string; dockerfileDiff: DiffPart[]; packageDiff: DiffPart[]; lockDiff: LockDiff | null } | null;
  /** What the build installed, from its own log; null until it succeeded (or for a build Feedgate did not see). */
  lock: BuildLock | null;
  /** Why its environment version should be rebuilt; null while it is fresh (or superseded by a newer version). */
  staleReasons: StaleReason[] | null;
}

/** The build if the user's teams own it (any for Admins); 404 otherwise, the same as a build that does not exist. */
export async function findVisibleBuild(db: PrismaClient, actor: ActingUser, buildId: string): Promise<BuildSummary> {
  requireRole(actor, "Feedgate.Requester", "Feedgate.Admin");
  const build = await db.environmentBuild.findFirst({ where: { id: buildId, ...teamScope(actor) }, select: buildSummarySelect });
  if (!build) throw new NotFoundError("No such build.");
  return build;
}

export async function getBuild(db: PrismaClient, actor: ActingUser, buildId: string): Promise<BuildDetail> {
  const summary = await findVisibleBuild(db, actor, buildId);
  const row = await db.environmentBuild.findUniqueOrThrow({
    where: { id: summary.id },
    select: {
      failureMessage: true,
      phaseTimings: true,
      pipIndexUrl: true,
      condaChannelUrls: true,
      lock: { select: { pip: true, conda: true } },
      environment: {
        select: {
          version: true,
          baseImage: true,
          packages: true,
          requestId: true,
          staleAt: true,
          staleReasons: true,
          supersededAt: true,
          team: { select: { name: true } },
          workspace: { select: { name: true } },
          request: { select: { feed: { select: { pipIndexUrl: true, condaChannelUrl: true, repositories: true } } } },
        },
      },
    },
  });
  const env = row.environment;
  const packages = readPackages(env.packages);
  const sources: EffectiveSources = { ...(await indexOfBuild(db, row, env.request?.feed ?? null, summary)), baseImage: env.baseImage, ...packages };
  const dockerfile = renderSafely(sources);

  const baseline = await db.environmentBuild.findFirst({
    where: { workspaceId: summary.workspaceId, environmentName: summary.environmentName, status: "SUCCEEDED", id: { not: summary.id }, queuedAt: { lte: summary.queuedAt } },
    orderBy: [{ queuedAt: "desc" }, { id: "desc" }],
    select: { id: true, queuedAt: true, pipIndexUrl: true, condaChannelUrls: true, lock: { select: { pip: true, conda: true } }, environment: { select: { version: true, baseImage: true, packages: true } } },
  });
  const lock = readLock(row.lock);
  let baselineDetail: BuildDetail["baseline"] = null;
  if (baseline) {
    const baselineIndex = baseline.pipIndexUrl ? { pipIndexUrl: baseline.pipIndexUrl, condaChannelUrls: readJsonList(z.string(), baseline.condaChannelUrls) } : {};
    const before: EffectiveSources = { ...sources, ...baselineIndex, baseImage: baseline.environment.baseImage, ...readPackages(baseline.environment.packages) };
    baselineDetail = {
      id: baseline.id,
      queuedAt: baseline.queuedAt,
      environmentVersion: baseline.environment.version,
      dockerfileDiff: toParts(renderSafely(before) ?? "", dockerfile ?? ""),
      packageDiff: toParts(packageList(before), packageList(sources)),
      lockDiff: lockDiffOf(readLock(baseline.lock), lock),
    };
  }
  return {
    ...summary,
    teamName: env.team.name,
    workspaceName: env.workspace.name,
    environmentVersion: env.version,
    requestId: env.requestId,
    failureMessage: row.failureMessage,
    guidance: summary.failureClass ? guidanceFor(summary.failureClass) : null,
    phases: readPhases(row.phaseTimings),
    sources,
    dockerfile,
    baseline: baselineDetail,
    lock,
    staleReasons: env.staleAt && !env.supersededAt ? readStaleReasons(env.staleReasons) : null,
  };
}


export function readPhases(value: unknown): PhaseSpan[] {
  const timings: PhaseTimings = readJsonColumn(phaseTimingsSchema, value, {});
  return BUILD_PHASES.flatMap((phase) => {
    const span = timings[phase];
    return span ? [{ phase, start: span.start, end: span.end ?? null }] : [];
  });
}

type FeedUrls = { pipIndexUrl: string | null; condaChannelUrl: string | null; repositories: unknown };

/**
 * The index the build actually used, as recorded on the build. Builds recorded before builds kept
 * their index fall back to their request's feed (or the team's feed in the workspace) as it is now.
 */
async function indexOfBuild(db: PrismaClient, build: { pipIndexUrl: string | null; condaChannelUrls: unknown }, requestFeed: FeedUrls | null, summary: { teamId: string; workspaceId: string }) {
  if (build.pipIndexUrl) return { pipIndexUrl: build.pipIndexUrl, condaChannelUrls: readJsonList(z.string(), build.condaChannelUrls) };
  const feed = requestFeed ?? (await db.feed.findFirst({ where: { teamId: summary.teamId, workspaceId: summary.workspaceId }, select: { pipIndexUrl: true, condaChannelUrl: true, repositories: true } }));
  return { pipIndexUrl: feed?.pipIndexUrl ?? null, condaChannelUrls: condaChannels(feed) };
}

function readPackages(value: unknown): { pip: string[]; conda: string[] } {
  return readJsonColumn(environmentPackagesSchema, value, { pip: [], conda: [] });
}

function condaChannels(feed: { condaChannelUrl: string | null; repositories: unknown } | null): string[] {
  if (!feed) return [];
  const urls = readJsonList(feedRepositorySchema, feed.repositories).flatMap((r) => (r.format === "conda" ? [r.url] : []));
  return [...new Set(urls.length ? urls : feed.condaChannelUrl ? [feed.condaChannelUrl] : [])];
}

function renderSafely(s: EffectiveSources): string | null {
  // The same generator the build job used; specs stored before a schema change may no longer parse.
  const spec = environmentSpecSchema.safeParse({ baseImage: s.baseImage, conda: s.conda, pip: s.pip });
  const feed = feedClientSchema.safeParse({ pipIndexUrl: s.pipIndexUrl, condaChannelUrls: s.condaChannelUrls });
  return spec.success && feed.success ? renderDockerfile(spec.data, feed.data) : null;
}

function packageList(s: EffectiveSources): string {
  return [`base image: ${s.baseImage}`, ...s.conda.map((c) => `conda: ${c}`), ...s.pip.map((p) => `pip: ${p}`), ""].join("\n");
}

function readLock(row: { pip: string; conda: string } | null): BuildLock | null {
  const lines = (text: string) => text.split("\n").filter(Boolean);
  return row ? { pip: lines(row.pip), conda: lines(row.conda) } : null;
}

function lockDiffOf(before: BuildLock | null, after: BuildLock | null): LockDiff | null {
  if (!before || !after) return null;
  try {
    return diffBuildLocks(before, after);
  } catch {
    // Locks are checked when recorded; a row edited by hand since is shown without a diff.
    return null;
  }
}

function toParts(before: string, after: string): DiffPart[] {
  return diffLines(before, after).map((c) => ({ kind: c.added ? "added" : c.removed ? "removed" : "same", text: c.value }));
}
