import "server-only";
import { recordAuditEvent } from "@/lib/audit/record-audit-event";
import { groupIdsFromClaim } from "@/lib/auth/graph-groups";
import type { PrismaClient } from "@/lib/db/client";

export interface MembershipSyncResult {
  changed: boolean;
  before: string[];
  after: string[];
}

/**
 * Makes a user's "entra" memberships exactly the teams mapped (TeamGroup) to the groups they are
 * in: missing ones are added with source "entra", ones no longer matched removed. "manual" rows
 * are never touched, and a manual row for a matched team stays manual. One transaction, audited
 * (team ids before and after) only when something changed.
 */
export async function syncEntraMemberships(db: PrismaClient, user: { id: string; oid: string; name: string }, rawGroupIds: readonly string[], correlationId: string): Promise<MembershipSyncResult> {
  const groupIds = groupIdsFromClaim(rawGroupIds);
  return db.$transaction(async (tx) => {
    const mapped = groupIds.length === 0 ? [] : await tx.teamGroup.findMany({ where: { groupId: { in: groupIds } }, select: { teamId: true } });
    const wanted = new Set(mapped.map((m) => m.teamId));
    const current = await tx.teamMembership.findMany({ where: { userId: user.id }, select: { teamId: true, source: true } });
    const entra = current.filter((m) => m.source === "entra").map((m) => m.teamId);
    const held = new Set(current.map((m) => m.teamId));
    const toRemove = entra.filter((id) => !wanted.has(id));
    const toAdd = [...wanted].filter((id) => !held.has(id));
    const before = [...entra].sort();
    const after = [...entra.filter((id) => wanted.has(id)), ...toAdd].sort();
    if (toRemove.length === 0 && toAdd.length === 0) return { changed: false, before, after };
    if (toRemove.length > 0) await tx.teamMembership.deleteMany({ where: { userId: user.id, source: "entra", teamId: { in: toRemove } } });
    // upsert, not create: a concurrent sign-in of the same person may have added it a moment ago.
    for (const teamId of toAdd) await tx.teamMembership.upsert({ where: { teamId_userId: { teamId, userId: user.id } }, update: {}, create: { teamId, userId: user.id, source: "entra" } });
    await recordAuditEvent(tx, {
      actorOid: user.oid,
      actorName: user.name,
      action: "team.memberships_synced",
      targetType: "user",
      targetId: user.id,
      before: { teamIds: before },
      after: { teamIds: after },
      correlationId,
    });
    return { changed: true, before, after };
  });
}
