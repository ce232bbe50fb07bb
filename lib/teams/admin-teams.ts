import "server-only";
import type { ActingUser } from "@/lib/auth/acting-user";
import { requireRole } from "@/lib/auth/require-role";
import { recordAuditEvent } from "@/lib/audit/record-audit-event";
import type { PrismaClient } from "@/lib/db/client";
import { FieldError, NotFoundError } from "@/lib/errors";
import type { CreateTeamInput, UpdateTeamInput } from "@/lib/validation/admin-teams";
import { cidrsOverlap } from "./address-pool";

/** Bad input on the team form: one message per field; nothing was changed. */
export class TeamFieldError extends FieldError {}

export interface AdminTeamView {
  id: string;
  slug: string;
  name: string;
  groupIds: string[];
  /** Team-scoped approvers; empty means every Approver decides the team's requests. */
  approvers: { userId: string; name: string }[];
  members: { manual: number; entra: number };
  defaultRegion: string | null;
  addressPool: string | null;
}

export async function listTeamsForAdmin(db: PrismaClient, actor: ActingUser): Promise<AdminTeamView[]> {
  requireRole(actor, "Feedgate.Admin");
  const teams = await db.team.findMany({
    orderBy: { name: "asc" },
    take: 1000,
    select: VIEW_SELECT,
  });
  return teams.map(toView);
}

/** People who may be team-scoped approvers: their last sign-in carried the Approver role. */
export async function listApproverCandidates(db: PrismaClient, actor: ActingUser): Promise<{ userId: string; name: string; email: string }[]> {
  requireRole(actor, "Feedgate.Admin");
  const users = await db.user.findMany({ orderBy: { name: "asc" }, take: 2000, select: { id: true, name: true, email: true, lastRoles: true } });
  return users.filter((u) => Array.isArray(u.lastRoles) && u.lastRoles.includes("Feedgate.Approver")).map((u) => ({ userId: u.id, name: u.name, email: u.email }));
}

export async function createTeam(db: PrismaClient, actor: ActingUser, input: CreateTeamInput, correlationId: string): Promise<AdminTeamView> {
  requireRole(actor, "Feedgate.Admin");
  return db.$transaction(async (tx) => {
    await assertFree(tx as unknown as PrismaClient, null, { slug: input.slug, name: input.name, addressPool: input.addressPool ?? null });
    await assertApprovers(tx as unknown as PrismaClient, input.approverIds);
    const team = await tx.team.create({
      data: {
        slug: input.slug,
        name: input.name,
        defaultRegion: input.defaultRegion ?? null,
        addressPool: input.addressPool ?? null,
        groups: { create: input.groupIds.map((groupId) => ({ groupId })) },
        approvers: { create: input.approverIds.map((userId) => ({ userId })) },
      },
      select: VIEW_SELECT,
    });
    const view = toView(team);
    await recordAuditEvent(tx, { actorOid: actor.oid, actorName: actor.name, action: "team.created", targetType: "team", targetId: team.id, teamId: team.id, before: null, after: auditShape(view), correlationId });
    return view;
  });
}

export async function updateTeam(db: PrismaClient, actor: ActingUser, id: string, input: UpdateTeamInput, correlationId: string): Promise<AdminTeamView> {
  requireRole(actor, "Feedgate.Admin");
  return db.$transaction(async (tx) => {
    const existing = await tx.team.findUnique({ where: { id }, select: VIEW_SELECT });
    if (!existing) throw new NotFoundError("No such team.");
    const before = toView(existing);
    const next = {
      slug: input.slug ?? before.slug,
      name: input.name ?? before.name,
      defaultRegion: input.defaultRegion === undefined ? before.defaultRegion : input.defaultRegion,
      addressPool: input.addressPool === undefined ? before.addressPool : input.addressPool,
    };
    await assertFree(tx as unknown as PrismaClient, id, next);
    const groupIds = input.groupIds ?? before.groupIds;
    const groupsChanged = groupIds.join(",") !== before.groupIds.join(",");
    if (groupsChanged) {
      await tx.teamGroup.deleteMany({ where: { teamId: id, groupId: { notIn: groupIds } } });
      const kept = new Set(before.groupIds);
      const added = groupIds.filter((g) => !kept.has(g));
      for (const groupId of added) await tx.teamGroup.create({ data: { teamId: id, groupId } });
    }
    const approverIds = input.approverIds ?? before.approvers.map((a) => a.userId);
    const approversChanged = approverIds.join(",") !== before.approvers.map((a) => a.userId).join(",");
    if (approversChanged) {
      await assertApprovers(tx as unknown as PrismaClient, approverIds);
      await tx.teamApprover.deleteMany({ where: { teamId: id, userId: { notIn: approverIds } } });
      const kept = new Set(before.approvers.map((a) => a.userId));
      for (const userId of approverIds.filter((u) => !kept.has(u))) await tx.teamApprover.create({ data: { teamId: id, userId } });
    }
    const updated = await tx.team.update({ where: { id }, data: next, select: VIEW_SELECT });
    const after = toView(updated);
    const settingsChanged = (["slug", "name", "defaultRegion", "addressPool"] as const).some((k) => before[k] !== after[k]);
    if (settingsChanged) {
      await recordAuditEvent(tx, { actorOid: actor.oid, actorName: actor.name, action: "team.updated", targetType: "team", targetId: id, teamId: id, before: settingsOf(before), after: settingsOf(after), correlationId });
    }
    if (groupsChanged) {
      await recordAuditEvent(tx, { actorOid: actor.oid, actorName: actor.name, action: "team.groups_changed", targetType: "team", targetId: id, teamId: id, before: { groupIds: before.groupIds }, after: { groupIds: after.groupIds }, correlationId });
    }
    if (approversChanged) {
      await recordAuditEvent(tx, { actorOid: actor.oid, actorName: actor.name, action: "team.approvers_changed", targetType: "team", targetId: id, teamId: id, before: { approvers: before.approvers.map((a) => a.name) }, after: { approvers: after.approvers.map((a) => a.name) }, correlationId });
    }
    return after;
  });
}

/** Every named approver must exist and have signed in with the Approver role. */
async function assertApprovers(db: PrismaClient, userIds: string[]) {
  if (!userIds.length) return;
  const users = await db.user.findMany({ where: { id: { in: userIds } }, select: { id: true, name: true, lastRoles: true } });
  const bad = userIds.find((id) => {
    const u = users.find((x) => x.id === id);
    return !u || !(Array.isArray(u.lastRoles) && u.lastRoles.includes("Feedgate.Approver"));
  });
  if (bad === undefined) return;
  const named = users.find((u) => u.id === bad);
  throw new TeamFieldError("invalid_input", { approverIds: named ? `${named.name} is not an Approver (their last sign-in carried no Feedgate.Approver role)` : `no person has the id ${bad}` });
}

const VIEW_SELECT = {
  id: true,
  slug: true,
  name: true,
  defaultRegion: true,
  addressPool: true,
  groups: { select: { groupId: true }, orderBy: { groupId: "asc" } },
  approvers: { select: { userId: true, user: { select: { name: true } } }, orderBy: { userId: "asc" } },
  members: { select: { source: true } },
} as const;

/** Slug, name and pool are each the team's own: a clash is a field error naming the other team. */
async function assertFree(db: PrismaClient, selfId: string | null, next: { slug: string; name: string; addressPool: string | null }) {
  const others = await db.team.findMany({ where: selfId ? { id: { not: selfId } } : {}, select: { slug: true, name: true, addressPool: true }, take: 5000 });
  const fields: Record<string, string> = {};
  if (others.some((t) => t.slug === next.slug)) fields.slug = `${next.slug} is already another team's slug`;
  const lowerName = next.name.toLowerCase();
  const sameName = others.find((t) => t.name.toLowerCase() === lowerName);
  if (sameName) fields.name = `team ${sameName.slug} already has this name`;
  if (Object.keys(fields).length > 0) throw new TeamFieldError("conflict", fields);
  const pool = next.addressPool;
  const clash = pool ? others.find((t) => t.addressPool && cidrsOverlap(pool, t.addressPool)) : undefined;
  if (pool && clash) throw new TeamFieldError("conflict", { addressPool: `${pool} overlaps ${clash.addressPool} of team ${clash.name}` });
}

function toView(team: {
  id: string;
  slug: string;
  name: string;
  defaultRegion: string | null;
  addressPool: string | null;
  groups: { groupId: string }[];
  approvers: { userId: string; user: { name: string } }[];
  members: { source: string }[];
}): AdminTeamView {
  return {
    id: team.id,
    slug: team.slug,
    name: team.name,
    groupIds: team.groups.map((g) => g.groupId).sort(),
    approvers: team.approvers.map((a) => ({ userId: a.userId, name: a.user.name })),
    members: { manual: team.members.filter((m) => m.source !== "entra").length, entra: team.members.filter((m) => m.source === "entra").length },
    defaultRegion: team.defaultRegion,
    addressPool: team.addressPool,
  };
}

function settingsOf(view: AdminTeamView) {
  return { slug: view.slug, name: view.name, defaultRegion: view.defaultRegion, addressPool: view.addressPool };
}

function auditShape(view: AdminTeamView) {
  return { ...settingsOf(view), groupIds: view.groupIds, approvers: view.approvers.map((a) => a.name) };
}
