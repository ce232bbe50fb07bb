/**
 * The periodic re-check of live feeds: every READY feed is probed as pip and conda ask it (the
 * preflight probe of lib/health/feed-probe). A feed whose index does not answer becomes DEGRADED
 * with the reason and what to do (a feed.flagged audit event tells its team), so the catalog is
 * never READY for a dead feed. A feed this check degraded becomes READY again by itself once it
 * answers (feed.recovered); one degraded for drift, by a revoke or by provisioning waits for its
 * Repair or its job.
 */
import "server-only";
import type { Cloud } from "@/lib/cloud/cloud";
import type { PrismaClient } from "@/lib/db/client";
import { recordAuditEvent } from "@/lib/audit/record-audit-event";
import { markFeedsChecked, setFeedStatus } from "@/lib/feed-state/transition";
import { feedHealthSchema, type FeedHealth } from "@/lib/db/json-columns";
import { CredentialReferenceError } from "@/lib/cloud/credentials";
import { anonymousGet, probeFeedIndexes, type FeedGet, type FeedProbe } from "@/lib/health/feed-probe";
import type { StepContext } from "@/lib/jobs/define-job";
import { syncFeedPolicySubject } from "@/lib/workflows/sync-feed-policy/schema";
import type { CheckFeedDriftPayload } from "./schema";

const ACTOR = "system:check-feed-health";

export async function recheckFeedHealth(deps: { db: PrismaClient; cloud: Cloud }, ctx: StepContext<CheckFeedDriftPayload>): Promise<{ degraded: string[]; recovered: string[] }> {
  const { db } = deps;
  const feeds = await db.feed.findMany({
    where: { status: { in: ["READY", "DEGRADED"] }, pipIndexUrl: { not: null } },
    include: { host: true, upstreams: { where: { flaggedAt: { not: null } }, select: { upstreamId: true }, take: 1 } },
    orderBy: { id: "asc" },
    take: 500,
  });
  const degraded: string[] = [];
  const recovered: string[] = [];
  const answered: string[] = [];
  // One client per host and round: resolving a host's credentials (a Key Vault read) once, not per feed.
  const getters = new Map<string, Promise<HostGet>>();
  for (const feed of feeds) {
    if (ctx.signal.aborted) break;
    const before = feedHealthSchema.safeParse(feed.lastHealth ?? {});
    const isOurs = feed.status === "DEGRADED" && before.success && before.data.source === "recheck";
    if (feed.status === "DEGRADED" && !isOurs) continue;
    // A revoked upstream flagged it too: that flag is not this check's to clear.
    if (feed.status === "DEGRADED" && feed.upstreams.length) continue;
    // A policy change on its way to Nexus is not a dead feed.
    if (await db.job.findUnique({ where: { activeSubject: syncFeedPolicySubject(feed.id) }, select: { id: true } })) continue;

    const kind = feed.host.kind === "artifacts" ? "artifacts" : "nexus";
    const urls = { pipIndexUrl: feed.pipIndexUrl as string, condaChannelUrls: feed.condaChannelUrl ? [feed.condaChannelUrl] : [] };
    let getter = getters.get(feed.hostId);
    if (!getter) getters.set(feed.hostId, (getter = hostGet(deps.cloud, feed.host, kind)));
    const probed = await probeWith(await getter, kind, urls);
    if ("skipped" in probed) {
      await ctx.event("health.skipped", `${feed.name}: ${probed.skipped}; checked again next round.`, { feedId: feed.id });
      continue;
    }
    const checks = probed.checks;
    const ok = checks.every((c) => c.ok);
    if (ok && feed.status === "READY") {
      answered.push(feed.id);
      continue;
    }
    if (ok) {
      const health: FeedHealth = { ok: true, checks, warnings: [] };
      if (!(await setFeedStatus(db, feed.id, ["DEGRADED"], "READY", { health, unchangedSince: feed.updatedAt }))) continue;
      recovered.push(feed.id);
      await recordAuditEvent(db, { actorOid: ACTOR, action: "feed.recovered", targetType: "feed", targetId: feed.id, before: { status: "DEGRADED" }, after: { status: "READY" }, correlationId: ctx.jobId, teamId: feed.teamId });
      await ctx.event("health.recovered", `${feed.name} answers again and is READY.`, { feedId: feed.id });
      continue;
    }
    const failed = checks.filter((c) => !c.ok).map((c) => c.detail);
    const advice =
      kind === "nexus"
        ? "Feedgate checks the feed again every few minutes and marks it READY once it answers. If its repositories were deleted on the host, an Admin's Repair re-creates them."
        : "Feedgate checks the feed again every few minutes and marks it READY once it answers. Check that the Azure Artifacts feed still exists and the host's PAT is current.";
    const health: FeedHealth = { ok: false, checks, warnings: [advice], source: "recheck" };
    if (feed.status === "DEGRADED") {
      // Still down: keep the newest evidence, no new flag.
      await setFeedStatus(db, feed.id, ["DEGRADED"], "DEGRADED", { health, unchangedSince: feed.updatedAt });
      continue;
    }
    if (!(await setFeedStatus(db, feed.id, ["READY"], "DEGRADED", { health }))) continue;
    degraded.push(feed.id);
    const detail = `${feed.name} does not answer: ${failed.join(" ")}`;
    await recordAuditEvent(db, { actorOid: ACTOR, action: "feed.flagged", targetType: "feed", targetId: feed.id, before: { status: "READY" }, after: { status: "DEGRADED", detail }, correlationId: ctx.jobId, teamId: feed.teamId });
    await ctx.event("health.degraded", detail, { feedId: feed.id });
  }
  // One write for every feed that answered: "checked at" without a status change.
  await markFeedsChecked(db, answered);
  return { degraded, recovered };
}

type HostGet = { get: FeedGet } | { failed: string } | { skipped: string };

/**
 * How a host's feeds are asked: anonymously (Nexus) or with the host's PAT (Artifacts). A
 * reference that cannot work fails the feeds' checks; a passing failure (Key Vault throttled or
 * down) skips them this round.
 */
async function hostGet(cloud: Cloud, host: Parameters<Cloud["artifactsFor"]>[0], kind: "nexus" | "artifacts"): Promise<HostGet> {
  if (kind === "nexus") return { get: anonymousGet };
  try {
    const artifacts = await cloud.artifactsFor(host);
    return { get: (url, accept) => artifacts.probe(url, accept) };
  } catch (error) {
    if (!(error instanceof CredentialReferenceError)) return { skipped: `its host's client could not be made (${(error as Error).message})` };
    return { failed: `The host's credentials could not be read (${error.message}): fix the host's credential reference.` };
  }
}

async function probeWith(host: HostGet, kind: "nexus" | "artifacts", urls: { pipIndexUrl: string; condaChannelUrls: string[] }): Promise<{ checks: Array<{ name: string } & FeedProbe> } | { skipped: string }> {
  if ("skipped" in host) return host;
  if ("failed" in host) return { checks: [{ name: "pip index", ok: false, detail: host.failed }] };
  return { checks: await probeFeedIndexes(host.get, kind, urls) };
}
