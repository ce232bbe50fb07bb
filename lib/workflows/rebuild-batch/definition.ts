/**
 * Rebuilds every item of a RebuildBatch (lib/staleness/rebuild-batch.ts): one step that starts
 * each item's rebuild (a provisioning job of its request) and, since a request runs one
 * provisioning job at a time, waits for a request's running job before starting its next item.
 * It finishes once every item has a job or an error; the items' progress is read from those.
 */
import "server-only";
import type { PrismaClient } from "@/lib/db/client";
import { defineJob } from "@/lib/jobs/define-job";
import { rebuildBuild } from "@/lib/workflows/provision-request/rebuild-build";
import { runRebuildBatch, type StartRebuild } from "./rebuild-step";
import { REBUILD_BATCH_KIND } from "@/lib/staleness/rebuild-batch";
import { rebuildBatchPayloadSchema, type RebuildBatchJobPayload } from "./schema";

export interface RebuildBatchOptions {
  db: PrismaClient;
  /** The first and shortest interval between looks at a busy request (JOB_POLL_MS). */
  pollMs?: number;
  /** How one rebuild is started; rebuildBuild, which a test may wrap to stop a worker right after it. */
  startRebuild?: StartRebuild;
}

export function createRebuildBatchJob(options: RebuildBatchOptions) {
  const deps = { db: options.db, pollMs: options.pollMs ?? 2000, startRebuild: options.startRebuild ?? rebuildBuild };
  return defineJob<RebuildBatchJobPayload>({
    kind: REBUILD_BATCH_KIND,
    payload: rebuildBatchPayloadSchema,
    steps: [{ name: "rebuild", maxAttempts: 8, run: (ctx) => runRebuildBatch(deps, ctx) }],
  });
}
