/**
 * The workflow that replaces the runbook: an approved feed request becomes infrastructure,
 * proxy repositories, a checked feed and built environment images. Each step records what
 * it started (deployment name, repositories, environment version, build status location)
 * before it waits, so a worker that dies resumes without repeating a side effect.
 */
import "server-only";
import { createHash } from "node:crypto";
import { z } from "zod";
import type { FeedHost, Workspace } from "@/generated/prisma/client";
import { classifyBuildFailure } from "@/lib/builds/classify-build-failure";
import { appendBuildLog } from "@/lib/builds/build-log";
import { CloudError } from "@/lib/cloud/cloud-error";
import { CredentialReferenceError } from "@/lib/cloud/credentials";
import type { PrismaClient } from "@/lib/db/client";
import { renderCondaYml, renderDockerfile, renderRequirementsTxt, type FeedClient } from "@/lib/feed-config/render";
import networkIsolatedWorkspace from "@/lib/infra/templates/network-isolated-workspace.json";
import nexusHost from "@/lib/infra/templates/nexus-host.json";
import { defineJob, type JsonValue, type StepContext } from "@/lib/jobs/define-job";
import { PermanentStepError, RetryableStepError } from "@/lib/jobs/job-errors";
import { toRepositoryName } from "@/lib/validation/names";
import { feedRequestSchema, type FeedRequestPayload } from "@/lib/validation/feed-request";
import type { Cloud } from "./cloud";
import { planSubnets } from "./plan-subnets";

export const PROVISION_REQUEST_KIND = "provision-request";

export const provisionPayloadSchema = z.object({
  requestId: z.string().min(1),
  /** Approved upstream ids, fixed when the job was enqueued (proposals resolved). */
  upstreamIds: z.array(z.string()).min(1),
});
export type ProvisionPayload = z.infer<typeof provisionPayloadSchema>;

export interface ProvisionOptions {
  db: PrismaClient;
  cloud: Cloud;
  /** How long to wait between polls of ARM and the build (ms). */
  pollMs?: number;
  /** SSH key for Nexus VMs Feedgate deploys. */
  nexusVmSshPublicKey?: string;
  location?: string;
}

type Ctx = StepContext<ProvisionPayload>;

export function createProvisionRequestJob(options: ProvisionOptions) {
  const { db, cloud } = options;
  const pollMs = options.pollMs ?? 2000;

  const loadRequest = async (ctx: Ctx) => {
    const request = await db.feedRequest.findUnique({ where: { id: ctx.payload.requestId }, include: { team: true } });
    if (!request) throw new PermanentStepError("The request no longer exists.");
    const parsed = feedRequestSchema.safeParse(request.payload);
    if (!parsed.success) throw new PermanentStepError("The stored request does not pass validation any more; submit it again.");
    return { request, payload: parsed.data };
  };

  return defineJob<ProvisionPayload>({
    kind: PROVISION_REQUEST_KIND,
    payload: provisionPayloadSchema,
    steps: [
      {
        name: "infrastructure",
        maxAttempts: 6,
        run: (ctx) => guard(ctx, () => runInfrastructure(ctx)),
      },
      {
        name: "feed-registration",
        maxAttempts: 6,
        run: (ctx) => guard(ctx, () => runFeedRegistration(ctx)),
      },
      {
        name: "preflight",
        maxAttempts: 4,
        run: (ctx) => guard(ctx, () => runPreflight(ctx)),
      },
      {
        name: "environment-build",
        maxAttempts: 6,
        run: (ctx) => guard(ctx, () => runEnvironmentBuilds(ctx)),
      },
    ],
  });

  // ───────────────────────── 1. infrastructure ─────────────────────────

  async function runInfrastructure(ctx: Ctx) {
    const { request, payload } = await loadRequest(ctx);
    await db.feedRequest.updateMany({ where: { id: request.id, status: { in: ["APPROVED", "FAILED"] } }, data: { status: "PROVISIONING", statusReason: null } });
    const saved = (ctx.saved ?? {}) as InfraCheckpoint;

    let workspace: Workspace;
    if (payload.workspace.mode === "existing") {
      const found = await db.workspace.findFirst({ where: { id: payload.workspace.workspaceId, teamId: request.teamId } });
      if (!found) throw new PermanentStepError("The chosen workspace is not registered to this team any more.");
      workspace = found;
    } else if (saved.workspaceId) {
      workspace = await db.workspace.findUniqueOrThrow({ where: { id: saved.workspaceId } });
    } else {
      const choice = payload.workspace;
      const resourceGroup = `rg-feedgate-${choice.namePrefix}`;
      const subnets = planSubnets(choice.addressSpace);
      const outcome = await followDeployment(ctx, saved, "workspace", {
        requestId: request.id,
        resourceGroup,
        location: choice.region,
        name: `feedgate-ws-${request.id}`.slice(0, 64),
        template: networkIsolatedWorkspace,
        templateName: "network-isolated-workspace",
        parameters: { prefix: choice.namePrefix, location: choice.region, tags: { "feedgate-request": request.id }, ...subnets },
      });
      if (outcome.waiting) return outcome.waiting;
      const name = String(outputValue(outcome.outputs, "workspaceName"));
      const facts = await cloud.aml.getWorkspace({ resourceGroup, workspace: name });
      workspace = await db.workspace.upsert({
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
          network: { addressSpace: [choice.addressSpace], subnets: [{ name: "snet-training", addressPrefix: subnets.trainingSubnetPrefix }, { name: "snet-scoring", addressPrefix: subnets.scoringSubnetPrefix }], trainingSubnetId: String(outputValue(outcome.outputs, "trainingSubnetId")), privateEndpoints: facts.privateEndpoints },
          imageBuildCompute: facts.imageBuildCompute,
          containerRegistryId: facts.containerRegistry,
          storageAccountId: facts.storageAccount,
          status: "REGISTERED",
        },
      });
      saved.workspaceId = workspace.id;
      await ctx.checkpoint(saved as JsonValue);
      await ctx.event("workspace.ready", `Workspace ${name} is deployed and registered.`, { workspace: name });
    }

    let host: FeedHost;
    if (payload.feedHost.mode === "existing") {
      const found = await db.feedHost.findFirst({ where: { id: payload.feedHost.hostId, status: "ACTIVE" } });
      if (!found) throw new PermanentStepError("The chosen feed host is not active any more; pick another one.");
      host = found;
    } else if (saved.hostId) {
      host = await db.feedHost.findUniqueOrThrow({ where: { id: saved.hostId } });
    } else if (payload.feedHost.mode === "artifacts") {
      const { organization, project } = payload.feedHost;
      const target = cloud.artifactsHost();
      host = await db.feedHost.upsert({
        where: { name: `artifacts-${organization}-${project}`.toLowerCase() },
        update: {},
        create: { name: `artifacts-${organization}-${project}`.toLowerCase(), kind: "artifacts", baseUrl: target.baseUrl, credentialRef: target.credentialRef, organization, project },
      });
      saved.hostId = host.id;
      await ctx.checkpoint(saved as JsonValue);
    } else {
      const network = (workspace.network ?? {}) as { trainingSubnetId?: string };
      if (!network.trainingSubnetId) throw new PermanentStepError(`Workspace ${workspace.name} has no recorded training subnet, so a Nexus VM cannot be placed; pick an existing feed host.`);
      const prefix = `${request.team.slug.replace(/[^a-z0-9]/g, "").slice(0, 6)}nx`;
      const outcome = await followDeployment(ctx, saved, "nexus", {
        requestId: request.id,
        resourceGroup: workspace.resourceGroup,
        location: workspace.region,
        name: `feedgate-nexus-${request.id}`.slice(0, 64),
        template: nexusHost,
        templateName: "nexus-host",
        parameters: { prefix, location: workspace.region, subnetId: network.trainingSubnetId, adminSshPublicKey: options.nexusVmSshPublicKey ?? "" },
      });
      if (outcome.waiting) return outcome.waiting;
      const ip = String(outputValue(outcome.outputs, "privateIp"));
      const target = cloud.deployedNexus(ip);
      host = await db.feedHost.upsert({
        where: { name: `nexus-${prefix}-${workspace.name}`.slice(0, 80) },
        update: {},
        create: { name: `nexus-${prefix}-${workspace.name}`.slice(0, 80), kind: "nexus", baseUrl: target.baseUrl, credentialRef: target.credentialRef },
      });
      saved.hostId = host.id;
      await ctx.checkpoint(saved as JsonValue);
      await ctx.event("feed-host.ready", `Nexus VM is deployed at ${ip}.`, { host: host.name });
    }
    return { workspaceId: workspace.id, hostId: host.id };
  }

  interface DeploymentInput {
    requestId: string;
    resourceGroup: string;
    location: string;
    name: string;
    template: object;
    templateName: string;
    parameters: Record<string, unknown>;
  }

  /** Submits once (checkpointed), then follows ARM until the deployment ends. */
  async function followDeployment(ctx: Ctx, saved: InfraCheckpoint, key: "workspace" | "nexus", input: DeploymentInput): Promise<{ waiting?: ReturnType<Ctx["waitFor"]>; outputs?: Record<string, unknown> }> {
    saved.deployments ??= {};
    if (!saved.deployments[key]) {
      await cloud.arm.ensureResourceGroup(input.resourceGroup, input.location, { "managed-by": "feedgate" });
      // A worker may have died between the PUT and the checkpoint: ask ARM before submitting.
      const existing = await cloud.arm.getDeployment(input.resourceGroup, input.name);
      if (!existing) {
        await cloud.arm.submitDeployment({ resourceGroup: input.resourceGroup, name: input.name, template: input.template, parameters: input.parameters });
      }
      await db.deployment.upsert({
        where: { subscriptionId_resourceGroup_name: { subscriptionId: cloud.subscriptionId, resourceGroup: input.resourceGroup, name: input.name } },
        update: {},
        create: { requestId: input.requestId, name: input.name, subscriptionId: cloud.subscriptionId, resourceGroup: input.resourceGroup, template: input.templateName },
      });
      saved.deployments[key] = { name: input.name, resourceGroup: input.resourceGroup };
      await ctx.checkpoint(saved as JsonValue);
      await ctx.event("deployment.submitted", `Deploying ${input.templateName} to resource group ${input.resourceGroup}.`, { deployment: input.name });
    }
    const status = await cloud.arm.getDeployment(input.resourceGroup, input.name);
    if (!status) throw new RetryableStepError(`ARM does not list deployment ${input.name} yet.`);
    const operations = await cloud.arm.listOperations(input.resourceGroup, input.name);
    const failedOp = operations.find((o) => o.state.toLowerCase() === "failed" && o.resourceType.toLowerCase() !== "microsoft.resources/deployments");
    const errorText = failedOp ? `${failedOp.resourceType} '${failedOp.resourceName}' failed: ${failedOp.error?.message ?? failedOp.error?.code ?? "no message"}` : status.error?.message;
    await db.deployment.update({
      where: { subscriptionId_resourceGroup_name: { subscriptionId: cloud.subscriptionId, resourceGroup: input.resourceGroup, name: input.name } },
      data: {
        state: status.state,
        operations: operations.map((o) => ({ deployment: o.deployment, resourceType: o.resourceType, resourceName: o.resourceName, state: o.state, error: o.error?.message ?? null, at: o.timestamp ?? null })),
        error: status.state === "Failed" ? (errorText ?? "ARM reported a failure without a message") : null,
        finishedAt: status.isTerminal ? new Date() : null,
      },
    });
    if (!status.isTerminal) {
      const done = operations.filter((o) => o.state === "Succeeded").length;
      await ctx.event("deployment.progress", `${input.templateName}: ${done} of ${operations.length} resources done.`, { deployment: input.name, done, total: operations.length });
      return { waiting: ctx.waitFor(pollMs, saved as JsonValue) };
    }
    if (status.state !== "Succeeded") {
      throw new PermanentStepError(`Deployment ${input.name} ${status.state.toLowerCase()}: ${errorText ?? "no details"}. Fix the cause, then retry the request.`, { code: "deployment_failed" });
    }
    await ctx.event("deployment.succeeded", `${input.templateName} deployed (${operations.length} resources).`, { deployment: input.name });
    return { outputs: status.outputs };
  }

  // ───────────────────────── 2. feed registration ─────────────────────────

  async function runFeedRegistration(ctx: Ctx) {
    const { request } = await loadRequest(ctx);
    const infra = ctx.results.infrastructure as { workspaceId: string; hostId: string };
    const host = await db.feedHost.findUniqueOrThrow({ where: { id: infra.hostId } });
    const upstreams = await db.upstreamSource.findMany({ where: { id: { in: ctx.payload.upstreamIds } }, orderBy: { name: "asc" } });
    const notApproved = upstreams.filter((u) => u.status !== "approved");
    if (upstreams.length !== ctx.payload.upstreamIds.length || notApproved.length) {
      throw new PermanentStepError(`Upstream ${notApproved.map((u) => u.name).join(", ") || "source"} is no longer approved; the feed cannot proxy it.`, { code: "upstream_not_approved" });
    }
    const repositories: { name: string; format: "pypi" | "conda"; upstreamId: string; url: string }[] = [];
    let pipIndexUrl: string | undefined;
    const condaChannelUrls: string[] = [];

    if (host.kind === "nexus") {
      const nexus = await cloud.nexusFor(host);
      if ((await nexus.ensureAnonymousRead()).changed) await ctx.event("nexus.anonymous", "Enabled anonymous read on Nexus, as clients in the network install without credentials.");
      for (const u of upstreams) {
        const name = toRepositoryName(request.team.slug, u.name, u.kind);
        const { created, repository } = await nexus.ensureProxy({ name, format: u.kind, remoteUrl: u.url });
        const base = repository.url.replace(/\/+$/, "");
        const url = u.kind === "pypi" ? `${base}/simple/` : `${base}/`;
        repositories.push({ name, format: u.kind, upstreamId: u.id, url });
        if (u.kind === "pypi") pipIndexUrl ??= url;
        else condaChannelUrls.push(url);
        await ctx.event(created ? "repository.created" : "repository.exists", `${u.kind} proxy ${name} ${created ? "created" : "already present"} for ${u.name}.`, { repository: name });
      }
    } else {
      const artifacts = await cloud.artifactsFor(host);
      const pypi = upstreams.filter((u) => u.kind === "pypi");
      const name = toRepositoryName(request.team.slug, "feed");
      const { created } = await artifacts.ensureFeed({ name, description: `Feedgate feed for ${request.team.name}`, upstreams: pypi.map((u) => ({ name: u.name, location: u.url })) });
      pipIndexUrl = artifacts.pipIndexUrl(name);
      repositories.push(...pypi.map((u) => ({ name, format: "pypi" as const, upstreamId: u.id, url: pipIndexUrl as string })));
      await ctx.event(created ? "feed.created" : "feed.exists", `Azure Artifacts feed ${name} ${created ? "created" : "already present"}.`, { feed: name });
    }
    if (!pipIndexUrl) throw new PermanentStepError("The request has no PyPI upstream: pip needs one index. Add pypi.org or another PyPI upstream.");

    const feedName = toRepositoryName(request.team.slug, host.name);
    const feed = await db.feed.upsert({
      where: { teamId_name: { teamId: request.teamId, name: feedName } },
      update: { repositories, pipIndexUrl, condaChannelUrl: condaChannelUrls[0] ?? null, status: "PROVISIONING", workspaceId: infra.workspaceId },
      create: { teamId: request.teamId, hostId: host.id, workspaceId: infra.workspaceId, name: feedName, repositories, pipIndexUrl, condaChannelUrl: condaChannelUrls[0] ?? null, status: "PROVISIONING" },
    });
    for (const r of repositories) {
      await db.feedUpstream.upsert({
        where: { feedId_upstreamId: { feedId: feed.id, upstreamId: r.upstreamId } },
        update: { repository: r.name },
        create: { feedId: feed.id, upstreamId: r.upstreamId, repository: r.name },
      });
    }
    await db.feedRequest.update({ where: { id: request.id }, data: { feedId: feed.id } });
    return { feedId: feed.id, pipIndexUrl, condaChannelUrls };
  }

  // ───────────────────────── 3. preflight ─────────────────────────

  async function runPreflight(ctx: Ctx) {
    const { payload } = await loadRequest(ctx);
    const reg = ctx.results["feed-registration"] as { feedId: string; pipIndexUrl: string; condaChannelUrls: string[] };
    const checks: { name: string; ok: boolean; detail: string }[] = [];
    const probe = async (url: string, accept: string): Promise<{ ok: boolean; detail: string }> => {
      try {
        const res = await fetch(url, { headers: { Accept: accept }, signal: AbortSignal.timeout(15_000) });
        return { ok: res.ok, detail: res.ok ? `${url} answered ${res.status}` : explainHttp(url, res.status) };
      } catch (error) {
        return { ok: false, detail: `${url} did not answer (${(error as Error).message}). Is the feed host reachable from Feedgate?` };
      }
    };
    checks.push({ name: "pip index", ...(await probe(reg.pipIndexUrl, "text/html")) });
    for (const channel of reg.condaChannelUrls) checks.push({ name: `conda channel ${channel}`, ...(await probe(`${channel}noarch/repodata.json`, "application/json")) });
    const ok = checks.every((c) => c.ok);

    // Requested packages are probed too, as warnings: the build will say the same, later and slower.
    const warnings: string[] = [];
    for (const name of pipNames(payload).slice(0, 20)) {
      const r = await probe(`${reg.pipIndexUrl}${name}/`, "text/html");
      if (!r.ok) warnings.push(`${name} is not on the feed (${r.detail}) — the image build will fail unless the upstream has it.`);
    }

    await db.feed.update({ where: { id: reg.feedId }, data: { lastHealth: { ok, checks, warnings }, lastHealthAt: new Date(), status: ok ? "READY" : "DEGRADED" } });
    for (const c of checks) await ctx.event(c.ok ? "preflight.ok" : "preflight.failed", `${c.name}: ${c.detail}`);
    for (const w of warnings) await ctx.event("preflight.warning", w);
    if (!ok) throw new RetryableStepError(`Preflight failed: ${checks.filter((c) => !c.ok).map((c) => c.detail).join(" ")}`);
    return { ok, checks, warnings };
  }

  // ───────────────────────── 4. environment builds ─────────────────────────

  async function runEnvironmentBuilds(ctx: Ctx) {
    const { request, payload } = await loadRequest(ctx);
    const infra = ctx.results.infrastructure as { workspaceId: string };
    const reg = ctx.results["feed-registration"] as { feedId: string; pipIndexUrl: string; condaChannelUrls: string[] };
    const workspace = await db.workspace.findUniqueOrThrow({ where: { id: infra.workspaceId } });
    const ref = { resourceGroup: workspace.resourceGroup, workspace: workspace.name };
    const feed: FeedClient = { pipIndexUrl: reg.pipIndexUrl, condaChannelUrls: reg.condaChannelUrls };
    const saved = ((ctx.saved ?? {}) as BuildCheckpoint) ?? {};
    saved.envs ??= {};

    for (const spec of payload.environments) {
      let state = saved.envs[spec.name];
      if (state?.outcome === "Succeeded") continue;
      if (state?.outcome === "Failed") {
        // A retry of the request rebuilds what failed, as a new attempt.
        state = { version: state.version, attempt: state.attempt + 1 };
        saved.envs[spec.name] = state;
      }
      if (!state) {
        const count = await db.environment.count({ where: { workspaceId: workspace.id, name: spec.name } });
        state = { version: String(count + 1), attempt: 1 };
        saved.envs[spec.name] = state;
        await ctx.checkpoint(saved as JsonValue);
      }
      const envSpec = { baseImage: spec.baseImage, conda: spec.conda, pip: spec.pip };
      const dockerfile = renderDockerfile(envSpec, feed);
      const files = [
        { path: "Dockerfile", content: dockerfile },
        ...(spec.conda.length ? [{ path: "conda.yml", content: renderCondaYml(envSpec, feed) }] : []),
        ...(spec.pip.length ? [{ path: "requirements.txt", content: renderRequirementsTxt(envSpec) }] : []),
      ];
      if (!state.buildId) {
        const env = await db.environment.upsert({
          where: { workspaceId_name_version: { workspaceId: workspace.id, name: spec.name, version: state.version } },
          update: {},
          create: { teamId: request.teamId, workspaceId: workspace.id, requestId: request.id, name: spec.name, version: state.version, baseImage: spec.baseImage, packages: { conda: spec.conda, pip: spec.pip }, dockerfileHash: sha256(dockerfile) },
        });
        // A worker may have died after creating the build row but before the checkpoint.
        const build =
          (await db.environmentBuild.findFirst({ where: { environmentId: env.id, attempt: state.attempt } })) ??
          (await db.environmentBuild.create({
            data: { environmentId: env.id, teamId: request.teamId, workspaceId: workspace.id, environmentName: spec.name, attempt: state.attempt, status: "QUEUED" },
          }));
        state.buildId = build.id;
        await ctx.checkpoint(saved as JsonValue);
      }
      const buildId = state.buildId;
      if (!state.location) {
        const contextUri = await cloud.aml.uploadBuildContext(ref, `feedgate/${spec.name}/${state.version}`, files);
        const version = await cloud.aml.ensureEnvironmentVersion(ref, { name: spec.name, version: state.version, contextUri, description: `Feedgate request ${request.id}`, tags: { "feedgate-request": request.id } });
        await db.environment.update({ where: { workspaceId_name_version: { workspaceId: workspace.id, name: spec.name, version: state.version } }, data: { amlAssetId: version.id } });
        const { location } = await cloud.aml.triggerImageBuild(ref, spec.name, state.version);
        state.location = location;
        await db.environmentBuild.update({ where: { id: buildId }, data: { statusLocation: location, startedAt: new Date() } });
        await ctx.checkpoint(saved as JsonValue);
        await ctx.event("build.started", `Image build of ${spec.name}:${state.version} started.`, { buildId, environment: spec.name });
      }
      const status = await cloud.aml.getImageBuild(state.location);
      const build = await db.environmentBuild.findUniqueOrThrow({ where: { id: buildId } });
      if (status.logUrl) {
        // The log is a copy: a hiccup reading it must not fail the build. The next poll catches up.
        const chunk = await cloud.aml.readBuildLog(status.logUrl, build.logBytes).catch((error: unknown) => {
          if (error instanceof CloudError && error.details.isTransient) return { text: "" };
          throw error;
        });
        if (chunk.text) await appendBuildLog(db, buildId, chunk.text);
      }
      const phase = toBuildStatus(status.status);
      const timings = recordPhase((build.phaseTimings ?? {}) as PhaseTimings, phase);
      if (phase === "SUCCEEDED" || phase === "FAILED" || phase === "CANCELLED") {
        const finishedAt = new Date();
        const failure = phase === "FAILED" ? classifyBuildFailure(await tailOfLog(buildId)) : undefined;
        await db.environmentBuild.update({
          where: { id: buildId },
          data: { status: phase, phaseTimings: timings, finishedAt, durationMs: finishedAt.getTime() - (build.startedAt ?? build.queuedAt).getTime(), failureClass: failure?.failureClass ?? null, failureMessage: failure ? `${failure.evidence ?? ""}${failure.evidence ? " — " : ""}${failure.guidance}` : null },
        });
        state.outcome = phase === "SUCCEEDED" ? "Succeeded" : "Failed";
        state.failureClass = failure?.failureClass;
        delete state.location;
        if (state.outcome === "Failed") {
          state.buildId = undefined;
        }
        await ctx.checkpoint(saved as JsonValue);
        await ctx.event(phase === "SUCCEEDED" ? "build.succeeded" : "build.failed", phase === "SUCCEEDED" ? `Image of ${spec.name}:${state.version} built.` : `Image build of ${spec.name} failed: ${failure?.failureClass ?? "UNKNOWN"}. ${failure?.guidance ?? ""}`, { buildId, environment: spec.name, failureClass: failure?.failureClass ?? null });
        continue;
      }
      await db.environmentBuild.update({ where: { id: buildId }, data: { status: phase, phaseTimings: timings } });
      return ctx.waitFor(pollMs, saved as JsonValue);
    }

    const failed = Object.entries(saved.envs).filter(([, s]) => s.outcome === "Failed");
    if (failed.length) {
      const summary = failed.map(([name, s]) => `${name} (${s.failureClass ?? "UNKNOWN"})`).join(", ");
      throw new PermanentStepError(`Environment image build failed: ${summary}. Open the build for the log and guidance, fix the request or the feed, then retry.`, { code: "build_failed" });
    }
    // Conditional: a request cancelled while this step ran stays cancelled.
    await db.feedRequest.updateMany({ where: { id: request.id, status: "PROVISIONING" }, data: { status: "READY", completedAt: new Date(), statusReason: null } });
    return { environments: Object.fromEntries(Object.entries(saved.envs).map(([k, s]) => [k, { version: s.version, outcome: s.outcome ?? null }])) };
  }

  async function tailOfLog(buildId: string): Promise<string> {
    const chunks = await db.buildLogChunk.findMany({ where: { buildId }, orderBy: { seq: "desc" }, take: 20 });
    return chunks.reverse().map((c) => c.text).join("");
  }

  /** Maps cloud errors onto the runner's retry decisions, and records why a request failed. */
  async function guard<T>(ctx: Ctx, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      const mapped = mapError(error);
      if (mapped instanceof PermanentStepError || ctx.attempt >= ctx.maxAttempts) {
        await db.feedRequest
          .updateMany({ where: { id: ctx.payload.requestId, status: { in: ["APPROVED", "PROVISIONING"] } }, data: { status: "FAILED", statusReason: `${ctx.step}: ${mapped.message}` } })
          .catch(() => undefined);
      }
      throw mapped;
    }
  }
}

function mapError(error: unknown): Error {
  if (error instanceof PermanentStepError || error instanceof RetryableStepError) return error;
  if (error instanceof CredentialReferenceError) return new PermanentStepError(error.message, { code: "credential" });
  if (error instanceof CloudError) {
    return error.details.isTransient
      ? new RetryableStepError(error.message, { retryAfterMs: error.details.retryAfterMs, cause: error })
      : new PermanentStepError(error.message, { code: error.details.code ?? `${error.details.service}_${error.details.status ?? "error"}`, cause: error });
  }
  return error instanceof Error ? error : new Error(String(error));
}

type InfraCheckpoint = {
  workspaceId?: string;
  hostId?: string;
  deployments?: Partial<Record<"workspace" | "nexus", { name: string; resourceGroup: string }>>;
};

type BuildCheckpoint = {
  envs?: Record<string, { version: string; attempt: number; buildId?: string; location?: string; outcome?: "Succeeded" | "Failed"; failureClass?: string }>;
};

type PhaseTimings = Partial<Record<"QUEUED" | "PROVISIONING_ACR" | "RUNNING", { start: string; end?: string }>>;

function toBuildStatus(status: string): "QUEUED" | "PROVISIONING_ACR" | "RUNNING" | "SUCCEEDED" | "FAILED" | "CANCELLED" {
  const s = status.toLowerCase();
  if (s.includes("succeeded")) return "SUCCEEDED";
  if (s.includes("fail")) return "FAILED";
  if (s.startsWith("cancel")) return "CANCELLED";
  if (s.includes("acr")) return "PROVISIONING_ACR";
  if (s === "running") return "RUNNING";
  return "QUEUED";
}

/** Phase timings from the polls: a phase starts when first seen and ends when the next one starts. */
function recordPhase(timings: PhaseTimings, phase: ReturnType<typeof toBuildStatus>): PhaseTimings {
  const now = new Date().toISOString();
  const order = ["QUEUED", "PROVISIONING_ACR", "RUNNING"] as const;
  const next = { ...timings };
  for (const p of order) {
    if (next[p] && !next[p]?.end && p !== phase) next[p] = { ...next[p], end: now } as { start: string; end?: string };
  }
  if ((order as readonly string[]).includes(phase) && !next[phase as (typeof order)[number]]) next[phase as (typeof order)[number]] = { start: now };
  return next;
}

function outputValue(outputs: Record<string, unknown> | undefined, name: string): unknown {
  const entry = outputs?.[name] as { value?: unknown } | undefined;
  if (entry?.value === undefined) throw new PermanentStepError(`The deployment did not return its ${name} output.`);
  return entry.value;
}

function pipNames(payload: FeedRequestPayload): string[] {
  const names = payload.environments.flatMap((e) => e.pip).map((r) => /^[A-Za-z0-9._-]+/.exec(r)?.[0]?.toLowerCase().replace(/[-_.]+/g, "-"));
  return [...new Set(names.filter((n): n is string => Boolean(n)))];
}

function explainHttp(url: string, status: number): string {
  if (status === 401) return `${url} asks for credentials (401): enable anonymous read on the feed host, or register its credentials.`;
  if (status === 403) return `${url} refused access (403): check the feed host's permissions.`;
  if (status === 404) return `${url} does not exist (404): the repository may not have been created.`;
  if (status === 502) return `${url} answered 502: the feed host cannot reach its upstream.`;
  return `${url} answered ${status}.`;
}

function sha256(text: string) {
  return createHash("sha256").update(text).digest("hex");
}
