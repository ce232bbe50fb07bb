/**
 * After an upstream is revoked, the proxy repositories that mirror it are switched offline on
 * every feed host. A job, not an inline call: the revocation is recorded even when a host does
 * not answer, and the worker retries with backoff until every host has taken the change.
 * Switching a repository offline twice is harmless, so a retried or resumed step just repeats.
 */
import "server-only";
import { z } from "zod";
import type { PrismaClient } from "@/lib/db/client";
import { defineJob } from "@/lib/jobs/define-job";
import { PermanentStepError } from "@/lib/jobs/job-errors";
import type { Cloud } from "@/lib/orchestration/cloud";

export const SWITCH_PROXIES_OFFLINE_KIND = "switch-proxies-offline";

export const switchProxiesOfflinePayloadSchema = z.object({ upstreamId: z.string().min(1) });
export type SwitchProxiesOfflinePayload = z.infer<typeof switchProxiesOfflinePayloadSchema>;

export function switchProxiesOfflineSubject(upstreamId: string): string {
  return `upstream-revoked:${upstreamId}`;
}

export function createSwitchProxiesOfflineJob(deps: { db: PrismaClient; cloud: Cloud }) {
  const { db, cloud } = deps;
  return defineJob<SwitchProxiesOfflinePayload>({
    kind: SWITCH_PROXIES_OFFLINE_KIND,
    payload: switchProxiesOfflinePayloadSchema,
    steps: [
      {
        name: "switch-offline",
        maxAttempts: 8,
        async run(ctx) {
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
            const nexus = await cloud.nexusFor(host);
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
        },
      },
    ],
  });
}
