import "server-only";
import type { Db } from "@/lib/db/client";
import { enqueueJob } from "@/lib/jobs/enqueue-job";
import { JobConflictError } from "@/lib/jobs/job-errors";
import { CHECK_FEED_DRIFT_KIND, CHECK_FEED_DRIFT_SUBJECT } from "./schema";

/**
 * Starts the feed watcher (one long-lived check-feed-drift job for the organisation) unless one
 * is queued or running. Every worker calls it at start-up, so the first round runs at start and
 * the next ones every `everyMs`; workers starting together race on the job's active subject and
 * all but one see the conflict. A watcher already running keeps its interval until it is
 * cancelled (a changed FEED_CHECK_INTERVAL_MS applies to the next watcher).
 */
export async function ensureDriftWatch(db: Db, everyMs: number): Promise<void> {
  if (await db.job.findUnique({ where: { activeSubject: CHECK_FEED_DRIFT_SUBJECT }, select: { id: true } })) return;
  try {
    await enqueueJob(db, { kind: CHECK_FEED_DRIFT_KIND, subject: CHECK_FEED_DRIFT_SUBJECT, payload: { everyMs } });
  } catch (error) {
    if (!(error instanceof JobConflictError)) throw error;
  }
}
