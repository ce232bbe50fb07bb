/**
 * One round of the drift check. A feed that drifted becomes DEGRADED with a "nexus configuration"
 * check naming each difference and a feed.flagged audit event; a feed whose live configuration
 * matches again is left to Repair (sync-feed-policy), which marks it READY.
 * A feed this check flagged is read again each round and its evidence replaced when the drift
 * changed (no second flag): one read of Nexus is not atomic, so a round that overlapped someone's
 * edit may name only part of it, and what the catalog shows must be what Nexus holds now.
 * A host that does not answer is skipped this round: unreachable is not drift.
 */
import "server-only";
import { budgetedNexus } from "@/lib/workflows/nexus-read-budget";
import type { Cloud } from "@/lib/cloud/cloud";
import type { NexusClient } from "@/lib/cloud/nexus";
import type { PrismaClient } from "@/lib/db/client";
import { recordAuditEvent } from "@/lib/audit/record-audit-event";
import type { StepContext } from "@/lib/jobs/define-job";
import { describeDrift } from "@/lib/feed-config/nexus-policy";
import { setFeedStatus } from "@/lib/feed-state/transition";
import { feedHealthSchema, type FeedHealth } from "@/lib/db/json-columns";
import { loadDesiredPolicy, readLiveConfig } from "@/lib/workflows/sync-feed-policy/feed-policy";
import { syncFeedPolicySubject } from "@/lib/workflows/sync-feed-policy/schema";
import type { CheckFeedDriftPayload } from "./schema";

export async function checkAllFeeds(deps: { db: PrismaClient; cloud: Cloud }, ctx: StepContext<CheckFeedDriftPayload>): Promise<{ drifted: string[] }> {
  const { db } = deps;
  const feeds = await db.feed.findMany({
    where: { status: { in: ["READY", "DEGRADED"] }, host: { kind: "nexus" }, groupRepository: { not: null } },
    select: { id: true, status: true, lastHealth: true, updatedAt: true },
    orderBy: { id: "asc" },
    take: 500,
  });
  const drifted: string[] = [];
  // One client per host and round: its credential (possibly a Key Vault read) is resolved once, not per feed.
  const clients = new Map<string, Promise<NexusClient>>();
  for (const { id, status, lastHealth, updatedAt } of feeds) {
    const before = feedHealthSchema.safeParse(lastHealth ?? {});
    const flaggedByUs = status === "DEGRADED" && before.success && before.data.source === "drift";
    if (status === "DEGRADED" && !flaggedByUs) continue;
    if (ctx.signal.aborted) break;
    // A policy change on its way to Nexus is not drift.
    if (await db.job.findUnique({ where: { activeSubject: syncFeedPolicySubject(id) }, select: { id: true } })) continue;
    const { feed, desired } = await loadDesiredPolicy(db, id);
    let drift: string[];
    try {
      let client = clients.get(feed.hostId);
      if (!client) clients.set(feed.hostId, (client = budgetedNexus(deps, feed.host, ctx.signal)));
      drift = describeDrift(desired, await readLiveConfig(await client, desired));
    } catch (error) {
      clients.delete(feed.hostId);
      await ctx.event("drift.skipped", `${feed.name}: ${feed.host.name} did not answer (${(error as Error).message}); checked again next round.`, { feedId: feed.id });
      continue;
    }
    if (!drift.length) continue;
    const health: FeedHealth = { ok: false, checks: [{ name: "nexus configuration", ok: false, detail: drift.join(" ") }], warnings: ["Repair restores the configuration Feedgate recorded."], source: "drift" };
    if (flaggedByUs) {
      // Still drifted: keep the newest evidence when it changed, conditional on nobody (Repair) having written since.
      if (before.data?.checks[0]?.detail !== health.checks[0]?.detail) {
        await setFeedStatus(db, feed.id, ["DEGRADED"], "DEGRADED", { health, unchangedSince: updatedAt });
      }
      continue;
    }
    if (!(await setFeedStatus(db, feed.id, ["READY"], "DEGRADED", { health }))) continue;
    drifted.push(feed.id);
    await recordAuditEvent(db, { actorOid: "system:check-feed-drift", action: "feed.flagged", targetType: "feed", targetId: feed.id, before: { status: "READY" }, after: { status: "DEGRADED", drift }, correlationId: ctx.jobId, teamId: feed.teamId });
    await ctx.event("drift.detected", `${feed.name} drifted: ${drift.join(" ")}`, { feedId: feed.id });
  }
  return { drifted };
}
