/**
 * The one step: apply the feed's recorded policy to Nexus, read it back, and record the outcome
 * on the feed: READY when Nexus matches and the group answers, DEGRADED with the differences
 * otherwise. Azure Artifacts has no routing rules or per-upstream allow-lists, so an Artifacts
 * feed gets a timeline entry saying what is not enforced there, and nothing changes.
 */
import "server-only";
import { budgetedNexus } from "@/lib/workflows/nexus-read-budget";
import type { Cloud } from "@/lib/cloud/cloud";
import type { PrismaClient } from "@/lib/db/client";
import { recordAuditEvent } from "@/lib/audit/record-audit-event";
import { setFeedStatus } from "@/lib/feed-state/transition";
import type { StepContext } from "@/lib/jobs/define-job";
import { PermanentStepError } from "@/lib/jobs/job-errors";
import { describeDrift } from "@/lib/feed-config/nexus-policy";
import { applyNexusPolicy, loadDesiredPolicy, readLiveConfig } from "./feed-policy";
import type { SyncFeedPolicyPayload, SyncFeedPolicyResult } from "./schema";

export const ARTIFACTS_POLICY_LIMITS =
  "Azure Artifacts cannot enforce per-upstream allow-lists or the organisation's block-list: it has no routing rules. Revoking an upstream there is a manual change in Azure DevOps (feed settings → Upstream sources).";

export async function syncFeedPolicy(deps: { db: PrismaClient; cloud: Cloud }, ctx: StepContext<SyncFeedPolicyPayload>): Promise<SyncFeedPolicyResult> {
  const { db } = deps;
  const exists = await db.feed.findUnique({ where: { id: ctx.payload.feedId }, select: { id: true } });
  if (!exists) throw new PermanentStepError("The feed no longer exists.");
  let { feed, desired } = await loadDesiredPolicy(db, ctx.payload.feedId);
  if (feed.host.kind !== "nexus") {
    await ctx.event("policy.not_enforced", `${feed.name}: ${ARTIFACTS_POLICY_LIMITS}`, { feedId: feed.id });
    return { changes: [], drift: [] };
  }
  const nexus = await budgetedNexus(deps, feed.host, ctx.signal);
  const changes: string[] = [];
  // A policy changed while this ran is applied too: repeat until what was applied is still current.
  for (let round = 0; round < 3; round++) {
    changes.push(...(await applyNexusPolicy(nexus, desired)));
    const again = await loadDesiredPolicy(db, ctx.payload.feedId);
    const isCurrent = JSON.stringify(again.desired) === JSON.stringify(desired);
    ({ feed, desired } = again);
    if (isCurrent) break;
  }
  for (const c of changes) await ctx.event("policy.applied", c, { feedId: feed.id });
  const drift = describeDrift(desired, await readLiveConfig(nexus, desired));
  const index = feed.pipIndexUrl ? await probeIndex(feed.pipIndexUrl) : "no pip index recorded";
  const ok = drift.length === 0 && index === null;
  const checks = [{ name: "nexus configuration", ok: drift.length === 0, detail: drift.join(" ") || "Repositories, group members and routing rules match Feedgate's record." }];
  if (feed.pipIndexUrl) checks.push({ name: "pip index", ok: index === null, detail: index ?? `${feed.pipIndexUrl} answered 200` });
  if (feed.status === "READY" || feed.status === "DEGRADED") {
    const status = ok ? "READY" : "DEGRADED";
    await setFeedStatus(db, feed.id, ["READY", "DEGRADED"], status, { health: { ok, checks, warnings: [] } });
    if (status !== feed.status) {
      await recordAuditEvent(db, {
        actorOid: "system:sync-feed-policy",
        action: ok ? "feed.recovered" : "feed.flagged",
        targetType: "feed",
        targetId: feed.id,
        before: { status: feed.status },
        after: { status, reason: ctx.payload.reason, changes: changes.slice(0, 20), drift },
        correlationId: ctx.jobId,
        teamId: feed.teamId,
      });
    }
  }
  await ctx.event(ok ? "policy.in_sync" : "policy.drift", ok ? `${feed.name} matches its policy on ${feed.host.name}.` : `${feed.name} still differs: ${[...drift, index].filter(Boolean).join(" ")}`, { feedId: feed.id });
  return { changes, drift };
}

/** null when the index answers as pip would ask it; otherwise why not. */
async function probeIndex(url: string): Promise<string | null> {
  try {
    const res = await fetch(url, { headers: { Accept: "text/html" }, signal: AbortSignal.timeout(15_000) });
    await res.body?.cancel().catch(() => undefined);
    return res.ok ? null : `${url} answered ${res.status}.`;
  } catch (error) {
    return `${url} did not answer (${(error as Error).message}).`;
  }
}
