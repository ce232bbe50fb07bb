import "server-only";
import type { PrismaClient } from "@/lib/db/client";
import { renderCondarc, renderDockerfile, renderPipConf, renderSetupScript, type FeedClient } from "@/lib/feed-config/render";
import { planSubnets } from "@/lib/infra/plan-subnets";
import type { FeedRequestPayload } from "@/lib/validation/feed-request";
import { toRepositoryName } from "@/lib/validation/names";

export interface RequestPreview {
  armDeployments: { template: string; resourceGroup: string; parameters: string }[];
  repositories: { name: string; kind: "pypi" | "conda"; upstream: string; url: string; proposed: boolean }[];
  pipConf: string;
  condarc: string;
  setupScript: string;
  dockerfiles: { environment: string; dockerfile: string }[];
  notes: string[];
}

/**
 * Exactly what provisioning would create for a validated payload: the ARM parameters the job
 * passes (see provision-request-job runInfrastructure), the repository names it derives, and
 * the client files rendered by the same generators the feed catalog uses. Reads only.
 */
export async function buildRequestPreview(db: PrismaClient, payload: FeedRequestPayload): Promise<RequestPreview> {
  const team = await db.team.findUniqueOrThrow({ where: { id: payload.teamId }, select: { slug: true } });
  const notes: string[] = [];
  const armDeployments: RequestPreview["armDeployments"] = [];
  const requestRef = "<request id>";

  let region: string;
  if (payload.workspace.mode === "new") {
    const w = payload.workspace;
    region = w.region;
    armDeployments.push({
      template: "network-isolated-workspace",
      resourceGroup: `rg-feedgate-${w.namePrefix}`,
      parameters: json({ prefix: w.namePrefix, location: w.region, tags: { "feedgate-request": requestRef }, ...planSubnets(w.addressSpace) }),
    });
  } else {
    const w = await db.workspace.findUniqueOrThrow({ where: { id: payload.workspace.workspaceId }, select: { name: true, region: true } });
    region = w.region;
    notes.push(`Workspace ${w.name} is already registered: no workspace deployment.`);
  }

  let baseUrl: string;
  let hostKind: "nexus" | "artifacts" = "nexus";
  let artifacts: { organization: string; project: string } | null = null;
  if (payload.feedHost.mode === "existing") {
    const host = await db.feedHost.findUniqueOrThrow({ where: { id: payload.feedHost.hostId }, select: { name: true, kind: true, baseUrl: true, organization: true, project: true } });
    baseUrl = host.baseUrl.replace(/\/+$/, "");
    hostKind = host.kind;
    if (host.kind === "artifacts") artifacts = { organization: host.organization ?? "organization", project: host.project ?? "project" };
    notes.push(`Feed host ${host.name} already runs: repositories are added to it.`);
  } else if (payload.feedHost.mode === "artifacts") {
    hostKind = "artifacts";
    artifacts = { organization: payload.feedHost.organization, project: payload.feedHost.project };
    baseUrl = "https://pkgs.dev.azure.com";
  } else {
    const prefix = `${team.slug.replace(/[^a-z0-9]/g, "").slice(0, 6)}nx`;
    baseUrl = "http://nexus-vm:8081";
    armDeployments.push({
      template: "nexus-host",
      resourceGroup: payload.workspace.mode === "new" ? `rg-feedgate-${payload.workspace.namePrefix}` : "(the workspace's resource group)",
      parameters: json({ prefix, location: region, subnetId: "(the new workspace's training subnet)", adminSshPublicKey: "(the platform's SSH key)" }),
    });
    notes.push("The Nexus VM's private IP is known once it is deployed; URLs below show nexus-vm in its place.");
  }

  const found = await db.upstreamSource.findMany({ where: { id: { in: payload.upstreamIds } }, select: { id: true, name: true, kind: true } });
  // In the request's order: the order the team's PyPI group asks its members in.
  const picked = payload.upstreamIds.flatMap((id) => found.filter((u) => u.id === id));
  const upstreams = [...picked.map((u) => ({ name: u.name, kind: u.kind, proposed: false })), ...payload.proposedUpstreams.map((u) => ({ name: u.name, kind: u.kind, proposed: true }))];
  const repositories: RequestPreview["repositories"] = [];
  if (hostKind === "nexus") {
    for (const u of upstreams) {
      const name = toRepositoryName(team.slug, u.name, u.kind);
      const url = u.kind === "pypi" ? `${baseUrl}/repository/${name}/simple/` : `${baseUrl}/repository/${name}/`;
      repositories.push({ name, kind: u.kind, upstream: u.name, url, proposed: u.proposed });
    }
  } else {
    const name = toRepositoryName(team.slug, "feed");
    const org = artifacts?.organization ?? "organization";
    const project = artifacts?.project ?? "project";
    const url = `${baseUrl}/${org}/${project}/_packaging/${name}/pypi/simple/`;
    for (const u of upstreams.filter((x) => x.kind === "pypi")) repositories.push({ name, kind: "pypi", upstream: u.name, url, proposed: u.proposed });
    notes.push("Azure Artifacts serves one feed with every PyPI upstream behind it, and no conda.");
  }
  if (upstreams.some((u) => u.proposed)) notes.push("Proposed upstreams go to an approver first; the request waits until they are decided.");

  // Nexus: pip asks the team's one PyPI group (its proxies as members, in order), never a proxy itself.
  const groupUrl = hostKind === "nexus" ? `${baseUrl}/repository/${toRepositoryName(team.slug, "pypi-group")}/simple/` : undefined;
  if (groupUrl && repositories.filter((r) => r.kind === "pypi").length > 1) notes.push("pip asks the team's PyPI group, whose members answer in the order listed: the first that has a package serves it.");
  const pipIndexUrl = repositories.some((r) => r.kind === "pypi") ? (groupUrl ?? repositories.find((r) => r.kind === "pypi")?.url) : undefined;
  if (!pipIndexUrl) throw new Error("a validated request always has a PyPI upstream");
  const feed: FeedClient = { pipIndexUrl, condaChannelUrls: repositories.filter((r) => r.kind === "conda").map((r) => r.url) };
  return {
    armDeployments,
    repositories,
    pipConf: renderPipConf(feed),
    condarc: renderCondarc(feed),
    setupScript: renderSetupScript(feed),
    dockerfiles: payload.environments.map((e) => ({ environment: e.name, dockerfile: renderDockerfile({ baseImage: e.baseImage, conda: e.conda, pip: e.pip }, feed) })),
    notes,
  };
}

function json(value: unknown): string {
  return JSON.stringify(value, null, 2);
}
