/** The check-feed-drift workflow's kind, payload and subject (one watcher for the whole organisation). */
import { z } from "zod";

export const CHECK_FEED_DRIFT_KIND = "check-feed-drift";
export const CHECK_FEED_DRIFT_SUBJECT = "feed-drift-watch";
/** A round's interval when the payload names none; workers pass FEED_CHECK_INTERVAL_MS (lib/env, the same default). */
export const DRIFT_CHECK_DEFAULT_MS = 300_000;

export const checkFeedDriftPayloadSchema = z.object({ everyMs: z.number().int().min(50).max(86_400_000).default(DRIFT_CHECK_DEFAULT_MS) });
export type CheckFeedDriftPayload = z.infer<typeof checkFeedDriftPayloadSchema>;
