/**
 * Each watcher round lists the subscription's Azure ML workspaces once and reconciles the
 * registered ones (lib/workspaces): one deleted in Azure becomes MISSING (requests can no longer
 * use it, admins see when it was last seen), and REGISTERED again once it is back. A failed
 * listing skips the round's check; it never holds up the feed checks.
 */
import "server-only";
import type { Cloud } from "@/lib/cloud/cloud";
import { describeFetchError } from "@/lib/cloud/cloud-error";
import type { PrismaClient } from "@/lib/db/client";
import type { StepContext } from "@/lib/jobs/define-job";
import { reconcileRegisteredWorkspaces } from "@/lib/workspaces/admin-workspaces";
import type { CheckFeedDriftPayload } from "./schema";

const WATCHER = { oid: "system:check-workspaces", name: "Feedgate watcher" };

export async function checkWorkspacesPresent(deps: { db: PrismaClient; cloud: Cloud }, ctx: StepContext<CheckFeedDriftPayload>): Promise<void> {
  if (ctx.signal.aborted) return;
  try {
    const { missing, foundAgain } = await reconcileRegisteredWorkspaces(deps.db, deps.cloud, WATCHER, ctx.jobId);
    if (missing > 0 || foundAgain > 0) await ctx.event("workspaces.reconciled", `${missing} registered workspace(s) no longer in Azure, ${foundAgain} found again.`, { missing, foundAgain });
  } catch (error) {
    await ctx.event("workspaces.skipped", `Could not list the subscription's workspaces (${describeFetchError(error)}); checked again next round.`);
  }
}
