/**
 * A feed's policy as recorded in Feedgate (its approved upstreams in order, their allow-lists, the
 * organisation's blocks), applied to Nexus and read back from it. Shared by feed registration,
 * the sync-feed-policy workflow and the drift check.
 */
import "server-only";
import { z } from "zod";
import type { NexusClient } from "@/lib/cloud/nexus";
import type { PrismaClient } from "@/lib/db/client";
import { desiredFeedPolicy, routingRuleName, type DesiredFeedPolicy, type LiveFeedConfig } from "@/lib/feed-config/nexus-policy";

const allowListSchema = z.array(z.string()).nullable().catch(null);

export function readAllowList(value: unknown): string[] | null {
  return allowListSchema.parse(value ?? null);
}

export async function loadDesiredPolicy(db: PrismaClient, feedId: string) {
  const feed = await db.feed.findUniqueOrThrow({
    where: { id: feedId },
    include: { host: true, upstreams: { include: { upstream: true }, orderBy: [{ position: "asc" }, { upstreamId: "asc" }] } },
  });
  const blocks = (await db.packageBlock.findMany({ select: { name: true }, orderBy: { name: "asc" } })).map((b) => b.name);
  const proxies = feed.upstreams
    .filter((l) => l.repository && l.upstream.status === "approved" && !l.flaggedAt)
    .map((l) => ({ name: l.repository as string, format: l.upstream.kind, remoteUrl: l.upstream.url, allowList: readAllowList(l.upstream.allowList) }));
  const desired = desiredFeedPolicy({ groupName: feed.groupRepository, proxies, blocks });
  return { feed, desired };
}

/** Makes Nexus match `desired`; returns what it changed, as sentences. */
export async function applyNexusPolicy(nexus: NexusClient, desired: DesiredFeedPolicy): Promise<string[]> {
  const changes: string[] = [];
  for (const rule of desired.rules) {
    if ((await nexus.putRoutingRule(rule)).changed) changes.push(`Routing rule ${rule.name} set (${rule.mode}).`);
  }
  for (const proxy of desired.proxies) {
    const routingRule = desired.proxyRules[proxy.name] ?? null;
    const { created } = await nexus.ensureProxy({ name: proxy.name, format: proxy.format, remoteUrl: proxy.remoteUrl, routingRule });
    if (created) changes.push(`Proxy ${proxy.name} created.`);
    const live = await nexus.getProxy(proxy.name, proxy.format);
    if (!live || !live.online || (live.routingRuleName ?? null) !== routingRule) {
      await nexus.updateProxy({ name: proxy.name, format: proxy.format, remoteUrl: proxy.remoteUrl, online: true, routingRule });
      changes.push(`Proxy ${proxy.name} online with routing rule ${routingRule ?? "none"}.`);
    }
  }
  if (desired.groupName) {
    const { created, changed } = await nexus.ensurePypiGroup(desired.groupName, desired.members);
    if (changed) changes.push(`Group ${desired.groupName} ${created ? "created" : "updated"}: ${desired.members.join(", ")}.`);
  }
  // Rules Feedgate made for these proxies that the policy no longer needs (now unassigned).
  const wanted = new Set(desired.rules.map((r) => r.name));
  const stale = (await nexus.listRoutingRules()).filter((r) => !wanted.has(r.name) && desired.proxies.some((p) => r.name === routingRuleName(p.name)));
  for (const rule of stale) {
    await nexus.deleteRoutingRule(rule.name);
    changes.push(`Routing rule ${rule.name} removed.`);
  }
  return changes;
}

export async function readLiveConfig(nexus: NexusClient, desired: DesiredFeedPolicy): Promise<LiveFeedConfig> {
  const proxies: LiveFeedConfig["proxies"] = [];
  for (const p of desired.proxies) {
    const live = await nexus.getProxy(p.name, p.format);
    proxies.push({ name: p.name, exists: Boolean(live), online: live?.online ?? false, routingRuleName: live?.routingRuleName ?? null });
  }
  const group = desired.groupName ? await nexus.getPypiGroup(desired.groupName) : undefined;
  return {
    proxies,
    group: desired.groupName ? { exists: Boolean(group), online: group?.online ?? false, memberNames: group?.memberNames ?? [] } : null,
    rules: desired.rules.length ? await nexus.listRoutingRules() : [],
  };
}
