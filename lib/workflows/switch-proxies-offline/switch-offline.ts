/**
 * The one step: every flagged proxy of the revoked upstream is switched offline on its Nexus
 * host; an Azure Artifacts feed, which cannot take one upstream offline, gets instructions.
 */
import "server-only";
import { budgetedNexus } from "@/lib/workflows/nexus-read-budget";
import type { Cloud } from "@/lib/cloud/cloud";
import type { PrismaClient } from "@/lib/db/client";
import type { StepContext } from "@/lib/jobs/define-job";
import { PermanentStepError } from "@/lib/jobs/job-errors";
import type { SwitchOfflineResult, SwitchProxiesOfflinePayload } from "./schema";

export async function switchProxiesOffline(deps: { db: PrismaClient; cloud: Cloud }, ctx: StepContext<SwitchProxiesOfflinePayload>): Promise<SwitchOfflineResult> {
  const { db } = deps;
  const upstream = await db.upstreamSource.findUnique({ where: { id: ctx.payload.upstreamId } });
  if (!upstream) throw new PermanentStepError("The upstream source no longer exists.");
  if (upstream.status !== "revoked") throw new PermanentStepError(`${upstream.name} is ${upstream.status}, not revoked; its proxies stay as they are.`);
  const links = await db.feedUpstream.findMany({
    where: { upstreamId: upstream.id, flaggedAt: { not: null } },
    include: { feed: { include: { host: true } } },
    orderBy: { feedId: "asc" },
  });
  const switched: string[] = [];
  for (const link of links) {
    const host = link.feed.host;
    if (!link.repository) continue;
    if (host.kind !== "nexus") {
      // An Artifacts feed serves all its upstreams from one feed; it cannot take one offline.
      await ctx.event("proxy.manual", `Azure Artifacts feed ${link.repository} of ${link.feed.name}: remove the upstream ${upstream.name} in Azure DevOps (feed settings → Upstream sources).`, { feedId: link.feedId });
      continue;
    }
    const nexus = await budgetedNexus(deps, host, ctx.signal);
    if (!(await nexus.getRepository(link.repository))) {
      // Nothing by that name serves packages any more (removed by hand, or never created).
      await ctx.event("proxy.missing", `Proxy ${link.repository} is not on ${host.name}; nothing to switch offline.`, { feedId: link.feedId, repository: link.repository });
      continue;
    }
    await nexus.setProxyOnline({ name: link.repository, format: upstream.kind, remoteUrl: upstream.url }, false);
    switched.push(link.repository);
    await ctx.event("proxy.offline", `Proxy ${link.repository} on ${host.name} is offline: ${upstream.name} was revoked.`, { feedId: link.feedId, repository: link.repository });
  }
  return { switched };
}
