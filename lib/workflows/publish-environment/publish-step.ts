/**
 * The publish step. Order matters for "never publish twice": (1) a recorded operation URL is
 * polled; (2) otherwise the registry is asked whether the version is already there; (3) a publish
 * that a stopped worker may have sent (checkpoint with `sentAt`, no URL) is given time to appear;
 * (4) only then is a publish sent, `sentAt` checkpointed before it and the URL right after.
 */
import "server-only";
import { recordAuditEvent } from "@/lib/audit/record-audit-event";
import type { Cloud } from "@/lib/cloud/cloud";
import { CloudError } from "@/lib/cloud/cloud-error";
import type { PrismaClient } from "@/lib/db/client";
import type { StepContext, StepResult } from "@/lib/jobs/define-job";
import { PermanentStepError, StepInterruptedError } from "@/lib/jobs/job-errors";
import { pollDelay } from "@/lib/jobs/poll-cadence";
import { publishCheckpointSchema, type PublishCheckpoint, type PublishEnvironmentPayload } from "./schema";

/** Registry checks a possibly-sent publish gets before it is sent again (about five minutes at the default cadence). */
export const UNRECORDED_PUBLISH_GRACE_CHECKS = 20;

type Deps = { db: PrismaClient; cloud: Cloud; pollMs: number };
type Ctx = StepContext<PublishEnvironmentPayload>;
type Publication = Awaited<ReturnType<typeof loadPublication>>;

export async function runPublish(deps: Deps, ctx: Ctx): Promise<StepResult> {
  const pub = await loadPublication(deps.db, ctx.payload.publicationId);
  if (pub.status === "PUBLISHED") return { assetUri: pub.assetUri };
  try {
    return await publishOnce(deps, ctx, pub);
  } catch (error) {
    const isLastTry = error instanceof PermanentStepError || (!(error instanceof StepInterruptedError) && ctx.attempt >= ctx.maxAttempts);
    if (isLastTry) await markFailed(deps.db, ctx, pub, error instanceof PermanentStepError ? error.message : "Publishing kept failing; see the job's events and try again.");
    throw error;
  }
}

async function publishOnce(deps: Deps, ctx: Ctx, pub: Publication): Promise<StepResult> {
  const { cloud } = deps;
  const parsed = publishCheckpointSchema.safeParse(ctx.saved);
  const saved: PublishCheckpoint = parsed.success ? parsed.data : { startedAt: Date.now() };
  const ageMs = Date.now() - saved.startedAt;
  const registryRef = { subscriptionId: pub.registry.subscriptionId, resourceGroup: pub.registry.resourceGroup, registry: pub.registry.name };
  const read = { signal: ctx.signal };

  if (saved.operationUrl) {
    const state = await cloud.aml.getPublishOperation(saved.operationUrl, read);
    if (!state.isTerminal) return ctx.waitFor(pollDelay(ageMs, deps.pollMs, state.retryAfterMs), saved);
    if (state.status.toLowerCase() !== "succeeded") throw new PermanentStepError(`Azure ML could not publish ${pub.destinationName}:${pub.destinationVersion} to ${pub.registry.name}: ${state.error?.message ?? state.status}`);
    return markPublished(deps, ctx, pub, "published");
  }

  const existing = await cloud.aml.getRegistryEnvironmentVersion(registryRef, pub.destinationName, pub.destinationVersion, read);
  if (existing) return markPublished(deps, ctx, pub, saved.sentAt ? "published" : "already-there");
  const graceChecks = saved.graceChecks ?? 0;
  if (saved.sentAt && graceChecks < UNRECORDED_PUBLISH_GRACE_CHECKS) {
    if (graceChecks === 0) await ctx.event("publish.unrecorded", "A worker stopped after sending the publish request; waiting for the version to appear in the registry before sending it again.");
    return ctx.waitFor(pollDelay(ageMs, deps.pollMs), { ...saved, graceChecks: graceChecks + 1 });
  }

  await deps.db.environmentPublication.update({ where: { id: pub.id }, data: { status: "PUBLISHING", startedAt: pub.startedAt ?? new Date(), failureMessage: null } });
  await ctx.checkpoint({ startedAt: saved.startedAt, sentAt: Date.now() });
  let started;
  try {
    started = await cloud.aml.publishEnvironmentVersion({ resourceGroup: pub.environment.workspace.resourceGroup, workspace: pub.environment.workspace.name }, pub.environment.name, pub.environment.version, {
      registryName: pub.registry.name,
      destinationName: pub.destinationName,
      destinationVersion: pub.destinationVersion,
    });
  } catch (error) {
    if (!(error instanceof CloudError) || error.details.status === undefined) throw error;
    // Azure ML answered, so nothing was started: the next try need not wait for it.
    await ctx.checkpoint({ startedAt: saved.startedAt });
    if (error.details.status === 409 && (await cloud.aml.getRegistryEnvironmentVersion(registryRef, pub.destinationName, pub.destinationVersion, read))) return markPublished(deps, ctx, pub, "already-there");
    if (!error.details.isTransient) throw new PermanentStepError(error.message.replace(/^Azure ML /, "Azure ML refused: "), { cause: error });
    throw error;
  }
  const next: PublishCheckpoint = { startedAt: saved.startedAt, operationUrl: started.operationUrl };
  await ctx.checkpoint(next);
  await deps.db.environmentPublication.update({ where: { id: pub.id }, data: { operationUrl: started.operationUrl } });
  await ctx.event("publish.started", `Azure ML is publishing ${pub.environment.name}:${pub.environment.version} to registry ${pub.registry.name}.`);
  return ctx.waitFor(pollDelay(0, deps.pollMs, started.retryAfterMs), next);
}

async function loadPublication(db: PrismaClient, id: string) {
  const pub = await db.environmentPublication.findUnique({ where: { id }, include: { registry: true, environment: { include: { workspace: true } } } });
  if (!pub) throw new PermanentStepError("The publication was removed before it ran.");
  return pub;
}

async function markPublished(deps: Deps, ctx: Ctx, pub: Publication, how: "published" | "already-there"): Promise<StepResult> {
  const assetUri = `azureml://registries/${pub.registry.name}/environments/${pub.destinationName}/versions/${pub.destinationVersion}`;
  await deps.db.$transaction(async (tx) => {
    await tx.environmentPublication.update({ where: { id: pub.id }, data: { status: "PUBLISHED", assetUri, publishedAt: new Date(), failureMessage: null } });
    await recordAuditEvent(tx, {
      actorOid: ctx.payload.requestedBy.oid,
      actorName: ctx.payload.requestedBy.name,
      action: "environment.published",
      targetType: "environment_publication",
      targetId: pub.id,
      teamId: pub.teamId,
      before: { status: pub.status },
      after: { status: "PUBLISHED", assetUri, how },
      correlationId: ctx.payload.correlationId,
    });
  });
  await ctx.event("publish.done", how === "already-there" ? `${assetUri} was already in the registry; nothing was sent.` : `Published as ${assetUri}.`, { assetUri });
  return { assetUri, how };
}

async function markFailed(db: PrismaClient, ctx: Ctx, pub: Publication, message: string): Promise<void> {
  await db.$transaction(async (tx) => {
    await tx.environmentPublication.update({ where: { id: pub.id }, data: { status: "FAILED", failureMessage: message.slice(0, 1000) } });
    await recordAuditEvent(tx, {
      actorOid: ctx.payload.requestedBy.oid,
      actorName: ctx.payload.requestedBy.name,
      action: "environment.publish_failed",
      targetType: "environment_publication",
      targetId: pub.id,
      teamId: pub.teamId,
      before: { status: pub.status },
      after: { status: "FAILED", message: message.slice(0, 300) },
      correlationId: ctx.payload.correlationId,
    });
  });
}
