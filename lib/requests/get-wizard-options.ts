import "server-only";
import type { ActingUser } from "@/lib/auth/acting-user";
import { requireRole } from "@/lib/auth/require-role";
import type { PrismaClient } from "@/lib/db/client";
import { BASE_IMAGES } from "@/lib/validation/base-images";
import { AZURE_REGIONS } from "@/lib/validation/feed-request";
import { AddressPoolExhaustedError, allocateAddressSpace } from "@/lib/teams/address-pool";
import { addressSpacesOf } from "./validate-request";

/** What the wizard offers: the user's teams and their workspaces, active hosts, approved upstreams. */
export async function getWizardOptions(db: PrismaClient, actor: ActingUser) {
  requireRole(actor, "Feedgate.Requester");
  const [teams, workspaces, allNetworks, hosts, upstreams] = await Promise.all([
    db.team.findMany({ where: { id: { in: actor.teamIds } }, select: { id: true, slug: true, name: true, defaultRegion: true, addressPool: true }, orderBy: { name: "asc" } }),
    db.workspace.findMany({ where: { teamId: { in: actor.teamIds }, status: "REGISTERED" }, select: { id: true, teamId: true, name: true, region: true, network: true }, orderBy: { name: "asc" } }),
    db.workspace.findMany({ select: { teamId: true, name: true, network: true }, take: 1000 }),
    db.feedHost.findMany({ where: { status: "ACTIVE" }, select: { id: true, name: true, kind: true }, orderBy: { name: "asc" } }),
    db.upstreamSource.findMany({ where: { status: "approved" }, select: { id: true, name: true, kind: true, url: true }, orderBy: [{ kind: "asc" }, { name: "asc" }] }),
  ]);
  const usedRanges = allNetworks.flatMap((w) => addressSpacesOf(w.network));
  return {
    // Each team's defaults for a new workspace: its region, and the next range of its pool that
    // overlaps no workspace Feedgate knows (a /23: the two /24 subnets the template needs).
    teams: teams.map(({ addressPool, ...t }) => ({ ...t, suggestedAddressSpace: addressPool ? nextFreeRange(addressPool, usedRanges) : null })),
    workspaces: workspaces.map((w) => ({ id: w.id, teamId: w.teamId, name: w.name, region: w.region, addressSpaces: addressSpacesOf(w.network) })),
    // Other teams' ranges without their names: enough for the overlap hint, nothing more.
    takenRanges: allNetworks.flatMap((w) => addressSpacesOf(w.network).map((range) => ({ range, label: actor.teamIds.includes(w.teamId) ? `workspace ${w.name}` : "another team's workspace" }))),
    hosts,
    upstreams,
    baseImages: BASE_IMAGES.map((b) => ({ id: b.id as string, label: b.label })),
    regions: [...AZURE_REGIONS] as string[],
  };
}
function nextFreeRange(pool: string, used: string[]): string | null {
  try {
    return allocateAddressSpace(pool, used, 23);
  } catch (error) {
    if (error instanceof AddressPoolExhaustedError) return null;
    throw error;
  }
}

export type WizardOptions = Awaited<ReturnType<typeof getWizardOptions>>;
