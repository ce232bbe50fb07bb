/** Every job kind a Feedgate worker runs, wired to its database and cloud. */
import "server-only";
import type { PrismaClient } from "@/lib/db/client";
import type { JobDefinition } from "@/lib/jobs/define-job";
import { createSwitchProxiesOfflineJob } from "@/lib/upstreams/switch-proxies-offline-job";
import type { Cloud } from "./cloud";
import { createProvisionRequestJob } from "./provision-request-job";

export function createJobDefinitions(deps: { db: PrismaClient; cloud: Cloud; pollMs?: number; nexusVmSshPublicKey?: string }): JobDefinition[] {
  return [createProvisionRequestJob(deps), createSwitchProxiesOfflineJob(deps)];
}
