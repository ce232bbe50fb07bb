/**
 * Azure ML registries an Admin registers for teams to publish built environments to: checked
 * against Azure (the registry must exist where the Admin says), stored with the teams that may
 * use it, audited.
 */
import "server-only";
import type { ActingUser } from "@/lib/auth/acting-user";
import { requireRole } from "@/lib/auth/require-role";
import { recordAuditEvent } from "@/lib/audit/record-audit-event";
import type { Cloud } from "@/lib/cloud/cloud";
import { CloudError } from "@/lib/cloud/cloud-error";
import type { PrismaClient } from "@/lib/db/client";
import { isUniqueViolation } from "@/lib/db/errors";
import { AppError, FieldError, NotFoundError } from "@/lib/errors";
import { registryArmId, type RegisterRegistryInput, type SetRegistryTeamsInput } from "@/lib/validation/aml-registries";

export interface AdminRegistryView {
  id: string;
  armId: string;
  name: string;
  subscriptionId: string;
  resourceGroup: string;
  location: string;
  teams: { id: string; name: string }[];
  publishedCount: number;
}

export async function listRegistriesForAdmin(db: PrismaClient, actor: ActingUser): Promise<AdminRegistryView[]> {
  requireRole(actor, "Feedgate.Admin");
  const rows = await db.amlRegistry.findMany({
    orderBy: { name: "asc" },
    include: { teams: { include: { team: { select: { id: true, name: true } } } }, _count: { select: { publications: { where: { status: "PUBLISHED" } } } } },
    take: 500,
  });
  return rows.map((r) => ({
    id: r.id,
    armId: r.armId,
    name: r.name,
    subscriptionId: r.subscriptionId,
    resourceGroup: r.resourceGroup,
    location: r.location,
    teams: r.teams.map((t) => t.team).sort((a, b) => a.name.localeCompare(b.name)),
    publishedCount: r._count.publications,
  }));
}

export async function registerRegistry(db: PrismaClient, cloud: Cloud, actor: ActingUser, input: RegisterRegistryInput, correlationId: string): Promise<AdminRegistryView> {
  requireRole(actor, "Feedgate.Admin");
  const teams = await findTeams(db, input.teamIds);
  const armId = registryArmId(input);
  await assertNotRegistered(db, armId);
  let facts;
  try {
    facts = await cloud.aml.getRegistry({ subscriptionId: input.subscriptionId, resourceGroup: input.resourceGroup, registry: input.name });
  } catch (error) {
    if (!(error instanceof CloudError)) throw error;
    const hint = error.details.status === 403 ? " Give the portal's identity the Reader role on the registry." : " Try again in a minute.";
    throw new AppError("cloud_unavailable", `Azure did not let Feedgate read registry ${input.name}: ${error.message}.${hint}`);
  }
  if (!facts) throw new FieldError("invalid_input", { name: `registry ${input.name} was not found in resource group ${input.resourceGroup}` });
  if (facts.location && facts.location.toLowerCase() !== input.location) throw new FieldError("invalid_input", { location: `registry ${input.name} is in ${facts.location}, not ${input.location}` });

  const created = await db
    .$transaction(async (tx) => {
      const registry = await tx.amlRegistry.create({
        data: {
          armId,
          name: facts.name || input.name,
          subscriptionId: input.subscriptionId.toLowerCase(),
          resourceGroup: input.resourceGroup,
          location: input.location,
          teams: { create: teams.map((t) => ({ teamId: t.id })) },
        },
      });
      await recordAuditEvent(tx, {
        actorOid: actor.oid,
        actorName: actor.name,
        action: "registry.registered",
        targetType: "aml_registry",
        targetId: registry.id,
        before: null,
        after: { armId, location: input.location, teams: teams.map((t) => t.name) },
        correlationId,
      });
      return registry;
    })
    .catch(async (error: unknown) => {
      if (isUniqueViolation(error)) await assertNotRegistered(db, armId);
      throw error;
    });
  return { id: created.id, armId: created.armId, name: created.name, subscriptionId: created.subscriptionId, resourceGroup: created.resourceGroup, location: created.location, teams, publishedCount: 0 };
}

/** Replaces the teams that may publish to a registry; publications already made stay. */
export async function setRegistryTeams(db: PrismaClient, actor: ActingUser, input: SetRegistryTeamsInput, correlationId: string): Promise<{ teams: { id: string; name: string }[] }> {
  requireRole(actor, "Feedgate.Admin");
  const teams = await findTeams(db, input.teamIds);
  await db.$transaction(async (tx) => {
    const registry = await tx.amlRegistry.findUnique({ where: { id: input.registryId }, include: { teams: { include: { team: { select: { name: true } } } } } });
    if (!registry) throw new NotFoundError("No such registry.");
    await tx.amlRegistryTeam.deleteMany({ where: { registryId: registry.id } });
    await tx.amlRegistryTeam.createMany({ data: teams.map((t) => ({ registryId: registry.id, teamId: t.id })) });
    await recordAuditEvent(tx, {
      actorOid: actor.oid,
      actorName: actor.name,
      action: "registry.teams_changed",
      targetType: "aml_registry",
      targetId: registry.id,
      before: { teams: registry.teams.map((t) => t.team.name).sort() },
      after: { teams: teams.map((t) => t.name) },
      correlationId,
    });
  });
  return { teams };
}

async function findTeams(db: PrismaClient, teamIds: string[]): Promise<{ id: string; name: string }[]> {
  const unique = [...new Set(teamIds)];
  const teams = await db.team.findMany({ where: { id: { in: unique } }, select: { id: true, name: true }, orderBy: { name: "asc" } });
  if (teams.length !== unique.length) throw new FieldError("invalid_input", { teamIds: "pick teams from the list" });
  return teams;
}

/** ARM ids are case-insensitive and the column is not: compare them lower-cased. */
async function assertNotRegistered(db: PrismaClient, armId: string): Promise<void> {
  const name = armId.split("/").at(-1) ?? "";
  const candidates = await db.amlRegistry.findMany({ where: { OR: [{ armId }, { name: { in: [name, name.toLowerCase(), name.toUpperCase()] } }] }, select: { armId: true, name: true }, take: 100 });
  const same = candidates.find((r) => r.armId.toLowerCase() === armId.toLowerCase());
  if (same) throw new FieldError("conflict", { name: `registry ${same.name} is already registered` });
}
