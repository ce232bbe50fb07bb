import "server-only";
import type { Db } from "@/lib/db/client";
import { enqueueJob } from "@/lib/jobs/enqueue-job";
import { JobConflictError } from "@/lib/jobs/job-errors";
import { SYNC_FEED_POLICY_KIND, syncFeedPolicySubject } from "@/lib/workflows/sync-feed-policy/schema";

/**
 * Queues one sync-feed-policy job per feed. A feed that already has one queued or running keeps
 * it: that job re-reads the policy after applying it, so it picks this change up too.
 */
export async function queuePolicySync(db: Db, feedIds: readonly string[], reason: string): Promise<{ feedId: string; jobId: string | null }[]> {
  const out: { feedId: string; jobId: string | null }[] = [];
  for (const feedId of [...new Set(feedIds)]) {
    try {
      const job = await enqueueJob(db, { kind: SYNC_FEED_POLICY_KIND, subject: syncFeedPolicySubject(feedId), payload: { feedId, reason } });
      out.push({ feedId, jobId: job.id });
    } catch (error) {
      if (!(error instanceof JobConflictError)) throw error;
      out.push({ feedId, jobId: error.activeJobId ?? null });
    }
  }
  return out;
}

/** Feeds that policy changes reach: every live Nexus feed (Artifacts cannot take them). */
export async function liveNexusFeedIds(db: Db, where: { upstreamId?: string } = {}): Promise<string[]> {
  const feeds = await db.feed.findMany({
    where: { status: { in: ["READY", "DEGRADED"] }, host: { kind: "nexus" }, groupRepository: { not: null }, ...(where.upstreamId ? { upstreams: { some: { upstreamId: where.upstreamId } } } : {}) },
    select: { id: true },
    orderBy: { id: "asc" },
  });
  return feeds.map((f) => f.id);
}
