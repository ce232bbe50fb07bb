/** The rebuild-batch workflow's kind, payload and checkpoint (one job per RebuildBatch). */
import { z } from "zod";

export const rebuildBatchPayloadSchema = z.object({
  batchId: z.string().min(1),
  /** The admin who started the batch (role checked when it was queued): rebuilds are audited as them. */
  requestedBy: z.object({ userId: z.string().min(1), oid: z.string().min(1), name: z.string(), email: z.string() }),
  correlationId: z.string(),
});
export type RebuildBatchJobPayload = z.infer<typeof rebuildBatchPayloadSchema>;

/**
 * What the step records as it goes: when it first ran (the polling cadence grows from it), how
 * many rebuilds it started, and the item whose rebuild it is about to start (`starting`), written
 * before the rebuild is sent (what was in flight when a worker stopped). The items' own jobId and
 * error columns are the durable per-item progress; every pass looks for a rebuild a stopped
 * worker started but did not record before it starts one (see rebuild-step.ts), so resuming never
 * depends on this checkpoint having been written.
 */
export const rebuildBatchCheckpointSchema = z.object({
  startedAt: z.number(),
  started: z.number().int().nonnegative(),
  starting: z.string().optional(),
});
export type RebuildBatchCheckpoint = z.infer<typeof rebuildBatchCheckpointSchema>;
