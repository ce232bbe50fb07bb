/**
 * An ARM deployment followed to its end across worker runs: submitted once (recorded in the
 * step's checkpoint before the first wait), then polled, with per-resource progress copied
 * into the Deployment row for the request timeline.
 *
 * Polls fit ARM's read limits: the status comes from the PUT's Azure-AsyncOperation URL (one
 * small read; the deployment itself is read again only at the end, for its outputs), at the
 * adaptive cadence of lib/jobs/poll-cadence (2 s at first, a minute once it has run five), never
 * sooner than ARM's Retry-After; operations are listed on about one poll in OPERATIONS_EVERY, and
 * finished nested deployments not at all; every read spends a token of the subscription's
 * shared budget, and a spent budget hands the slot back instead of waiting in it.
 */
import "server-only";
import type { ArmClient, DeploymentStatus, ReadOptions, ResourceOperation } from "@/lib/cloud/arm";
import { deploymentOperationSchema, readJsonList } from "@/lib/db/json-columns";
import { PermanentStepError, RetryableStepError } from "@/lib/jobs/job-errors";
import { isEveryNthPoll, pollDelay } from "@/lib/jobs/poll-cadence";
import { ReadBudgetSpentError } from "@/lib/jobs/read-budget";
import { nowOf, readBudgets, type Ctx, type ProvisionDeps } from "./context";
import { toStored, type InfraCheckpoint } from "./schema";

/** Operations are listed on about one status poll in this many, and on the first and the last. */
export const OPERATIONS_EVERY = 5;

export interface DeploymentInput {
  requestId: string;
  resourceGroup: string;
  location: string;
  name: string;
  template: object;
  templateName: string;
  parameters: Record<string, unknown>;
}

export type DeploymentOutcome = { waiting: ReturnType<Ctx["waitFor"]>; outputs?: undefined } | { waiting?: undefined; outputs: Record<string, unknown> | undefined };

/** Submits once (checkpointed), then follows ARM until the deployment ends. */
export async function followDeployment(deps: ProvisionDeps, ctx: Ctx, saved: InfraCheckpoint, key: "workspace" | "nexus", input: DeploymentInput): Promise<DeploymentOutcome> {
  try {
    return await pollOnce(deps, ctx, saved, key, input);
  } catch (error) {
    // Other workers spent the subscription's reads: give the slot back until there are some.
    if (error instanceof ReadBudgetSpentError) return { waiting: ctx.waitFor(error.waitMs, toStored(saved)) };
    throw error;
  }
}

async function pollOnce(deps: ProvisionDeps, ctx: Ctx, saved: InfraCheckpoint, key: "workspace" | "nexus", input: DeploymentInput): Promise<DeploymentOutcome> {
  const { db, cloud } = deps;
  // A poll's first read waits for the shared budget at most one poll interval (longer, and the
  // slot goes back); once it has begun, its other reads wait their turn, or a spent budget would
  // let no poll ever finish.
  const budget = readBudgets(deps).arm;
  const first: ReadOptions = { readBudget: budget.bounded(deps.pollMs), signal: ctx.signal };
  const read: ReadOptions = { readBudget: budget, signal: ctx.signal };
  saved.deployments ??= {};
  if (!saved.deployments[key]) await submitOnce(deps, ctx, saved, key, input, first);
  const where = { subscriptionId_resourceGroup_name: { subscriptionId: cloud.subscriptionId, resourceGroup: input.resourceGroup, name: input.name } };
  const row = await db.deployment.findUniqueOrThrow({ where });
  const status = await pollStatus(cloud.arm, input, row.statusUrl, first, read);
  if (!status) throw new RetryableStepError(`ARM does not list deployment ${input.name} yet.`);
  const ageMs = nowOf(deps) - row.startedAt.getTime();
  const known = storedOperations(row.operations);
  const isListing = status.isTerminal || isEveryNthPoll(ageMs, deps.pollMs, OPERATIONS_EVERY);
  const operations = isListing ? await cloud.arm.listOperations(input.resourceGroup, input.name, { ...read, settled: known }) : known;
  const failedOp = operations.find((o) => o.state.toLowerCase() === "failed" && o.resourceType.toLowerCase() !== "microsoft.resources/deployments");
  const errorText = failedOp ? `${failedOp.resourceType} '${failedOp.resourceName}' failed: ${failedOp.error?.message ?? failedOp.error?.code ?? "no message"}` : status.error?.message;
  await db.deployment.update({
    where,
    data: {
      state: status.state,
      ...(isListing ? { operations: operations.map((o) => ({ deployment: o.deployment, resourceType: o.resourceType, resourceName: o.resourceName, state: o.state, error: o.error?.message ?? null, at: o.timestamp ?? null })) } : {}),
      error: status.state === "Failed" ? (errorText ?? "ARM reported a failure without a message") : null,
      finishedAt: status.isTerminal ? new Date() : null,
    },
  });
  if (!status.isTerminal) {
    const done = operations.filter((o) => o.state === "Succeeded").length;
    if (isListing) await ctx.event("deployment.progress", `${input.templateName}: ${done} of ${operations.length} resources done.`, { deployment: input.name, done, total: operations.length });
    return { waiting: ctx.waitFor(pollDelay(ageMs, deps.pollMs, status.retryAfterMs), toStored(saved)) };
  }
  if (status.state !== "Succeeded") {
    throw new PermanentStepError(`Deployment ${input.name} ${status.state.toLowerCase()}: ${errorText ?? "no details"}. Fix the cause, then retry the request.`, { code: "deployment_failed" });
  }
  await ctx.event("deployment.succeeded", `${input.templateName} deployed (${operations.length} resources).`, { deployment: input.name });
  return { outputs: status.outputs };
}

/**
 * The deployment's state: its async operation while that runs (the URL may be missing when a
 * worker died between the PUT and recording it, or expired), the deployment itself otherwise
 * and at the end, when only it has the outputs and the error.
 */
async function pollStatus(arm: ArmClient, input: DeploymentInput, statusUrl: string | null, first: ReadOptions, read: ReadOptions): Promise<DeploymentStatus | undefined> {
  if (!statusUrl) return arm.getDeployment(input.resourceGroup, input.name, first);
  const operation = await arm.getOperationStatus(statusUrl, first);
  if (operation && !operation.isTerminal) return { state: operation.status, isTerminal: false, retryAfterMs: operation.retryAfterMs };
  return arm.getDeployment(input.resourceGroup, input.name, read);
}

async function submitOnce(deps: ProvisionDeps, ctx: Ctx, saved: InfraCheckpoint, key: "workspace" | "nexus", input: DeploymentInput, read: ReadOptions) {
  const { db, cloud } = deps;
  await cloud.arm.ensureResourceGroup(input.resourceGroup, input.location, { "managed-by": "feedgate" });
  // A worker may have died between the PUT and the checkpoint: ask ARM before submitting.
  const existing = await cloud.arm.getDeployment(input.resourceGroup, input.name, read);
  const submitted = existing ? undefined : await cloud.arm.submitDeployment({ resourceGroup: input.resourceGroup, name: input.name, template: input.template, parameters: input.parameters });
  await db.deployment.upsert({
    where: { subscriptionId_resourceGroup_name: { subscriptionId: cloud.subscriptionId, resourceGroup: input.resourceGroup, name: input.name } },
    update: submitted?.statusUrl ? { statusUrl: submitted.statusUrl } : {},
    create: { requestId: input.requestId, name: input.name, subscriptionId: cloud.subscriptionId, resourceGroup: input.resourceGroup, template: input.templateName, statusUrl: submitted?.statusUrl ?? null, startedAt: new Date(nowOf(deps)) },
  });
  saved.deployments = { ...saved.deployments, [key]: { name: input.name, resourceGroup: input.resourceGroup } };
  await ctx.checkpoint(toStored(saved));
  await ctx.event("deployment.submitted", `Deploying ${input.templateName} to resource group ${input.resourceGroup}.`, { deployment: input.name });
}

/** The operations as last listed, read back from the Deployment row. */
function storedOperations(value: unknown): ResourceOperation[] {
  return readJsonList(deploymentOperationSchema, value).map((o) => ({
    deployment: o.deployment ?? "",
    resourceType: o.resourceType,
    resourceName: o.resourceName,
    state: o.state,
    error: o.error ? { message: o.error } : undefined,
    timestamp: o.at ?? undefined,
  }));
}

export function outputValue(outputs: Record<string, unknown> | undefined, name: string): unknown {
  const entry = outputs?.[name] as { value?: unknown } | undefined;
  if (entry?.value === undefined) throw new PermanentStepError(`The deployment did not return its ${name} output.`);
  return entry.value;
}
