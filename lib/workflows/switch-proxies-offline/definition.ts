/**
 * After an upstream is revoked, the proxy repositories that mirror it are switched offline on
 * every feed host. A job, not an inline call: the revocation is recorded even when a host does
 * not answer, and the worker retries with backoff until every host has taken the change.
 * Switching a repository offline twice is harmless, so a retried or resumed step just repeats.
 */
import "server-only";
import type { Cloud } from "@/lib/cloud/cloud";
import type { PrismaClient } from "@/lib/db/client";
import { defineJob } from "@/lib/jobs/define-job";
import { SWITCH_PROXIES_OFFLINE_KIND, switchProxiesOfflinePayloadSchema, type SwitchProxiesOfflinePayload } from "./schema";
import { switchProxiesOffline } from "./switch-offline";

export function createSwitchProxiesOfflineJob(deps: { db: PrismaClient; cloud: Cloud }) {
  return defineJob<SwitchProxiesOfflinePayload>({
    kind: SWITCH_PROXIES_OFFLINE_KIND,
    payload: switchProxiesOfflinePayloadSchema,
    steps: [{ name: "switch-offline", maxAttempts: 8, run: async (ctx) => ({ ...(await switchProxiesOffline(deps, ctx)) }) }],
  });
}
