import "server-only";
import type { ActingUser } from "@/lib/auth/acting-user";
import { requireRole } from "@/lib/auth/require-role";
import { recordAuditEvent } from "@/lib/audit/record-audit-event";
import type { PrismaClient } from "@/lib/db/client";
import { AppError, NotFoundError } from "@/lib/errors";
import { normalizePackageName } from "@/lib/feed-config/nexus-policy";
import type { PackageBlockInput } from "./policy-schemas";
import { requestStalenessCheck } from "@/lib/workflows/check-staleness/request-check";
import { liveNexusFeedIds, queuePolicySync } from "./queue-policy-sync";

export interface PackageBlockView {
  name: string;
  reason: string;
  createdByOid: string;
  createdAt: Date;
}

/** The organisation's block-list, for everyone who sees feeds (it is part of every feed's effective policy). */
export async function listPackageBlocks(db: PrismaClient, actor: ActingUser): Promise<PackageBlockView[]> {
  requireRole(actor, "Feedgate.Requester", "Feedgate.Approver", "Feedgate.Admin");
  return db.packageBlock.findMany({ orderBy: { name: "asc" }, take: 1000, select: { name: true, reason: true, createdByOid: true, createdAt: true } });
}

/**
 * An Admin bans a package organisation-wide: stored under its PEP 503 name, audited, and pushed to
 * every live Nexus feed by a sync-feed-policy job each.
 */
export async function blockPackage(db: PrismaClient, actor: ActingUser, input: PackageBlockInput, correlationId: string) {
  requireRole(actor, "Feedgate.Admin");
  const name = normalizePackageName(input.name);
  const block = await db.$transaction(async (tx) => {
    if (await tx.packageBlock.findUnique({ where: { name } })) throw new AppError("conflict", `${name} is already blocked.`);
    const created = await tx.packageBlock.create({ data: { name, reason: input.reason, createdByOid: actor.oid } });
    await recordAuditEvent(tx, { actorOid: actor.oid, actorName: actor.name, action: "package.blocked", targetType: "package-block", targetId: name, before: null, after: { blocked: name, reason: input.reason }, correlationId });
    return created;
  });
  const jobs = await queuePolicySync(db, await liveNexusFeedIds(db), `package ${name} blocked`);
  // Environments whose lock pins it show as stale at once, not at the watcher's next round.
  const stalenessCheckJobId = await requestStalenessCheck(db, `package ${name} blocked`);
  return { name: block.name, reason: block.reason, jobs, stalenessCheckJobId };
}

export async function unblockPackage(db: PrismaClient, actor: ActingUser, rawName: string, correlationId: string) {
  requireRole(actor, "Feedgate.Admin");
  const name = normalizePackageName(rawName);
  await db.$transaction(async (tx) => {
    const existing = await tx.packageBlock.findUnique({ where: { name } });
    if (!existing) throw new NotFoundError(`${name} is not blocked.`);
    await tx.packageBlock.delete({ where: { name } });
    await recordAuditEvent(tx, { actorOid: actor.oid, actorName: actor.name, action: "package.unblocked", targetType: "package-block", targetId: name, before: { blocked: name, reason: existing.reason }, after: null, correlationId });
  });
  const jobs = await queuePolicySync(db, await liveNexusFeedIds(db), `package ${name} unblocked`);
  const stalenessCheckJobId = await requestStalenessCheck(db, `package ${name} unblocked`);
  return { name, jobs, stalenessCheckJobId };
}
