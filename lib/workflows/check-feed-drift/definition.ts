/**
 * The drift watcher: one long-lived job that compares every Nexus feed's live configuration
 * (repositories present and online, group members, routing rules) with what Feedgate recorded,
 * marks a drifted feed DEGRADED with the differences (its card then offers Repair), and waits
 * `everyMs` before the next round. Each round then probes every READY feed's index
 * (recheck-health.ts): a feed that does not answer is DEGRADED until it answers again, and lists
 * the subscription's workspaces once (workspaces-present.ts): a registered one Azure no longer
 * has is MISSING. It never finishes, so the subject keeps exactly one watcher.
 */
import "server-only";
import type { Cloud } from "@/lib/cloud/cloud";
import type { PrismaClient } from "@/lib/db/client";
import { defineJob } from "@/lib/jobs/define-job";
import { checkAllFeeds } from "./check-drift";
import { recheckFeedHealth } from "./recheck-health";
import { checkWorkspacesPresent } from "./workspaces-present";
import { CHECK_FEED_DRIFT_KIND, checkFeedDriftPayloadSchema, type CheckFeedDriftPayload } from "./schema";

export function createCheckFeedDriftJob(deps: { db: PrismaClient; cloud: Cloud }) {
  return defineJob<CheckFeedDriftPayload>({
    kind: CHECK_FEED_DRIFT_KIND,
    payload: checkFeedDriftPayloadSchema,
    steps: [
      {
        name: "watch",
        maxAttempts: 1000,
        run: async (ctx) => {
          await checkAllFeeds(deps, ctx);
          await recheckFeedHealth(deps, ctx);
          await checkWorkspacesPresent(deps, ctx);
          return ctx.waitFor(ctx.payload.everyMs);
        },
      },
    ],
  });
}
