import { z } from "zod";

/**
 * The stale reason kinds (lib/staleness/stale-reasons.ts STALE_REASON_KINDS), repeated here
 * because lib/validation sits below lib/staleness; rebuild-batch.test.ts keeps the two equal.
 */
export const REBUILD_REASON_KINDS = ["base-image", "banned", "revoked", "yanked"] as const;

/** "Rebuild all N": the reason (kind and subject) whose stale environments are rebuilt as one batch. */
export const startRebuildBatchSchema = z.object({
  kind: z.enum(REBUILD_REASON_KINDS),
  subject: z.string().trim().min(1).max(300),
});
export type StartRebuildBatchInput = z.infer<typeof startRebuildBatchSchema>;

/** "Check now" takes nothing: the round checks every environment version in use. */
export const checkStalenessNowSchema = z.object({}).strict();
