import "server-only";
import type { ActingUser } from "@/lib/auth/acting-user";
import { requireRole } from "@/lib/auth/require-role";
import { recordAuditEvent } from "@/lib/audit/record-audit-event";
import type { FeedHealth } from "@/lib/db/json-columns";
import { setFeedStatus } from "@/lib/feed-state/transition";
import type { PrismaClient } from "@/lib/db/client";
import { AppError, NotFoundError } from "@/lib/errors";
import { insertJobEvents } from "@/lib/jobs/job-records";
import { notifyJobReady } from "@/lib/jobs/job-wakeup";
import type { UpstreamRevocationInput } from "@/lib/validation/upstream-revocation";
import { resumeWaitingRequests } from "./decide-upstream";
import { SWITCH_PROXIES_OFFLINE_KIND, switchProxiesOfflineSubject } from "@/lib/workflows/switch-proxies-offline/schema";
import { SYNC_FEED_POLICY_KIND, syncFeedPolicySubject } from "@/lib/workflows/sync-feed-policy/schema";
import { requestStalenessCheck } from "@/lib/workflows/check-staleness/request-check";

export interface UpstreamRevocationResult {
  id: string;
  name: string;
  status: "revoked";
  flaggedFeeds: { id: string; name: string; teamId: string }[];
  jobId: string;
  /** The one-off staleness check queued so environments built on its feeds show as stale at once. */
  stalenessCheckJobId: string;
}

/**
 * An Approver revokes an approved upstream source. In one transaction: the source becomes
 * `revoked` with the reason (only if it is still approved, so it happens once), an Approval row
 * and an audit event record it, every feed using it is flagged DEGRADED with a feed.flagged
 * event for its team, and the job that switches the proxy repositories offline is queued, with
 * one sync-feed-policy job per Nexus feed that takes the proxy out of the feed's group.
 *
 * The job row is written in the same transaction rather than by enqueueJob afterwards: a crash
 * between the two would otherwise leave a revoked source whose proxies keep serving packages.
 */
export async function revokeUpstream(db: PrismaClient, actor: ActingUser, input: UpstreamRevocationInput, correlationId: string): Promise<UpstreamRevocationResult> {
  requireRole(actor, "Feedgate.Approver");
  const result = await db.$transaction(async (tx) => {
    const before = await tx.upstreamSource.findUnique({ where: { id: input.upstreamId }, select: { id: true, name: true, status: true } });
    if (!before) throw new NotFoundError("No such upstream source.");
    const now = new Date();
    const { count } = await tx.upstreamSource.updateMany({
      where: { id: before.id, status: "approved" },
      data: { status: "revoked", decidedByOid: actor.oid, decidedAt: now, decisionReason: input.reason },
    });
    if (count !== 1) throw new AppError("conflict", before.status === "revoked" ? "This upstream source is already revoked." : `Only an approved source can be revoked; this one is ${before.status}.`);
    await tx.approval.create({ data: { subjectType: "upstream", subjectId: before.id, approverOid: actor.oid, decision: "revoke", reason: input.reason } });
    await recordAuditEvent(tx, {
      actorOid: actor.oid,
      actorName: actor.name,
      action: "upstream.revoked",
      targetType: "upstream",
      targetId: before.id,
      before: { status: before.status },
      after: { status: "revoked", reason: input.reason },
      correlationId,
    });

    const links = await tx.feedUpstream.findMany({ where: { upstreamId: before.id }, select: { feedId: true, repository: true, feed: { select: { id: true, name: true, teamId: true, status: true } } } });
    await tx.feedUpstream.updateMany({ where: { upstreamId: before.id, flaggedAt: null }, data: { flaggedAt: now } });
    const flaggedFeeds = links.map((l) => l.feed);
    for (const feed of flaggedFeeds) {
      let after: string = feed.status;
      if (feed.status !== "PENDING" && feed.status !== "RETIRED") {
        const detail = `Upstream ${before.name} was revoked by ${actor.name}: ${input.reason}`;
        const health: FeedHealth = { ok: false, checks: [{ name: "upstream", ok: false, detail }], warnings: ["Feedgate switches its proxy offline and takes it out of the feed; the feed is READY again once that is done."], source: "revoke" };
        if (await setFeedStatus(tx, feed.id, [feed.status], "DEGRADED", { health })) after = "DEGRADED";
      }
      await recordAuditEvent(tx, {
        actorOid: actor.oid,
        actorName: actor.name,
        action: "feed.flagged",
        targetType: "feed",
        targetId: feed.id,
        before: { status: feed.status },
        after: { status: after, upstream: before.name, reason: input.reason },
        correlationId,
        teamId: feed.teamId,
      });
    }

    const subject = switchProxiesOfflineSubject(before.id);
    const job = await tx.job.create({ data: { kind: SWITCH_PROXIES_OFFLINE_KIND, subject, activeSubject: subject, payload: { upstreamId: before.id } } });
    await insertJobEvents(tx, job.id, [{ type: "job.queued", message: `Queued: switch ${links.length} proxy repositor${links.length === 1 ? "y" : "ies"} of ${before.name} offline.` }]);
    for (const feed of flaggedFeeds) {
      const feedSubject = syncFeedPolicySubject(feed.id);
      // A sync already queued or running re-reads the policy when it has applied it.
      if (feed.status === "RETIRED" || (await tx.job.findUnique({ where: { activeSubject: feedSubject }, select: { id: true } }))) continue;
      const sync = await tx.job.create({ data: { kind: SYNC_FEED_POLICY_KIND, subject: feedSubject, activeSubject: feedSubject, payload: { feedId: feed.id, reason: `upstream ${before.name} revoked` } } });
      await insertJobEvents(tx, sync.id, [{ type: "job.queued", message: `Queued: remove ${before.name} from ${feed.name}.` }]);
    }
    return { id: before.id, name: before.name, status: "revoked" as const, flaggedFeeds, jobId: job.id };
  });
  notifyJobReady();
  // Environments built on the revoked upstream's feeds show as stale at once.
  const stalenessCheckJobId = await requestStalenessCheck(db, `upstream ${result.name} revoked`);
  await resumeWaitingRequests(db, actor, correlationId);
  return { ...result, stalenessCheckJobId };
}
