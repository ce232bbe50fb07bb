import "server-only";
import type { JobEvent } from "@/generated/prisma/client";
import type { Db } from "@/lib/db/client";

/**
 * A job's events after `afterId` (exclusive), oldest first: what an SSE stream sends on
 * (re)connect with `?after=`. Ids of one job are in commit order (see insertJobEvents).
 */
export async function listJobEvents(
  db: Db,
  jobId: string,
  options: { afterId?: number; limit?: number } = {},
): Promise<JobEvent[]> {
  return db.jobEvent.findMany({
    where: { jobId, id: { gt: options.afterId ?? 0 } },
    orderBy: { id: "asc" },
    take: Math.min(Math.max(options.limit ?? 500, 1), 1000),
  });
}
