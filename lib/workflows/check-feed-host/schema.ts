/** The check-feed-host workflow's kind, payload and subject (one active check per host). */
import { z } from "zod";

export const CHECK_FEED_HOST_KIND = "check-feed-host";

export const checkFeedHostPayloadSchema = z.object({
  hostId: z.string().min(1),
  /** Who asked, for the audit trail (the role was checked when the job was queued). */
  requestedBy: z.object({ oid: z.string().min(1), name: z.string() }),
  correlationId: z.string(),
});
export type CheckFeedHostPayload = z.infer<typeof checkFeedHostPayloadSchema>;

export function checkFeedHostSubject(hostId: string): string {
  return `feed-host-check:${hostId}`;
}
