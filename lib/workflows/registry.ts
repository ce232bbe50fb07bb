/**
 * The one registry of job kinds: every workflow a Feedgate worker runs, wired to its database
 * and cloud. A new workflow is a folder beside this file (definition, schema, one file per step)
 * and one line here.
 */
import "server-only";
import type { Cloud } from "@/lib/cloud/cloud";
import type { PrismaClient } from "@/lib/db/client";
import type { JobDefinition } from "@/lib/jobs/define-job";
import { createProvisionRequestJob } from "@/lib/workflows/provision-request/definition";
import { createSwitchProxiesOfflineJob } from "@/lib/workflows/switch-proxies-offline/definition";
import { createSyncFeedPolicyJob } from "@/lib/workflows/sync-feed-policy/definition";
import { createCheckFeedDriftJob } from "@/lib/workflows/check-feed-drift/definition";
import { createCheckFeedHostJob } from "@/lib/workflows/check-feed-host/definition";
import { createPublishEnvironmentJob } from "@/lib/workflows/publish-environment/definition";
import { createRebuildBatchJob } from "@/lib/workflows/rebuild-batch/definition";
import { createCheckStalenessJob } from "@/lib/workflows/check-staleness/definition";

export interface WorkflowDeps {
  db: PrismaClient;
  cloud: Cloud;
  /** How often running jobs poll ARM deployments and image builds (JOB_POLL_MS). */
  pollMs?: number;
  nexusVmSshPublicKey?: string;
}

export function createJobDefinitions(deps: WorkflowDeps): JobDefinition[] {
  return [createProvisionRequestJob(deps), createSwitchProxiesOfflineJob(deps), createSyncFeedPolicyJob(deps), createCheckFeedDriftJob(deps), createCheckFeedHostJob(deps), createPublishEnvironmentJob(deps), createCheckStalenessJob(deps), createRebuildBatchJob(deps)];
}
