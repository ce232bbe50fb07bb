import "server-only";
import { Prisma } from "@/generated/prisma/client";
import type { ActingUser } from "@/lib/auth/acting-user";
import { requireRole } from "@/lib/auth/require-role";
import { recordAuditEvent } from "@/lib/audit/record-audit-event";
import type { PrismaClient } from "@/lib/db/client";
import { AppError, NotFoundError } from "@/lib/errors";
import { normalizePackageName } from "@/lib/feed-config/nexus-policy";
import type { AllowListInput, UpstreamOrderInput } from "./policy-schemas";
import { liveNexusFeedIds, queuePolicySync } from "./queue-policy-sync";

/** An Approver edits an approved upstream's allow-list (null = all packages); every live feed using it follows. */
export async function setUpstreamAllowList(db: PrismaClient, actor: ActingUser, input: AllowListInput, correlationId: string) {
  requireRole(actor, "Feedgate.Approver");
  const allowList = input.allowList ? [...new Set(input.allowList.map(normalizePackageName))].sort() : null;
  const upstream = await db.$transaction(async (tx) => {
    const before = await tx.upstreamSource.findUnique({ where: { id: input.upstreamId }, select: { id: true, name: true, status: true, allowList: true } });
    if (!before) throw new NotFoundError("No such upstream source.");
    if (before.status !== "approved") throw new AppError("conflict", `Only an approved source's allow-list can change; this one is ${before.status}.`);
    await tx.upstreamSource.update({ where: { id: before.id }, data: { allowList: allowList ?? Prisma.DbNull } });
    await recordAuditEvent(tx, { actorOid: actor.oid, actorName: actor.name, action: "upstream.allow_list_changed", targetType: "upstream", targetId: before.id, before: { allowList: (before.allowList as string[] | null) ?? null }, after: { allowList, reason: input.reason }, correlationId });
    return before;
  });
  const jobs = await queuePolicySync(db, await liveNexusFeedIds(db, { upstreamId: upstream.id }), `allow-list of ${upstream.name} changed`);
  return { id: upstream.id, allowList, jobs };
}

/** An Approver or Admin sets the order in which a feed's group asks its upstreams. */
export async function reorderFeedUpstreams(db: PrismaClient, actor: ActingUser, input: UpstreamOrderInput, correlationId: string) {
  requireRole(actor, "Feedgate.Approver", "Feedgate.Admin");
  const feed = await db.$transaction(async (tx) => {
    const found = await tx.feed.findUnique({ where: { id: input.feedId }, select: { id: true, teamId: true, status: true, host: { select: { kind: true } }, upstreams: { select: { upstreamId: true, position: true }, orderBy: { position: "asc" } } } });
    if (!found) throw new NotFoundError("No such feed.");
    // The order is a Nexus group's member order; Azure Artifacts has one upstream list Feedgate does not order.
    if (found.host.kind !== "nexus") throw new AppError("conflict", "Only a Nexus feed's upstreams have an order; this feed is on Azure Artifacts.");
    if (found.status !== "READY" && found.status !== "DEGRADED") throw new AppError("conflict", `A ${found.status.toLowerCase()} feed's upstreams cannot be reordered.`);
    const current = found.upstreams.map((u) => u.upstreamId);
    if (current.length !== input.upstreamIds.length || !current.every((id) => input.upstreamIds.includes(id))) {
      throw new AppError("invalid_input", "List every upstream of the feed exactly once.");
    }
    for (const [position, upstreamId] of input.upstreamIds.entries()) await tx.feedUpstream.update({ where: { feedId_upstreamId: { feedId: found.id, upstreamId } }, data: { position } });
    await recordAuditEvent(tx, { actorOid: actor.oid, actorName: actor.name, action: "feed.upstreams_reordered", targetType: "feed", targetId: found.id, before: { order: current }, after: { order: input.upstreamIds }, correlationId, teamId: found.teamId });
    return found;
  });
  const jobs = await queuePolicySync(db, [feed.id], "upstream order changed");
  return { feedId: feed.id, order: input.upstreamIds, jobs };
}

/** An Admin repairs a drifted feed: Feedgate's record is applied to Nexus again (sync-feed-policy). */
export async function repairFeed(db: PrismaClient, actor: ActingUser, feedId: string, correlationId: string) {
  requireRole(actor, "Feedgate.Admin");
  const feed = await db.feed.findUnique({ where: { id: feedId }, select: { id: true, name: true, status: true, teamId: true, host: { select: { kind: true } } } });
  if (!feed) throw new NotFoundError("No such feed.");
  if (feed.host.kind !== "nexus") throw new AppError("conflict", "Repair restores Nexus configuration; this feed is on Azure Artifacts.");
  if (feed.status !== "DEGRADED" && feed.status !== "READY") throw new AppError("conflict", `A ${feed.status.toLowerCase()} feed cannot be repaired.`);
  await recordAuditEvent(db, { actorOid: actor.oid, actorName: actor.name, action: "feed.repair_requested", targetType: "feed", targetId: feed.id, before: { status: feed.status }, after: { repair: "requested" }, correlationId, teamId: feed.teamId });
  const [job] = await queuePolicySync(db, [feed.id], "repair");
  return { feedId: feed.id, jobId: job?.jobId ?? null };
}
