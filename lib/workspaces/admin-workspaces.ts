/**
 * Existing Azure ML workspaces, as an Admin finds and registers them: listed from the configured
 * subscription through ARM (the whole subscription or one resource group), each with its network
 * posture and what would break a private build, and registered to a team so that requests can
 * use it in "existing workspace" mode. Every listing also reconciles what is registered: a
 * workspace that is gone from Azure shows as MISSING until a later listing finds it again.
 */
import "server-only";
import type { Workspace } from "@/generated/prisma/client";
import type { ActingUser } from "@/lib/auth/acting-user";
import { requireRole } from "@/lib/auth/require-role";
import { recordAuditEvent } from "@/lib/audit/record-audit-event";
import type { DiscoveredWorkspace } from "@/lib/cloud/aml";
import type { Cloud } from "@/lib/cloud/cloud";
import { CloudError } from "@/lib/cloud/cloud-error";
import type { PrismaClient } from "@/lib/db/client";
import { AppError, FieldError } from "@/lib/errors";
import { isUniqueViolation } from "@/lib/db/errors";
import { parseWorkspaceArmId, type DiscoverWorkspacesInput, type RegisterWorkspaceInput } from "@/lib/validation/admin-workspaces";
import { assessPrivateBuild, type PrivateBuildAssessment } from "./assess";

export interface DiscoveredWorkspaceView {
  armId: string;
  name: string;
  resourceGroup: string;
  region: string;
  publicNetworkAccess: string;
  privateEndpoints: { name: string; status: string }[];
  imageBuildCompute: string | null;
  storageAccount: string | null;
  containerRegistry: string | null;
  assessment: PrivateBuildAssessment;
  /** The team it is registered to, when it is. */
  registration: { workspaceId: string; teamId: string; teamName: string } | null;
}

export interface MissingWorkspaceView {
  workspaceId: string;
  armId: string;
  name: string;
  resourceGroup: string;
  teamName: string;
  lastSeenAt: string | null;
}

export interface WorkspaceDiscovery {
  subscriptionId: string;
  resourceGroup: string | null;
  workspaces: DiscoveredWorkspaceView[];
  /** Registered workspaces of this scope that the listing no longer holds. */
  missing: MissingWorkspaceView[];
}

const lastSegment = (id: string | undefined) => (id ? (id.split("/").pop() ?? id) : null);

export async function discoverWorkspaces(db: PrismaClient, cloud: Cloud, actor: ActingUser, input: DiscoverWorkspacesInput, correlationId: string): Promise<WorkspaceDiscovery> {
  requireRole(actor, "Feedgate.Admin");
  const resourceGroup = input.resourceGroup ?? null;
  let listed: DiscoveredWorkspace[];
  try {
    listed = await cloud.aml.listWorkspaces(resourceGroup ? { resourceGroup } : undefined);
  } catch (error) {
    if (error instanceof CloudError && error.details.status === 404 && resourceGroup) throw new FieldError("invalid_input", { resourceGroup: `resource group ${resourceGroup} does not exist in subscription ${cloud.subscriptionId}` });
    throw cloudUnavailable(error, "list the workspaces");
  }
  const registered = await registeredInScope(db, cloud.subscriptionId, resourceGroup);
  const { missing } = await reconcile(db, actor, registered, listed, correlationId);
  const byArmId = new Map(registered.map((w) => [w.armId.toLowerCase(), w]));
  const workspaces = listed
    .map((ws): DiscoveredWorkspaceView => {
      const reg = byArmId.get(ws.id.toLowerCase());
      return {
        armId: ws.id,
        name: ws.name,
        resourceGroup: ws.resourceGroup,
        region: ws.location,
        publicNetworkAccess: ws.publicNetworkAccess ?? "Enabled",
        privateEndpoints: ws.privateEndpoints.map((p) => ({ name: lastSegment(p.id) ?? "", status: p.status ?? "Unknown" })),
        imageBuildCompute: ws.imageBuildCompute ?? null,
        storageAccount: lastSegment(ws.storageAccount),
        containerRegistry: lastSegment(ws.containerRegistry),
        assessment: assessPrivateBuild(ws),
        registration: reg ? { workspaceId: reg.id, teamId: reg.teamId, teamName: reg.team.name } : null,
      };
    })
    .sort((a, b) => a.resourceGroup.localeCompare(b.resourceGroup) || a.name.localeCompare(b.name));
  return { subscriptionId: cloud.subscriptionId, resourceGroup, workspaces, missing };
}

async function registeredInScope(db: PrismaClient, subscriptionId: string, resourceGroup: string | null) {
  const rows = await db.workspace.findMany({
    where: { subscriptionId, status: { in: ["REGISTERED", "MISSING"] } },
    include: { team: { select: { name: true } } },
    take: 5000,
  });
  // ARM names are case-insensitive.
  return resourceGroup ? rows.filter((w) => w.resourceGroup.toLowerCase() === resourceGroup.toLowerCase()) : rows;
}

/**
 * The watcher's round (lib/workflows/check-feed-drift): one listing of the subscription, so a
 * workspace deleted in Azure shows as missing without an admin running discovery. Audited as
 * the watcher. Answers how many workspaces went missing and came back.
 */
export async function reconcileRegisteredWorkspaces(db: PrismaClient, cloud: Cloud, actor: Auditor, correlationId: string): Promise<{ missing: number; foundAgain: number }> {
  const registered = await registeredInScope(db, cloud.subscriptionId, null);
  if (registered.length === 0) return { missing: 0, foundAgain: 0 };
  const { wentMissing, foundAgain } = await reconcile(db, actor, registered, await cloud.aml.listWorkspaces(), correlationId);
  return { missing: wentMissing, foundAgain };
}

/** Who an audit event names: a person, or the watcher. */
type Auditor = Pick<ActingUser, "oid" | "name">;

/**
 * Marks what the listing lacks MISSING and what it holds again REGISTERED, each audited; stamps
 * lastSeenAt. Answers every registered workspace the listing lacks, and how many changed status
 * in this call (a concurrent round that got there first is not counted twice).
 */
async function reconcile(db: PrismaClient, actor: Auditor, registered: (Workspace & { team: { name: string } })[], listed: DiscoveredWorkspace[], correlationId: string): Promise<{ missing: MissingWorkspaceView[]; wentMissing: number; foundAgain: number }> {
  const seen = new Set(listed.map((w) => w.id.toLowerCase()));
  const now = new Date();
  const present = registered.filter((w) => seen.has(w.armId.toLowerCase()));
  if (present.length) await db.workspace.updateMany({ where: { id: { in: present.map((w) => w.id) } }, data: { lastSeenAt: now } });
  let foundAgain = 0;
  for (const w of present.filter((p) => p.status === "MISSING")) {
    const { count } = await db.workspace.updateMany({ where: { id: w.id, status: "MISSING" }, data: { status: "REGISTERED" } });
    if (count) await audit(db, actor, w, "workspace.found_again", "MISSING", "REGISTERED", correlationId);
    foundAgain += count;
  }
  const gone = registered.filter((w) => !seen.has(w.armId.toLowerCase()));
  let wentMissing = 0;
  for (const w of gone.filter((g) => g.status === "REGISTERED")) {
    const { count } = await db.workspace.updateMany({ where: { id: w.id, status: "REGISTERED" }, data: { status: "MISSING" } });
    if (count) await audit(db, actor, w, "workspace.missing", "REGISTERED", "MISSING", correlationId);
    wentMissing += count;
  }
  const missing = gone.map((w) => ({ workspaceId: w.id, armId: w.armId, name: w.name, resourceGroup: w.resourceGroup, teamName: w.team.name, lastSeenAt: w.lastSeenAt?.toISOString() ?? null }));
  return { missing, wentMissing, foundAgain };
}

/** Azure refusing or not answering is something the admin can act on; say what Azure said. */
function cloudUnavailable(error: unknown, what: string): unknown {
  if (!(error instanceof CloudError)) return error;
  const hint = error.details.status === 403 ? " Give the portal's identity the Reader role on the subscription." : " Try again in a minute.";
  return new AppError("cloud_unavailable", `Azure did not let Feedgate ${what}: ${error.message}.${hint}`);
}

function audit(db: PrismaClient, actor: Auditor, w: Workspace, action: "workspace.missing" | "workspace.found_again", from: string, to: string, correlationId: string) {
  return recordAuditEvent(db, { actorOid: actor.oid, actorName: actor.name, action, targetType: "workspace", targetId: w.id, teamId: w.teamId, before: { status: from }, after: { status: to }, correlationId });
}

export interface RegisteredWorkspaceView {
  id: string;
  armId: string;
  name: string;
  teamId: string;
  region: string;
  status: string;
  warnings: string[];
}

/**
 * Registers an existing workspace to a team. The workspace is read again through ARM (a listing
 * may be stale), must belong to the configured subscription, and may be registered only once.
 */
export async function registerWorkspace(db: PrismaClient, cloud: Cloud, actor: ActingUser, input: RegisterWorkspaceInput, correlationId: string): Promise<RegisteredWorkspaceView> {
  requireRole(actor, "Feedgate.Admin");
  const parts = parseWorkspaceArmId(input.armId);
  if (!parts) throw new FieldError("invalid_input", { armId: "is not an Azure ML workspace id" });
  if (parts.subscriptionId !== cloud.subscriptionId.toLowerCase()) throw new FieldError("invalid_input", { armId: `is in subscription ${parts.subscriptionId}, not in the configured subscription ${cloud.subscriptionId}` });
  const team = await db.team.findUnique({ where: { id: input.teamId }, select: { id: true, name: true } });
  if (!team) throw new FieldError("invalid_input", { teamId: "pick a team from the list" });
  await assertNotRegistered(db, input.armId);

  let facts;
  try {
    facts = await cloud.aml.getWorkspace({ resourceGroup: parts.resourceGroup, workspace: parts.name });
  } catch (error) {
    if (error instanceof CloudError && error.details.status === 404) throw new FieldError("invalid_input", { armId: `workspace ${parts.name} was not found in resource group ${parts.resourceGroup}` });
    throw cloudUnavailable(error, `read workspace ${parts.name}`);
  }
  // ARM answers with the id as it spells it; that spelling is the one stored and compared.
  if (facts.id) await assertNotRegistered(db, facts.id);
  const assessment = assessPrivateBuild(facts);
  // The range keeps new workspaces from overlapping this one; a network Feedgate may not read
  // (say, a hub in another subscription) is a warning, not a reason to refuse the workspace.
  const subnetId = facts.privateEndpoints.find((p) => p.subnetId)?.subnetId;
  let addressSpace: string[] = [];
  if (subnetId) {
    try {
      addressSpace = (await cloud.arm.getVirtualNetworkAddressSpace(subnetId)) ?? [];
    } catch (error) {
      if (!(error instanceof CloudError)) throw error;
      assessment.warnings.push(`Feedgate could not read the address space of the private endpoint's virtual network (${error.message}), so new workspaces are not kept from overlapping it.`);
    }
  }
  const created = await db
    .$transaction(async (tx) => {
    const ws = await tx.workspace.create({
      data: {
        teamId: team.id,
        armId: facts.id || input.armId,
        name: parts.name,
        subscriptionId: cloud.subscriptionId,
        resourceGroup: parts.resourceGroup,
        region: facts.location,
        publicNetworkAccess: facts.publicNetworkAccess ?? "Enabled",
        network: { addressSpace, privateEndpoints: facts.privateEndpoints },
        imageBuildCompute: facts.imageBuildCompute ?? null,
        containerRegistryId: facts.containerRegistry ?? null,
        storageAccountId: facts.storageAccount ?? null,
        status: "REGISTERED",
        lastSeenAt: new Date(),
      },
    });
    await recordAuditEvent(tx, {
      actorOid: actor.oid,
      actorName: actor.name,
      action: "workspace.registered",
      targetType: "workspace",
      targetId: ws.id,
      teamId: team.id,
      before: null,
      after: { armId: ws.armId, team: team.name, region: ws.region, publicNetworkAccess: ws.publicNetworkAccess, warnings: assessment.warnings },
      correlationId,
    });
    return ws;
  })
    .catch(async (error: unknown) => {
      // Two admins registering it at once: the unique armId decides, the other gets the conflict.
      if (isUniqueViolation(error)) await assertNotRegistered(db, facts.id || input.armId);
      throw error;
    });
  return { id: created.id, armId: created.armId, name: created.name, teamId: created.teamId, region: created.region, status: created.status, warnings: assessment.warnings };
}

/** ARM ids are case-insensitive and the column is not: compare them lower-cased, within the subscription. */
async function assertNotRegistered(db: PrismaClient, armId: string) {
  const subscriptionId = parseWorkspaceArmId(armId)?.subscriptionId ?? "";
  const inSubscription = await db.workspace.findMany({ where: { OR: [{ armId }, { subscriptionId: { in: [subscriptionId, subscriptionId.toUpperCase()] } }] }, select: { name: true, armId: true, team: { select: { name: true } } }, take: 5000 });
  const same = inSubscription.find((w) => w.armId.toLowerCase() === armId.toLowerCase());
  if (same) throw new FieldError("conflict", { armId: `workspace ${same.name} is already registered to ${same.team.name}` });
}

export interface AdminWorkspaceView {
  id: string;
  armId: string;
  name: string;
  resourceGroup: string;
  region: string;
  teamId: string;
  teamName: string;
  status: string;
  lastSeenAt: string | null;
  warnings: string[];
}

/** Every workspace Feedgate knows (registered or deployed by it), newest first, with what a private build would trip over. */
export async function listRegisteredWorkspaces(db: PrismaClient, actor: ActingUser): Promise<AdminWorkspaceView[]> {
  requireRole(actor, "Feedgate.Admin");
  const rows = await db.workspace.findMany({ orderBy: [{ status: "asc" }, { name: "asc" }], take: 1000, include: { team: { select: { name: true } } } });
  return rows.map((w) => ({
    id: w.id,
    armId: w.armId,
    name: w.name,
    resourceGroup: w.resourceGroup,
    region: w.region,
    teamId: w.teamId,
    teamName: w.team.name,
    status: w.status,
    lastSeenAt: w.lastSeenAt?.toISOString() ?? null,
    warnings: assessPrivateBuild({
      publicNetworkAccess: w.publicNetworkAccess,
      privateEndpoints: storedPrivateEndpoints(w.network),
      imageBuildCompute: w.imageBuildCompute ?? undefined,
      storageAccount: w.storageAccountId ?? undefined,
      containerRegistry: w.containerRegistryId ?? undefined,
    }).warnings,
  }));
}

function storedPrivateEndpoints(network: unknown): { id: string; status?: string }[] {
  const list = (network as { privateEndpoints?: unknown } | null)?.privateEndpoints;
  if (!Array.isArray(list)) return [];
  return list.flatMap((p) => (p && typeof p === "object" && typeof (p as { id?: unknown }).id === "string" ? [{ id: (p as { id: string }).id, status: typeof (p as { status?: unknown }).status === "string" ? (p as { status: string }).status : undefined }] : []));
}
