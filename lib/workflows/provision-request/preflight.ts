/**
 * Step 3, preflight: the feed answers as pip and conda will ask it (the index page, each
 * channel's repodata), and each requested pip package is looked up as a warning. The outcome is
 * the feed's health in the catalog: READY, or DEGRADED with the reason.
 *
 * Nexus is asked anonymously, as clients inside the network ask it (feed registration turned
 * anonymous read on). Azure Artifacts always authenticates, so it is asked with the host's PAT,
 * resolved by the worker from the host's credential reference, as image builds and people do.
 */
import "server-only";
import type { FeedHealth } from "@/lib/db/json-columns";
import { setFeedStatus } from "@/lib/feed-state/transition";
import { RetryableStepError } from "@/lib/jobs/job-errors";
import { anonymousGet, probeFeedIndexes, probeFeedUrl, type FeedGet, type FeedHostKind } from "@/lib/health/feed-probe";
import type { FeedRequestPayload } from "@/lib/validation/feed-request";
import { loadRequest, type Ctx, type ProvisionDeps } from "./context";
import { infraResultSchema, readStored, registrationResultSchema, type PreflightResult } from "./schema";

export async function runPreflight(deps: ProvisionDeps, ctx: Ctx): Promise<PreflightResult> {
  const { db } = deps;
  const { payload } = await loadRequest(db, ctx);
  const reg = readStored(registrationResultSchema, ctx.results["feed-registration"], "feed registration result");
  const infra = readStored(infraResultSchema, ctx.results.infrastructure, "infrastructure result");
  const host = await db.feedHost.findUniqueOrThrow({ where: { id: infra.hostId } });
  const kind: FeedHostKind = host.kind === "artifacts" ? "artifacts" : "nexus";
  const get = kind === "artifacts" ? await artifactsGet(deps, host) : anonymousGet;
  const probe = (url: string, accept: string) => probeFeedUrl(get, kind, url, accept);
  const checks: FeedHealth["checks"] = await probeFeedIndexes(get, kind, reg);
  const ok = checks.every((c) => c.ok);

  // Requested packages are probed too, as warnings: the build will say the same, later and slower.
  const warnings: string[] = [];
  for (const name of pipNames(payload).slice(0, 20)) {
    const r = await probe(`${reg.pipIndexUrl}${name}/`, "text/html");
    if (!r.ok) warnings.push(`${name} is not on the feed (${r.detail}) — the image build will fail unless the upstream has it.`);
  }

  const health: FeedHealth = { ok, checks, warnings };
  await setFeedStatus(db, reg.feedId, ["PROVISIONING", "READY", "DEGRADED"], ok ? "READY" : "DEGRADED", { health });
  for (const c of checks) await ctx.event(c.ok ? "preflight.ok" : "preflight.failed", `${c.name}: ${c.detail}`);
  for (const w of warnings) await ctx.event("preflight.warning", w);
  if (!ok) throw new RetryableStepError(`Preflight failed: ${checks.filter((c) => !c.ok).map((c) => c.detail).join(" ")}`);
  return health;
}

async function artifactsGet(deps: ProvisionDeps, host: Parameters<ProvisionDeps["cloud"]["artifactsFor"]>[0]): Promise<FeedGet> {
  const artifacts = await deps.cloud.artifactsFor(host);
  return (url, accept) => artifacts.probe(url, accept);
}

function pipNames(payload: FeedRequestPayload): string[] {
  const names = payload.environments.flatMap((e) => e.pip).map((r) => /^[A-Za-z0-9._-]+/.exec(r)?.[0]?.toLowerCase().replace(/[-_.]+/g, "-"));
  return [...new Set(names.filter((n): n is string => Boolean(n)))];
}
