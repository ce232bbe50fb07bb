/**
 * Nexus clients whose GETs share one read budget per Nexus host across every worker (a token
 * bucket in the ReadBudget table, as ARM's per subscription). Nexus publishes no limits; a VM
 * serving the organisation's pip traffic should not also take bursts of thousands of REST reads
 * when the feed watcher compares hundreds of feeds, so workflows that talk to Nexus get their
 * client here. A 429 (from a reverse proxy in front of Nexus) holds the host's reads.
 */
import "server-only";
import type { Cloud } from "@/lib/cloud/cloud";
import type { NexusClient } from "@/lib/cloud/nexus";
import type { Db } from "@/lib/db/client";
import { env } from "@/lib/env";
import { SharedReadBudget } from "@/lib/jobs/read-budget";

export function nexusReadBudget(db: Db, host: { baseUrl: string }): SharedReadBudget {
  const perSecond = env.NEXUS_READS_PER_SECOND;
  return new SharedReadBudget({ db, key: `nexus:${host.baseUrl.replace(/\/+$/, "")}`, limits: { perSecond, burst: Math.max(1, Math.round(perSecond * 10)) } });
}

/** `signal`: the step's, so a wait for a token ends with a cancel or the worker's stop. */
export function budgetedNexus(deps: { db: Db; cloud: Cloud }, host: { baseUrl: string; credentialRef: string }, signal: AbortSignal): Promise<NexusClient> {
  return deps.cloud.nexusFor(host, { readBudget: nexusReadBudget(deps.db, host), signal });
}
