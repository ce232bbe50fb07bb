/**
 * Step 4, environment builds: for each requested environment, the build context (Dockerfile,
 * conda.yml, requirements.txt rendered for this feed) is uploaded, the AML environment version
 * created and its image build triggered and followed to the end, its log copied as it grows.
 * A failed build is retried as a new attempt when the request is retried. When every build
 * succeeded the request is READY.
 */
import "server-only";
import { createHash } from "node:crypto";
import { appendBuildLog } from "@/lib/builds/build-log";
import { LockParseError, pinnedPackages } from "@/lib/builds/build-lock";
import { classifyBuildFailure, type BuildFailure } from "@/lib/builds/classify-build-failure";
import { recordBuildLock } from "@/lib/builds/record-build-lock";
import { markOlderVersionsSuperseded } from "@/lib/staleness/mark-superseded";
import type { ReadOptions } from "@/lib/cloud/arm";
import { CloudError } from "@/lib/cloud/cloud-error";
import { phaseTimingsSchema, readJsonColumn } from "@/lib/db/json-columns";
import { renderCondaYml, renderDockerfile, renderRequirementsTxt, type FeedClient } from "@/lib/feed-config/render";
import type { StepWait } from "@/lib/jobs/define-job";
import { PermanentStepError } from "@/lib/jobs/job-errors";
import { pollDelay } from "@/lib/jobs/poll-cadence";
import { ReadBudgetSpentError } from "@/lib/jobs/read-budget";
import { transitionRequest } from "@/lib/request-state/transition";
import type { FeedRequestPayload } from "@/lib/validation/feed-request";
import { isFinished, recordPhase, toBuildStatus, type BuildStatus } from "./build-status";
import { loadRequest, nowOf, readBudgets, type Ctx, type ProvisionDeps } from "./context";
import { buildCheckpointSchema, type ProvisionPayload, infraResultSchema, readStored, registrationResultSchema, toStored, type BuildCheckpoint, type EnvironmentBuildState } from "./schema";

/**
 * How long a build whose trigger may or may not have reached Azure ML (the worker stopped around
 * the POST) is given to produce its image before the trigger is sent again, in poll intervals
 * (JOB_POLL_MS, the time base of the workflow's waits): an hour at the default 2 s. Real image
 * builds take minutes to most of an hour; a second trigger inside that time would build twice.
 */
export const ORPHANED_TRIGGER_GRACE_POLLS = 1800;

/** The most packages an environment may list (lib/feed-config/render's schema): an exact rebuild's pins too. */
const MAX_PIP_PINS = 500;
const MAX_CONDA_PINS = 200;

type EnvironmentSpec = FeedRequestPayload["environments"][number];
interface BuildTarget {
  requestId: string;
  teamId: string;
  workspaceId: string;
  ref: { resourceGroup: string; workspace: string };
  feed: FeedClient;
}

export async function runEnvironmentBuilds(deps: ProvisionDeps, ctx: Ctx) {
  const { db } = deps;
  const { request, payload } = await loadRequest(db, ctx);
  const infra = readStored(infraResultSchema, ctx.results.infrastructure, "infrastructure result");
  const reg = readStored(registrationResultSchema, ctx.results["feed-registration"], "feed registration result");
  const workspace = await db.workspace.findUniqueOrThrow({ where: { id: infra.workspaceId } });
  const target: BuildTarget = {
    requestId: request.id,
    teamId: request.teamId,
    workspaceId: workspace.id,
    ref: { resourceGroup: workspace.resourceGroup, workspace: workspace.name },
    feed: { pipIndexUrl: reg.pipIndexUrl, condaChannelUrls: reg.condaChannelUrls },
  };
  const saved = readStored(buildCheckpointSchema, ctx.saved, "environment build checkpoint");
  const environments = await environmentsToBuild(deps, ctx.payload, payload.environments);

  for (const spec of environments) {
    const wait = await advanceEnvironment(deps, ctx, saved, target, spec);
    if (wait) return wait;
  }

  const failed = Object.entries(saved.envs).filter(([, s]) => s.outcome === "Failed");
  if (failed.length) {
    const summary = failed.map(([name, s]) => `${name} (${s.failureClass ?? "UNKNOWN"})`).join(", ");
    throw new PermanentStepError(`Environment image build failed: ${summary}. Open the build for the log and guidance, fix the request or the feed, then retry.`, { code: "build_failed" });
  }
  // Conditional: a request cancelled while this step ran stays cancelled.
  await transitionRequest(db, request.id, ["PROVISIONING"], "READY", null);
  return { environments: Object.fromEntries(Object.entries(saved.envs).map(([k, s]) => [k, { version: s.version, outcome: s.outcome ?? null }])) };
}

/**
 * What this job builds: every environment of the request, or for a rebuild the one environment,
 * with its own packages (`fresh`) or with every package of the earlier build's lock pinned
 * (`exact`; the same feed, from the earlier job's registration result).
 */
async function environmentsToBuild(deps: ProvisionDeps, job: ProvisionPayload, environments: EnvironmentSpec[]): Promise<EnvironmentSpec[]> {
  const rebuild = job.rebuild;
  if (!rebuild) return environments;
  const spec = environments.find((e) => e.name === rebuild.environment);
  if (!spec) throw new PermanentStepError(`The request has no environment ${rebuild.environment} to rebuild.`, { code: "rebuild_unknown_environment" });
  if (rebuild.mode === "fresh") return [spec];
  const stored = await deps.db.buildLock.findUnique({ where: { buildId: rebuild.fromBuildId }, select: { pip: true, conda: true } });
  if (!stored) throw new PermanentStepError("The build to rebuild exactly has no recorded lock.", { code: "rebuild_no_lock" });
  let pins: { pip: string[]; conda: string[] };
  try {
    pins = pinnedPackages(stored);
  } catch (error) {
    if (error instanceof LockParseError) throw new PermanentStepError(`The recorded lock cannot be pinned: ${error.message}`, { code: "rebuild_bad_lock" });
    throw error;
  }
  if (spec.conda.length && !pins.conda.length) throw new PermanentStepError("The recorded lock has no conda packages, so it cannot pin this environment's conda packages.", { code: "rebuild_bad_lock" });
  if (pins.pip.length > MAX_PIP_PINS || pins.conda.length > MAX_CONDA_PINS) throw new PermanentStepError(`The recorded lock has more packages than an environment may list (${MAX_PIP_PINS} pip, ${MAX_CONDA_PINS} conda).`, { code: "rebuild_bad_lock" });
  return [{ ...spec, pip: pins.pip, conda: spec.conda.length ? pins.conda : [] }];
}

/** Moves one environment's build on by one poll; resolves a wait while it is still building. */
async function advanceEnvironment(deps: ProvisionDeps, ctx: Ctx, saved: BuildCheckpoint, target: BuildTarget, spec: EnvironmentSpec): Promise<StepWait | undefined> {
  try {
    return await pollEnvironment(deps, ctx, saved, target, spec);
  } catch (error) {
    // Other workers spent the data plane's reads: give the slot back until there are some.
    if (error instanceof ReadBudgetSpentError) return ctx.waitFor(error.waitMs, toStored(saved));
    throw error;
  }
}

async function pollEnvironment(deps: ProvisionDeps, ctx: Ctx, saved: BuildCheckpoint, target: BuildTarget, spec: EnvironmentSpec): Promise<StepWait | undefined> {
  const state = await currentAttempt(deps, ctx, saved, target, spec);
  if (!state) return undefined;
  if (!state.buildId) await createBuildRow(deps, ctx, saved, target, spec, state);
  // A poll's first read waits for the shared budget at most one poll interval (longer, and the
  // slot goes back); a second one (the status of a build it just started) waits its turn.
  const budget = readBudgets(deps).amlDataPlane;
  let read: ReadOptions = { readBudget: budget.bounded(deps.pollMs), signal: ctx.signal };
  if (!state.location) {
    const start = await startBuildOnce(deps, ctx, saved, target, spec, state, read);
    read = { readBudget: budget, signal: ctx.signal };
    if (start.kind === "uncertain") return ctx.waitFor(pollDelay(start.ageMs, deps.pollMs), toStored(saved));
    if (start.kind === "already-built") {
      await finishBuild(deps, ctx, saved, spec, state, "SUCCEEDED", undefined);
      return undefined;
    }
  }
  const { phase, failure, ageMs, retryAfterMs } = await followBuild(deps, state, read);
  // The adaptive cadence of lib/jobs/poll-cadence, never sooner than the data plane asks.
  if (!isFinished(phase)) return ctx.waitFor(pollDelay(ageMs, deps.pollMs, retryAfterMs), toStored(saved));
  await finishBuild(deps, ctx, saved, spec, state, phase, failure);
  return undefined;
}

/** This environment's attempt: undefined when it already succeeded; a new attempt after a failure. */
async function currentAttempt(deps: ProvisionDeps, ctx: Ctx, saved: BuildCheckpoint, target: BuildTarget, spec: EnvironmentSpec): Promise<EnvironmentBuildState | undefined> {
  let state = saved.envs[spec.name];
  if (state?.outcome === "Succeeded") return undefined;
  if (state?.outcome === "Failed") {
    // A retry of the request rebuilds what failed, as a new attempt.
    state = { version: state.version, attempt: state.attempt + 1 };
    saved.envs[spec.name] = state;
  }
  if (!state) {
    const count = await deps.db.environment.count({ where: { workspaceId: target.workspaceId, name: spec.name } });
    state = { version: String(count + 1), attempt: 1 };
    saved.envs[spec.name] = state;
    await ctx.checkpoint(toStored(saved));
  }
  return state;
}

function buildFiles(spec: EnvironmentSpec, feed: FeedClient) {
  const envSpec = { baseImage: spec.baseImage, conda: spec.conda, pip: spec.pip };
  const dockerfile = renderDockerfile(envSpec, feed);
  const files = [
    { path: "Dockerfile", content: dockerfile },
    ...(spec.conda.length ? [{ path: "conda.yml", content: renderCondaYml(envSpec, feed) }] : []),
    ...(spec.pip.length ? [{ path: "requirements.txt", content: renderRequirementsTxt(envSpec) }] : []),
  ];
  return { dockerfile, files };
}

async function createBuildRow(deps: ProvisionDeps, ctx: Ctx, saved: BuildCheckpoint, target: BuildTarget, spec: EnvironmentSpec, state: EnvironmentBuildState) {
  const { db } = deps;
  const { dockerfile } = buildFiles(spec, target.feed);
  const env = await db.environment.upsert({
    where: { workspaceId_name_version: { workspaceId: target.workspaceId, name: spec.name, version: state.version } },
    update: {},
    create: { teamId: target.teamId, workspaceId: target.workspaceId, requestId: target.requestId, name: spec.name, version: state.version, baseImage: spec.baseImage, packages: { conda: spec.conda, pip: spec.pip }, dockerfileHash: sha256(dockerfile) },
  });
  // A worker may have died after creating the build row but before the checkpoint.
  const build =
    (await db.environmentBuild.findFirst({ where: { environmentId: env.id, attempt: state.attempt } })) ??
    (await db.environmentBuild.create({
      // The index this build's image is configured with, kept with the build: the team's feed row
      // is shared by its requests on a host and re-pointed by each provisioning.
      data: { environmentId: env.id, teamId: target.teamId, workspaceId: target.workspaceId, environmentName: spec.name, attempt: state.attempt, status: "QUEUED", pipIndexUrl: target.feed.pipIndexUrl, condaChannelUrls: target.feed.condaChannelUrls },
    }));
  state.buildId = build.id;
  await ctx.checkpoint(toStored(saved));
}

/**
 * Starts this attempt's image build unless one is known: the trigger is the one side effect a
 * resumed step must not repeat, and the data plane gives no way to find a running build of a
 * version, only its status location (kept here) and whether a build produced the image (its
 * image details). So the build row records the intent (startedAt) before the POST and the
 * location after it:
 *  - location on the row, not in the checkpoint: a worker died after recording it; follow it;
 *  - the image exists already: a build of this version succeeded (a job used it, or the worker
 *    died between the POST and recording its location and the build has since finished): done;
 *  - intent without a location: a worker died around the POST, so a build may be running; wait
 *    for its image, for ORPHANED_TRIGGER_GRACE_POLLS from the intent, before triggering again;
 *  - otherwise trigger. A POST that got an answer (an error status) left nothing running, so its
 *    intent is withdrawn; one that got none (a timeout, a dropped connection) stays uncertain.
 */
async function startBuildOnce(deps: ProvisionDeps, ctx: Ctx, saved: BuildCheckpoint, target: BuildTarget, spec: EnvironmentSpec, state: EnvironmentBuildState, read: ReadOptions): Promise<{ kind: "following" | "already-built" } | { kind: "uncertain"; ageMs: number }> {
  const { db, cloud } = deps;
  const buildId = requireBuildId(state);
  const build = await db.environmentBuild.findUniqueOrThrow({ where: { id: buildId } });
  if (build.statusLocation) {
    state.location = build.statusLocation;
    await ctx.checkpoint(toStored(saved));
    return { kind: "following" };
  }
  // The version is registered before the intent is recorded, so only a fresh start registers it.
  if (!build.startedAt && !state.registered) {
    await registerVersion(deps, target, spec, state);
    // Recorded as progress (new checkpoint data resets the step's attempts): a worker killed again
    // and again in the stretch from here to the trigger must not use them up while it advances.
    state.registered = true;
    await ctx.checkpoint(toStored(saved));
  }
  const details = await cloud.aml.getImageDetails(target.ref, spec.name, state.version, read);
  if (details?.exists) {
    await recordAlreadyBuilt(deps, buildId, spec, state, details.imageName, build.startedAt ?? build.queuedAt);
    return { kind: "already-built" };
  }
  const sinceIntentMs = build.startedAt ? nowOf(deps) - build.startedAt.getTime() : 0;
  if (build.startedAt && sinceIntentMs < ORPHANED_TRIGGER_GRACE_POLLS * deps.pollMs) return { kind: "uncertain", ageMs: sinceIntentMs };
  if (build.startedAt) await ctx.event("build.retriggered", `No image of ${spec.name}:${state.version} appeared after a worker stopped while starting its build; starting it again.`, { buildId, environment: spec.name });
  await db.environmentBuild.update({ where: { id: buildId }, data: { startedAt: new Date(nowOf(deps)) } });
  let location: string;
  try {
    ({ location } = await cloud.aml.triggerImageBuild(target.ref, spec.name, state.version));
  } catch (error) {
    if (error instanceof CloudError && error.details.status !== undefined) await db.environmentBuild.update({ where: { id: buildId }, data: { startedAt: null } });
    throw error;
  }
  await db.environmentBuild.update({ where: { id: buildId }, data: { statusLocation: location } });
  state.location = location;
  await ctx.checkpoint(toStored(saved));
  await ctx.event("build.started", `Image build of ${spec.name}:${state.version} started.`, { buildId, environment: spec.name });
  return { kind: "following" };
}

/** Uploads the build context and registers the environment version (both idempotent). */
async function registerVersion(deps: ProvisionDeps, target: BuildTarget, spec: EnvironmentSpec, state: EnvironmentBuildState) {
  const { db, cloud } = deps;
  const { files } = buildFiles(spec, target.feed);
  const contextUri = await cloud.aml.uploadBuildContext(target.ref, `feedgate/${spec.name}/${state.version}`, files);
  const version = await cloud.aml.ensureEnvironmentVersion(target.ref, { name: spec.name, version: state.version, contextUri, description: `Feedgate request ${target.requestId}`, tags: { "feedgate-request": target.requestId } });
  await db.environment.update({ where: { workspaceId_name_version: { workspaceId: target.workspaceId, name: spec.name, version: state.version } }, data: { amlAssetId: version.id } });
}

/** The image is there without a build Feedgate followed: the build row says so, with no log to copy. */
async function recordAlreadyBuilt(deps: ProvisionDeps, buildId: string, spec: EnvironmentSpec, state: EnvironmentBuildState, imageName: string | undefined, since: Date) {
  const finishedAt = new Date();
  await appendBuildLog(deps.db, buildId, `Azure ML already has the image of ${spec.name}:${state.version}${imageName ? ` (${imageName})` : ""}; no new build was started. Its log stays in Azure ML Studio.\n`);
  await deps.db.environmentBuild.update({ where: { id: buildId }, data: { status: "SUCCEEDED", finishedAt, durationMs: Math.max(0, finishedAt.getTime() - since.getTime()) } });
}

/** One poll of the data plane: copies new log text and records the phase. */
async function followBuild(deps: ProvisionDeps, state: EnvironmentBuildState, read: ReadOptions): Promise<{ phase: BuildStatus; failure?: BuildFailure; ageMs: number; retryAfterMs?: number }> {
  const { db, cloud } = deps;
  const buildId = requireBuildId(state);
  const status = await cloud.aml.getImageBuild(state.location ?? "", read);
  const build = await db.environmentBuild.findUniqueOrThrow({ where: { id: buildId } });
  const ageMs = nowOf(deps) - (build.startedAt ?? build.queuedAt).getTime();
  if (status.logUrl) {
    // The log is a copy: a hiccup reading it must not fail the build. The next poll catches up.
    const chunk = await cloud.aml.readBuildLog(status.logUrl, build.logBytes).catch((error: unknown) => {
      if (error instanceof CloudError && error.details.isTransient) return { text: "" };
      throw error;
    });
    if (chunk.text) await appendBuildLog(db, buildId, chunk.text);
  }
  const phase = toBuildStatus(status.status);
  const phaseTimings = recordPhase(readJsonColumn(phaseTimingsSchema, build.phaseTimings, {}), phase);
  if (!isFinished(phase)) {
    await db.environmentBuild.update({ where: { id: buildId }, data: { status: phase, phaseTimings } });
    return { phase, ageMs, retryAfterMs: status.retryAfterMs };
  }
  const finishedAt = new Date();
  const failure = phase === "FAILED" ? classifyBuildFailure(await tailOfLog(deps, buildId)) : undefined;
  await db.environmentBuild.update({
    where: { id: buildId },
    data: { status: phase, phaseTimings, finishedAt, durationMs: finishedAt.getTime() - (build.startedAt ?? build.queuedAt).getTime(), failureClass: failure?.failureClass ?? null, failureMessage: failure ? `${failure.evidence ?? ""}${failure.evidence ? " — " : ""}${failure.guidance}` : null },
  });
  return { phase, failure, ageMs };
}

async function finishBuild(deps: ProvisionDeps, ctx: Ctx, saved: BuildCheckpoint, spec: EnvironmentSpec, state: EnvironmentBuildState, phase: "SUCCEEDED" | "FAILED" | "CANCELLED", failure: BuildFailure | undefined) {
  const buildId = requireBuildId(state);
  if (phase === "SUCCEEDED") {
    await recordLock(deps, ctx, spec, buildId);
    const built = await deps.db.environmentBuild.findUniqueOrThrow({ where: { id: buildId }, select: { environmentId: true } });
    await markOlderVersionsSuperseded(deps.db, built.environmentId);
  }
  state.outcome = phase === "SUCCEEDED" ? "Succeeded" : "Failed";
  state.failureClass = failure?.failureClass;
  delete state.location;
  if (state.outcome === "Failed") state.buildId = undefined;
  await ctx.checkpoint(toStored(saved));
  await ctx.event(
    phase === "SUCCEEDED" ? "build.succeeded" : "build.failed",
    phase === "SUCCEEDED" ? `Image of ${spec.name}:${state.version} built.` : `Image build of ${spec.name} failed: ${failure?.failureClass ?? "UNKNOWN"}. ${failure?.guidance ?? ""}`,
    { buildId, environment: spec.name, failureClass: state.failureClass ?? null },
  );
}

/**
 * The build's lock, from its own log (before the checkpoint that ends the build, so a resumed
 * step records it). A log whose lock block is not plain packages leaves the build without a lock:
 * the image was built, and only "rebuild exactly" needs the lock.
 */
async function recordLock(deps: ProvisionDeps, ctx: Ctx, spec: EnvironmentSpec, buildId: string) {
  try {
    await recordBuildLock(deps.db, buildId);
  } catch (error) {
    if (!(error instanceof LockParseError)) throw error;
    await ctx.event("build.lock-refused", `The package list in the log of ${spec.name} was not recorded as its lock: ${error.message}`, { buildId, environment: spec.name });
  }
}

async function tailOfLog(deps: ProvisionDeps, buildId: string): Promise<string> {
  const chunks = await deps.db.buildLogChunk.findMany({ where: { buildId }, orderBy: { seq: "desc" }, take: 20 });
  return chunks.reverse().map((c) => c.text).join("");
}

function requireBuildId(state: EnvironmentBuildState): string {
  if (!state.buildId) throw new PermanentStepError("The build record of this environment is missing from the job's checkpoint.");
  return state.buildId;
}

function sha256(text: string) {
  return createHash("sha256").update(text).digest("hex");
}
