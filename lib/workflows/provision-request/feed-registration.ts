/**
 * Step 2, feed registration: one proxy repository per approved upstream on Nexus, with the
 * feed's routing rules, and one PyPI group repository whose members are the PyPI proxies in the
 * request's order: pip is pointed at the group only, never at extra indexes (or one Azure
 * Artifacts feed with the PyPI upstreams, and the workspace connection its image builds
 * authenticate with: workspace-connection.ts), recorded on the team's Feed row for the catalog.
 * Creating a repository that exists is a no-op, so a resumed step simply repeats.
 */
import "server-only";
import { budgetedNexus } from "@/lib/workflows/nexus-read-budget";
import type { FeedHost, UpstreamSource } from "@/generated/prisma/client";
import type { FeedRepository } from "@/lib/db/json-columns";
import { setFeedStatus } from "@/lib/feed-state/transition";
import { PermanentStepError } from "@/lib/jobs/job-errors";
import { toRepositoryName } from "@/lib/validation/names";
import { applyNexusPolicy, loadDesiredPolicy } from "@/lib/workflows/sync-feed-policy/feed-policy";
import { loadRequest, type Ctx, type ProvisionDeps } from "./context";
import { infraResultSchema, readStored, type RegistrationResult } from "./schema";
import { connectWorkspaceToFeed } from "./workspace-connection";

type Team = { slug: string; name: string };
interface Registered {
  repositories: FeedRepository[];
  pipIndexUrl?: string;
  condaChannelUrls: string[];
}

export async function runFeedRegistration(deps: ProvisionDeps, ctx: Ctx): Promise<RegistrationResult> {
  const { db } = deps;
  const { request } = await loadRequest(db, ctx);
  const infra = readStored(infraResultSchema, ctx.results.infrastructure, "infrastructure result");
  const host = await db.feedHost.findUniqueOrThrow({ where: { id: infra.hostId } });
  // Disabled after the request picked it: a feed already registered there keeps working (this may
  // be a resumed step), but no new feed is added to it.
  if (host.status === "DISABLED") {
    const existing = await db.feed.findFirst({ where: { teamId: request.teamId, hostId: host.id, name: toRepositoryName(request.team.slug, host.name) }, select: { id: true } });
    if (!existing) throw new PermanentStepError(`Feed host ${host.name} was disabled by an admin after this request picked it; ask for another host and retry.`, { code: "feed_host_disabled" });
  }
  // The order the request listed (and the approver saw) is the order the group asks its members in.
  const found = await db.upstreamSource.findMany({ where: { id: { in: ctx.payload.upstreamIds } } });
  const upstreams = ctx.payload.upstreamIds.flatMap((id) => found.filter((u) => u.id === id));
  const notApproved = upstreams.filter((u) => u.status !== "approved");
  if (upstreams.length !== ctx.payload.upstreamIds.length || notApproved.length) {
    throw new PermanentStepError(`Upstream ${notApproved.map((u) => u.name).join(", ") || "source"} is no longer approved; the feed cannot proxy it.`, { code: "upstream_not_approved" });
  }
  const { repositories, pipIndexUrl, condaChannelUrls } = host.kind === "nexus" ? await registerOnNexus(deps, ctx, host, request.team, upstreams) : await registerOnArtifacts(deps, ctx, host, request.team, upstreams);
  if (!pipIndexUrl) throw new PermanentStepError("The request has no PyPI upstream: pip needs one index. Add pypi.org or another PyPI upstream.");

  const feedName = toRepositoryName(request.team.slug, host.name);
  const groupRepository = host.kind === "nexus" ? toRepositoryName(request.team.slug, "pypi-group") : null;
  const feed = await db.feed.upsert({
    where: { teamId_name: { teamId: request.teamId, name: feedName } },
    update: { repositories, pipIndexUrl, groupRepository, condaChannelUrl: condaChannelUrls[0] ?? null, workspaceId: infra.workspaceId },
    create: { teamId: request.teamId, hostId: host.id, workspaceId: infra.workspaceId, name: feedName, repositories, pipIndexUrl, groupRepository, condaChannelUrl: condaChannelUrls[0] ?? null, status: "PROVISIONING" },
  });
  await setFeedStatus(db, feed.id, ["PENDING", "PROVISIONING", "READY", "DEGRADED"], "PROVISIONING");
  for (const [position, r] of repositories.entries()) {
    await db.feedUpstream.upsert({
      where: { feedId_upstreamId: { feedId: feed.id, upstreamId: r.upstreamId } },
      update: { repository: r.name, position },
      create: { feedId: feed.id, upstreamId: r.upstreamId, repository: r.name, position },
    });
  }
  await db.feedRequest.update({ where: { id: request.id }, data: { feedId: feed.id } });
  if (host.kind === "nexus") {
    // Progress, so a worker lost from here on resumes with a fresh count of attempts (all repeats are no-ops).
    await ctx.checkpoint({ feedId: feed.id, proxies: repositories.length });
    const groupIndexUrl = await applyFeedPolicy(deps, ctx, host, feed.id);
    await db.feed.update({ where: { id: feed.id }, data: { pipIndexUrl: groupIndexUrl } });
    return { feedId: feed.id, pipIndexUrl: groupIndexUrl, condaChannelUrls };
  }
  const workspace = await db.workspace.findUniqueOrThrow({ where: { id: infra.workspaceId } });
  const connection = await connectWorkspaceToFeed(deps, ctx, { workspace, host, feedName, pipIndexUrl });
  return { feedId: feed.id, pipIndexUrl, condaChannelUrls, connection };
}

async function registerOnNexus(deps: ProvisionDeps, ctx: Ctx, host: FeedHost, team: Team, upstreams: UpstreamSource[]): Promise<Registered> {
  const nexus = await budgetedNexus(deps, host, ctx.signal);
  if ((await nexus.ensureAnonymousRead()).changed) await ctx.event("nexus.anonymous", "Enabled anonymous read on Nexus, as clients in the network install without credentials.");
  const out: Registered = { repositories: [], condaChannelUrls: [] };
  for (const u of upstreams) {
    const name = toRepositoryName(team.slug, u.name, u.kind);
    const { created, repository } = await nexus.ensureProxy({ name, format: u.kind, remoteUrl: u.url });
    const base = repository.url.replace(/\/+$/, "");
    const url = u.kind === "pypi" ? `${base}/simple/` : `${base}/`;
    out.repositories.push({ name, format: u.kind, upstreamId: u.id, url });
    // pip gets the team's group, never a proxy of its own: /repository/<group>/simple/ beside the proxies.
    if (u.kind === "pypi") out.pipIndexUrl ??= `${base.replace(/\/[^/]+$/, "")}/${toRepositoryName(team.slug, "pypi-group")}/simple/`;
    else out.condaChannelUrls.push(url);
    await ctx.event(created ? "repository.created" : "repository.exists", `${u.kind} proxy ${name} ${created ? "created" : "already present"} for ${u.name}.`, { repository: name });
  }
  return out;
}

/** Routing rules, proxies' rules and the group; resolves the group's pip index URL. */
async function applyFeedPolicy(deps: ProvisionDeps, ctx: Ctx, host: FeedHost, feedId: string): Promise<string> {
  const nexus = await budgetedNexus(deps, host, ctx.signal);
  const { desired } = await loadDesiredPolicy(deps.db, feedId);
  const changes = await applyNexusPolicy(nexus, desired);
  if (changes.length) await ctx.event("policy.applied", changes.join(" "), { feedId });
  const group = desired.groupName ? await nexus.getPypiGroup(desired.groupName) : undefined;
  if (!group) throw new PermanentStepError("The feed has no PyPI proxy to put in its group: pip needs one index. Add pypi.org or another PyPI upstream.");
  return `${group.url.replace(/\/+$/, "")}/simple/`;
}

async function registerOnArtifacts(deps: ProvisionDeps, ctx: Ctx, host: FeedHost, team: Team, upstreams: UpstreamSource[]): Promise<Registered> {
  const artifacts = await deps.cloud.artifactsFor(host);
  const pypi = upstreams.filter((u) => u.kind === "pypi");
  const name = toRepositoryName(team.slug, "feed");
  const { created } = await artifacts.ensureFeed({ name, description: `Feedgate feed for ${team.name}`, upstreams: pypi.map((u) => ({ name: u.name, location: u.url })) });
  const pipIndexUrl = artifacts.pipIndexUrl(name);
  await ctx.event(created ? "feed.created" : "feed.exists", `Azure Artifacts feed ${name} ${created ? "created" : "already present"}.`, { feed: name });
  return { repositories: pypi.map((u) => ({ name, format: "pypi" as const, upstreamId: u.id, url: pipIndexUrl })), pipIndexUrl, condaChannelUrls: [] };
}
