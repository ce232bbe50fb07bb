/** The sync-feed-policy workflow's kind, payload and subject (one active job per feed). */
import { z } from "zod";

export const SYNC_FEED_POLICY_KIND = "sync-feed-policy";

export const syncFeedPolicyPayloadSchema = z.object({
  feedId: z.string().min(1),
  /** Why the sync runs, for the job's timeline: "policy changed", "repair", "upstream revoked". */
  reason: z.string().max(200).default("policy changed"),
});
export type SyncFeedPolicyPayload = z.infer<typeof syncFeedPolicyPayloadSchema>;

export const syncFeedPolicyResultSchema = z.object({ changes: z.array(z.string()), drift: z.array(z.string()) });
export type SyncFeedPolicyResult = z.infer<typeof syncFeedPolicyResultSchema>;

export function syncFeedPolicySubject(feedId: string): string {
  return `feed-policy:${feedId}`;
}
