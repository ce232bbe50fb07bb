/** The publish-environment workflow's kind, payload, checkpoint and subject (one active publish per publication). */
import { z } from "zod";

export const PUBLISH_ENVIRONMENT_KIND = "publish-environment";

export const publishEnvironmentPayloadSchema = z.object({
  publicationId: z.string().min(1),
  /** Who asked, for the audit trail (membership and role were checked when the job was queued). */
  requestedBy: z.object({ oid: z.string().min(1), name: z.string() }),
  correlationId: z.string(),
});
export type PublishEnvironmentPayload = z.infer<typeof publishEnvironmentPayloadSchema>;

/**
 * What the publish step records before it waits: `sentAt` just before the publish request goes
 * out, `operationUrl` once Azure ML accepted it. A re-entry with `sentAt` but no URL means a
 * worker stopped between the two: the publish may be under way, so it is given time to show up
 * in the registry (`graceChecks`) before it is sent again.
 */
export const publishCheckpointSchema = z.object({
  startedAt: z.number(),
  sentAt: z.number().optional(),
  operationUrl: z.string().url().optional(),
  graceChecks: z.number().int().nonnegative().optional(),
});
export type PublishCheckpoint = z.infer<typeof publishCheckpointSchema>;

export function publicationSubject(publicationId: string): string {
  return `publication:${publicationId}`;
}
