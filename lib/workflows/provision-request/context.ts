/**
 * What every step of the provisioning workflow shares: its dependencies, the step context type,
 * the request it works on, and the mapping of cloud errors onto the runner's retry decisions.
 */
import "server-only";
import type { Cloud } from "@/lib/cloud/cloud";
import { CloudError } from "@/lib/cloud/cloud-error";
import { CredentialReferenceError } from "@/lib/cloud/credentials";
import type { PrismaClient } from "@/lib/db/client";
import { env } from "@/lib/env";
import type { StepContext } from "@/lib/jobs/define-job";
import { PermanentStepError, RetryableStepError } from "@/lib/jobs/job-errors";
import { SharedReadBudget, type ReadLimits } from "@/lib/jobs/read-budget";
import { transitionRequest } from "@/lib/request-state/transition";
import { feedRequestSchema } from "@/lib/validation/feed-request";
import type { ProvisionPayload } from "./schema";

export interface ProvisionOptions {
  db: PrismaClient;
  cloud: Cloud;
  /** The first and shortest wait between polls of ARM and the build (ms); see lib/jobs/poll-cadence. */
  pollMs?: number;
  /** The shared read budgets' limits; by default from configuration (ARM_READS_PER_SECOND, …). */
  readLimits?: Partial<Record<BudgetName, ReadLimits>>;
  /** The clock of the polling schedule and the budgets (benchmarks simulate an hour with it). */
  clock?: Clock;
  /** SSH key for Nexus VMs Feedgate deploys. */
  nexusVmSshPublicKey?: string;
  location?: string;
}

export interface ProvisionDeps extends ProvisionOptions {
  pollMs: number;
}

export type Ctx = StepContext<ProvisionPayload>;

export interface Clock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

type BudgetName = "arm" | "amlDataPlane";

const budgets = new WeakMap<ProvisionDeps, Record<BudgetName, SharedReadBudget>>();

/**
 * The read budgets this workflow's polls spend, shared through the database by every worker
 * polling the same subscription.
 *
 * ARM's limits, per "Understand how Azure Resource Manager throttles requests"
 * (https://learn.microsoft.com/azure/azure-resource-manager/management/request-limits-and-throttling):
 * since 2024 ARM throttles with token buckets per region, subscription, security principal and
 * operation type; reads get a bucket of 250 that refills at 25 per second, and all principals of
 * a subscription together 15 times that. The older limits, still documented for some clouds
 * (Azure operated by 21Vianet), are 12,000 reads an hour per principal and ARM instance. A 429
 * carries Retry-After. Feedgate's default (ARM_READS_PER_SECOND=3, bursts of 30: 10,800 reads an
 * hour) stays inside both and leaves the rest of its principal's reads to its other ARM calls
 * (Azure ML's control plane, resource groups) and to the SDK's retries.
 *
 * The AML image data plane (regional, undocumented) publishes no limits: it gets a budget of its
 * own (AML_DATA_PLANE_READS_PER_SECOND), keyed the same way.
 */
export function readBudgets(deps: ProvisionDeps): Record<BudgetName, SharedReadBudget> {
  let found = budgets.get(deps);
  if (!found) {
    const limits = (name: BudgetName, perSecond: () => number): ReadLimits => deps.readLimits?.[name] ?? burstOf(perSecond());
    const clock = deps.clock;
    const common = { db: deps.db, ...(clock ? { now: () => clock.now(), wait: (ms: number, signal?: AbortSignal) => clock.sleep(ms, signal) } : {}) };
    found = {
      arm: new SharedReadBudget({ ...common, key: `arm:${deps.cloud.subscriptionId}`, limits: limits("arm", () => env.ARM_READS_PER_SECOND) }),
      amlDataPlane: new SharedReadBudget({ ...common, key: `aml-data-plane:${deps.cloud.subscriptionId}`, limits: limits("amlDataPlane", () => env.AML_DATA_PLANE_READS_PER_SECOND) }),
    };
    budgets.set(deps, found);
  }
  return found;
}

export function nowOf(deps: ProvisionDeps): number {
  return deps.clock?.now() ?? Date.now();
}

/** Bursts of ten seconds' worth, as ARM's own buckets are sized (250 tokens at 25 per second). */
function burstOf(perSecond: number): ReadLimits {
  return { perSecond, burst: Math.max(1, Math.round(perSecond * 10)) };
}

export async function loadRequest(db: PrismaClient, ctx: Ctx) {
  const request = await db.feedRequest.findUnique({ where: { id: ctx.payload.requestId }, include: { team: true } });
  if (!request) throw new PermanentStepError("The request no longer exists.");
  const parsed = feedRequestSchema.safeParse(request.payload);
  if (!parsed.success) throw new PermanentStepError("The stored request does not pass validation any more; submit it again.");
  return { request, payload: parsed.data };
}

/** Maps cloud errors onto the runner's retry decisions, and records why a request failed. */
export async function guard<T>(db: PrismaClient, ctx: Ctx, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    const mapped = mapError(error);
    if (mapped instanceof PermanentStepError || ctx.attempt >= ctx.maxAttempts) {
      await transitionRequest(db, ctx.payload.requestId, ["APPROVED", "PROVISIONING"], "FAILED", `${ctx.step}: ${mapped.message}`).catch(() => undefined);
    }
    throw mapped;
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
