import "server-only";
import type { ActingUser } from "@/lib/auth/acting-user";
import { requireRole } from "@/lib/auth/require-role";
import type { PrismaClient } from "@/lib/db/client";
import { BASE_IMAGES } from "@/lib/validation/base-images";
import { AZURE_REGIONS } from "@/lib/validation/feed-request";
import { addressSpacesOf } from "./validate-request";

/** What the wizard offers: the user's teams and their workspaces, active hosts, approved upstreams. */
export async function getWizardOptions(db: PrismaClient, actor: ActingUser) {
  requireRole(actor, "Feedgate.Requester");
  const [teams, workspaces, allNetworks, hosts, upstreams] = await Promise.all([
    db.team.findMany({ where: { id: { in: actor.teamIds } }, select: { id: true, slug: true, name: true }, orderBy: { name: "asc" } }),
    db.workspace.findMany({ where: { teamId: { in: actor.teamIds }, status: "REGISTERED" }, select: { id: true, teamId: true, name: true, region: true, network: true }, orderBy: { name: "asc" } }),
    db.workspace.findMany({ select: { teamId: true, name: true, network: true }, take: 1000 }),
    db.feedHost.findMany({ where: { status: "ACTIVE" }, select: { id: true, name: true, kind: true }, orderBy: { name: "asc" } }),
    db.upstreamSource.findMany({ where: { status: "approved" }, select: { id: true, name: true, kind: true, url: true }, orderBy: [{ kind: "asc" }, { name: "asc" }] }),
  ]);
  return {
    teams,
    workspaces: workspaces.map((w) => ({ id: w.id, teamId: w.teamId, name: w.name, region: w.region, addressSpaces: addressSpacesOf(w.network) })),
    // Other teams' ranges without their names: enough for the overlap hint, nothing more.
    takenRanges: allNetworks.flatMap((w) => addressSpacesOf(w.network).map((range) => ({ range, label: actor.teamIds.includes(w.teamId) ? `workspace ${w.name}` : "another team's workspace" }))),
    hosts,
    upstreams,
    baseImages: BASE_IMAGES.map((b) => ({ id: b.id as string, label: b.label })),
    regions: [...AZURE_REGIONS] as string[],
  };
}
export type WizardOptions = Awaited<ReturnType<typeof getWizardOptions>>;
