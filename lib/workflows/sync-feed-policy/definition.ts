/**
 * Applies a feed's package policy to its live Nexus configuration: the proxies (online, each with
 * its routing rule), the routing rules and the PyPI group's members in order. Queued whenever a
 * policy changes (a package banned, an allow-list edited, members reordered, an upstream revoked)
 * and by Repair. Every change is idempotent, so a retried or resumed step simply repeats.
 */
import "server-only";
import type { Cloud } from "@/lib/cloud/cloud";
import type { PrismaClient } from "@/lib/db/client";
import { defineJob } from "@/lib/jobs/define-job";
import { SYNC_FEED_POLICY_KIND, syncFeedPolicyPayloadSchema, type SyncFeedPolicyPayload } from "./schema";
import { syncFeedPolicy } from "./sync-policy";

export function createSyncFeedPolicyJob(deps: { db: PrismaClient; cloud: Cloud }) {
  return defineJob<SyncFeedPolicyPayload>({
    kind: SYNC_FEED_POLICY_KIND,
    payload: syncFeedPolicyPayloadSchema,
    steps: [{ name: "apply-policy", maxAttempts: 8, run: async (ctx) => ({ ...(await syncFeedPolicy(deps, ctx)) }) }],
  });
}
