import "server-only";
import { diffLines } from "diff";
import type { ActingUser } from "@/lib/auth/acting-user";
import { requireRole, teamScope } from "@/lib/auth/require-role";
import type { PrismaClient } from "@/lib/db/client";
import { NotFoundError } from "@/lib/errors";
import { environmentSpecSchema, feedClientSchema, renderDockerfile } from "@/lib/feed-config/render";
import { guidanceFor } from "./classify-build-failure";
import { buildSummarySelect, type BuildSummary } from "./list-builds";

export interface PhaseSpan {
  phase: "QUEUED" | "PROVISIONING_ACR" | "RUNNING";
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
  baseline: { id: string; queuedAt: Date; environmentVersion: string; dockerfileDiff: DiffPart[]; packageDiff: DiffPart[] } | null;
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
      environment: {
        select: {
          version: true,
          baseImage: true,
          packages: true,
          requestId: true,
          team: { select: { name: true } },
          workspace: { select: { name: true } },
          request: { select: { feed: { select: { pipIndexUrl: true, condaChannelUrl: true, repositories: true } } } },
        },
      },
    },
  });
  const env = row.environment;
  const feed = env.request?.feed ?? (await db.feed.findFirst({ where: { teamId: summary.teamId, workspaceId: summary.workspaceId }, select: { pipIndexUrl: true, condaChannelUrl: true, repositories: true } }));
  const packages = readPackages(env.packages);
  const sources: EffectiveSources = { pipIndexUrl: feed?.pipIndexUrl ?? null, condaChannelUrls: condaChannels(feed), baseImage: env.baseImage, ...packages };
  const dockerfile = renderSafely(sources);

  const baseline = await db.environmentBuild.findFirst({
    where: { workspaceId: summary.workspaceId, environmentName: summary.environmentName, status: "SUCCEEDED", id: { not: summary.id }, queuedAt: { lte: summary.queuedAt } },
    orderBy: [{ queuedAt: "desc" }, { id: "desc" }],
    select: { id: true, queuedAt: true, environment: { select: { version: true, baseImage: true, packages: true } } },
  });
  let baselineDetail: BuildDetail["baseline"] = null;
  if (baseline) {
    const before: EffectiveSources = { ...sources, baseImage: baseline.environment.baseImage, ...readPackages(baseline.environment.packages) };
    baselineDetail = {
      id: baseline.id,
      queuedAt: baseline.queuedAt,
      environmentVersion: baseline.environment.version,
      dockerfileDiff: toParts(renderSafely(before) ?? "", dockerfile ?? ""),
      packageDiff: toParts(packageList(before), packageList(sources)),
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
  };
}

const PHASES = ["QUEUED", "PROVISIONING_ACR", "RUNNING"] as const;

export function readPhases(value: unknown): PhaseSpan[] {
  if (!value || typeof value !== "object") return [];
  const record = value as Record<string, unknown>;
  const out: PhaseSpan[] = [];
  for (const phase of PHASES) {
    const span = record[phase];
    if (span && typeof span === "object" && "start" in span && typeof span.start === "string") {
      const end = "end" in span && typeof span.end === "string" ? span.end : null;
      out.push({ phase, start: span.start, end });
    }
  }
  return out;
}

function readPackages(value: unknown): { pip: string[]; conda: string[] } {
  const record = value && typeof value === "object" ? (value as Record<string, unknown>) : {};
  const strings = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []);
  return { pip: strings(record.pip), conda: strings(record.conda) };
}

function condaChannels(feed: { condaChannelUrl: string | null; repositories: unknown } | null): string[] {
  if (!feed) return [];
  const repos = Array.isArray(feed.repositories) ? feed.repositories : [];
  const urls = repos.flatMap((r: unknown) => (r && typeof r === "object" && "format" in r && r.format === "conda" && "url" in r && typeof r.url === "string" ? [r.url] : []));
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

function toParts(before: string, after: string): DiffPart[] {
  return diffLines(before, after).map((c) => ({ kind: c.added ? "added" : c.removed ? "removed" : "same", text: c.value }));
}
