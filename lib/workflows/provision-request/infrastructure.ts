/**
 * Step 1, infrastructure: the workspace (registered, or a network-isolated one deployed from
 * the template) and the feed host (registered, an Azure Artifacts organisation, or a Nexus VM
 * deployed beside the workspace). Each row it registers is checkpointed at once, so a resumed
 * step reuses it instead of deploying again.
 */
import "server-only";
import type { FeedHost, Workspace } from "@/generated/prisma/client";
import { readJsonColumn, workspaceNetworkSchema } from "@/lib/db/json-columns";
import { planSubnets } from "@/lib/infra/plan-subnets";
import networkIsolatedWorkspace from "@/lib/infra/templates/network-isolated-workspace.json";
import nexusHost from "@/lib/infra/templates/nexus-host.json";
import { PermanentStepError } from "@/lib/jobs/job-errors";
import { transitionRequest } from "@/lib/request-state/transition";
import type { FeedRequestPayload } from "@/lib/validation/feed-request";
import { loadRequest, type Ctx, type ProvisionDeps } from "./context";
import { followDeployment, outputValue } from "./follow-deployment";
import { infraCheckpointSchema, readStored, toStored, type InfraCheckpoint, type InfraResult } from "./schema";

type Request = Awaited<ReturnType<typeof loadRequest>>["request"];
type Step<T> = { waiting: ReturnType<Ctx["waitFor"]>; value?: undefined } | { waiting?: undefined; value: T };

export async function runInfrastructure(deps: ProvisionDeps, ctx: Ctx): Promise<InfraResult | ReturnType<Ctx["waitFor"]>> {
  const { request, payload } = await loadRequest(deps.db, ctx);
  // Usually start.ts moved it already; a job that starts first moves it itself.
  await transitionRequest(deps.db, request.id, ["APPROVED"], "PROVISIONING", null);
  const saved = readStored(infraCheckpointSchema, ctx.saved, "infrastructure checkpoint");
  const workspace = await resolveWorkspace(deps, ctx, saved, request, payload);
  if (workspace.waiting) return workspace.waiting;
  const host = await resolveFeedHost(deps, ctx, saved, request, payload, workspace.value);
  if (host.waiting) return host.waiting;
  return { workspaceId: workspace.value.id, hostId: host.value.id };
}

async function resolveWorkspace(deps: ProvisionDeps, ctx: Ctx, saved: InfraCheckpoint, request: Request, payload: FeedRequestPayload): Promise<Step<Workspace>> {
  const { db, cloud } = deps;
  if (payload.workspace.mode === "existing") {
    const found = await db.workspace.findFirst({ where: { id: payload.workspace.workspaceId, teamId: request.teamId } });
    if (!found) throw new PermanentStepError("The chosen workspace is not registered to this team any more.");
    if (found.status === "MISSING") throw new PermanentStepError(`Workspace ${found.name} is no longer found in Azure; an admin sees it as missing. Pick another workspace, or ask an admin to check it.`, { code: "workspace_missing" });
    return { value: found };
  }
  if (saved.workspaceId) return { value: await db.workspace.findUniqueOrThrow({ where: { id: saved.workspaceId } }) };
  const choice = payload.workspace;
  const resourceGroup = `rg-feedgate-${choice.namePrefix}`;
  const subnets = planSubnets(choice.addressSpace);
  const outcome = await followDeployment(deps, ctx, saved, "workspace", {
    requestId: request.id,
    resourceGroup,
    location: choice.region,
    name: `feedgate-ws-${request.id}`.slice(0, 64),
    template: networkIsolatedWorkspace,
    templateName: "network-isolated-workspace",
    parameters: { prefix: choice.namePrefix, location: choice.region, tags: { "feedgate-request": request.id }, ...subnets },
  });
  if (outcome.waiting) return { waiting: outcome.waiting };
  const name = String(outputValue(outcome.outputs, "workspaceName"));
  const facts = await cloud.aml.getWorkspace({ resourceGroup, workspace: name });
  const workspace = await db.workspace.upsert({
    where: { armId: facts.id },
    update: {},
    create: {
      teamId: request.teamId,
      armId: facts.id,
      name,
      subscriptionId: cloud.subscriptionId,
      resourceGroup,
      region: choice.region,
      publicNetworkAccess: facts.publicNetworkAccess ?? "Disabled",
      network: {
        addressSpace: [choice.addressSpace],
        subnets: [
          { name: "snet-training", addressPrefix: subnets.trainingSubnetPrefix },
          { name: "snet-scoring", addressPrefix: subnets.scoringSubnetPrefix },
        ],
        trainingSubnetId: String(outputValue(outcome.outputs, "trainingSubnetId")),
        privateEndpoints: facts.privateEndpoints,
      },
      imageBuildCompute: facts.imageBuildCompute,
      containerRegistryId: facts.containerRegistry,
      storageAccountId: facts.storageAccount,
      status: "REGISTERED",
    },
  });
  saved.workspaceId = workspace.id;
  await ctx.checkpoint(toStored(saved));
  await ctx.event("workspace.ready", `Workspace ${name} is deployed and registered.`, { workspace: name });
  return { value: workspace };
}

async function resolveFeedHost(deps: ProvisionDeps, ctx: Ctx, saved: InfraCheckpoint, request: Request, payload: FeedRequestPayload, workspace: Workspace): Promise<Step<FeedHost>> {
  const { db, cloud } = deps;
  if (payload.feedHost.mode === "existing") {
    const found = await db.feedHost.findFirst({ where: { id: payload.feedHost.hostId } });
    if (!found || found.status === "PROVISIONING") throw new PermanentStepError("The chosen feed host is not active any more; pick another one.");
    return { value: takesNewFeeds(found) };
  }
  if (saved.hostId) return { value: takesNewFeeds(await db.feedHost.findUniqueOrThrow({ where: { id: saved.hostId } })) };
  if (payload.feedHost.mode === "artifacts") {
    const { organization, project } = payload.feedHost;
    const target = cloud.artifactsHost();
    const name = `artifacts-${organization}-${project}`.toLowerCase();
    const host = await db.feedHost.upsert({
      where: { name },
      update: {},
      create: { name, kind: "artifacts", baseUrl: target.baseUrl, credentialRef: target.credentialRef, organization, project },
    });
    takesNewFeeds(host);
    saved.hostId = host.id;
    await ctx.checkpoint(toStored(saved));
    return { value: host };
  }
  return deployNexusHost(deps, ctx, saved, request, workspace);
}

async function deployNexusHost(deps: ProvisionDeps, ctx: Ctx, saved: InfraCheckpoint, request: Request, workspace: Workspace): Promise<Step<FeedHost>> {
  const { db, cloud } = deps;
  const network = readJsonColumn(workspaceNetworkSchema, workspace.network, { addressSpace: [], trainingSubnetId: undefined });
  if (!network.trainingSubnetId) throw new PermanentStepError(`Workspace ${workspace.name} has no recorded training subnet, so a Nexus VM cannot be placed; pick an existing feed host.`);
  const prefix = `${request.team.slug.replace(/[^a-z0-9]/g, "").slice(0, 6)}nx`;
  const outcome = await followDeployment(deps, ctx, saved, "nexus", {
    requestId: request.id,
    resourceGroup: workspace.resourceGroup,
    location: workspace.region,
    name: `feedgate-nexus-${request.id}`.slice(0, 64),
    template: nexusHost,
    templateName: "nexus-host",
    parameters: { prefix, location: workspace.region, subnetId: network.trainingSubnetId, adminSshPublicKey: deps.nexusVmSshPublicKey ?? "" },
  });
  if (outcome.waiting) return { waiting: outcome.waiting };
  const ip = String(outputValue(outcome.outputs, "privateIp"));
  const target = cloud.deployedNexus(ip);
  const name = `nexus-${prefix}-${workspace.name}`.slice(0, 80);
  const host = await db.feedHost.upsert({
    where: { name },
    update: {},
    create: { name, kind: "nexus", baseUrl: target.baseUrl, credentialRef: target.credentialRef },
  });
  saved.hostId = host.id;
  await ctx.checkpoint(toStored(saved));
  await ctx.event("feed-host.ready", `Nexus VM is deployed at ${ip}.`, { host: host.name });
  return { value: host };
}

/**
 * A disabled host takes no new feed: refused here when the step picks it, and again by feed
 * registration when it was disabled in between. Feeds already on it (re-checks, config
 * downloads, builds) never come through either.
 */
function takesNewFeeds(host: FeedHost): FeedHost {
  if (host.status === "DISABLED") throw new PermanentStepError(`Feed host ${host.name} was disabled by an admin; choose another host and retry.`, { code: "feed_host_disabled" });
  return host;
}
