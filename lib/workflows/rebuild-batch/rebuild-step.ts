/**
 * The rebuild step. Each pass walks the items not yet started, in order, and for each:
 *  1. adopts a rebuild of its build that already exists (a provisioning job of its request, made
 *     after the item, rebuilding the same build): a worker that stopped between starting a
 *     rebuild and recording it, or a person who pressed Rebuild meanwhile; never a second start;
 *  2. skips a version that is no longer stale or was superseded (nothing to do);
 *  3. waits while its request has a provisioning job open (one per request at a time), and tries
 *     the request's other items only after that one finished;
 *  4. otherwise checkpoints the item it is starting, starts the rebuild and records its job.
 * While a request is busy the step waits on the jobs library's polling cadence and re-enters.
 */
import "server-only";
import type { ActingUser } from "@/lib/auth/acting-user";
import type { PrismaClient } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import type { StepContext, StepResult } from "@/lib/jobs/define-job";
import { PermanentStepError } from "@/lib/jobs/job-errors";
import { pollDelay } from "@/lib/jobs/poll-cadence";
import type { RebuildMode } from "@/lib/validation/rebuild-build";
import { PROVISION_REQUEST_KIND, provisionPayloadSchema } from "@/lib/workflows/provision-request/schema";
import { requestJobSubject } from "@/lib/workflows/provision-request/start";
import { rebuildBatchCheckpointSchema, type RebuildBatchCheckpoint, type RebuildBatchJobPayload } from "./schema";

export type StartRebuild = (db: PrismaClient, actor: ActingUser, buildId: string, mode: RebuildMode, correlationId: string) => Promise<{ jobId: string }>;

type Deps = { db: PrismaClient; pollMs: number; startRebuild: StartRebuild };
type Ctx = StepContext<RebuildBatchJobPayload>;
type Item = Awaited<ReturnType<typeof loadBatch>>["items"][number];

export async function runRebuildBatch(deps: Deps, ctx: Ctx): Promise<StepResult> {
  const { db } = deps;
  const parsed = rebuildBatchCheckpointSchema.safeParse(ctx.saved);
  let progress: RebuildBatchCheckpoint = parsed.success ? parsed.data : { startedAt: Date.now(), started: 0 };
  const batch = await loadBatch(db, ctx.payload.batchId);
  const actor = actingAdmin(ctx.payload);
  const busy = new Set<string>();
  let waiting = 0;

  for (const item of batch.items) {
    if (item.jobId || item.error) continue;
    const requestId = item.environment.requestId;
    if (!requestId) {
      await recordItem(db, item, { error: "This environment was not built by a Feedgate request, so Feedgate cannot rebuild it." });
      continue;
    }
    if (busy.has(requestId)) {
      waiting++;
      continue;
    }
    const adopted = await findStartedRebuild(db, requestId, item);
    if (adopted) {
      await recordItem(db, item, { jobId: adopted });
      await ctx.event("rebuild.adopted", `The rebuild of ${item.environment.name}:${item.environment.version} had started already; following it.`, { environmentId: item.environmentId, jobId: adopted });
      if (await isOpen(db, adopted)) busy.add(requestId);
      continue;
    }
    if (item.environment.supersededAt || !item.environment.staleAt) {
      await recordItem(db, item, { error: "A newer version was built, or it is no longer stale, before the batch reached it; nothing was started." });
      continue;
    }
    if (await db.job.findUnique({ where: { activeSubject: requestJobSubject(requestId) }, select: { id: true } })) {
      busy.add(requestId);
      waiting++;
      continue;
    }
    // Recorded before the rebuild is sent, so the run that follows a stop knows to look for it.
    progress = { ...progress, starting: item.environmentId };
    await ctx.checkpoint(progress);
    const outcome = await startOne(deps, ctx, actor, batch.reasonKind, item);
    if (outcome === "busy") {
      busy.add(requestId);
      waiting++;
      continue;
    }
    if (outcome === "started") {
      busy.add(requestId);
      progress = { startedAt: progress.startedAt, started: progress.started + 1 };
      await ctx.checkpoint(progress);
    }
  }
  if (waiting > 0) return ctx.waitFor(pollDelay(Date.now() - progress.startedAt, deps.pollMs), { startedAt: progress.startedAt, started: progress.started });
  await ctx.event("batch.started-all", `Every rebuild of the batch has started (${progress.started} by this batch).`);
  return { started: progress.started };
}

/** Starts one item's rebuild and records its job, or its error when the rebuild was refused. */
async function startOne(deps: Deps, ctx: Ctx, actor: ActingUser, reasonKind: string, item: Item): Promise<"started" | "busy" | "refused"> {
  const { db } = deps;
  const hasLock = (await db.buildLock.findUnique({ where: { buildId: item.fromBuildId }, select: { buildId: true } })) !== null;
  // A moved base image keeps every package as it was; a banned, revoked or yanked package needs
  // the request's own packages resolved again, without the pin that made it stale.
  const mode: RebuildMode = reasonKind === "base-image" && hasLock ? "exact" : "fresh";
  try {
    const { jobId } = await deps.startRebuild(db, actor, item.fromBuildId, mode, ctx.payload.correlationId);
    await recordItem(db, item, { jobId });
    await ctx.event("rebuild.started", `Rebuilding ${item.environment.name}:${item.environment.version} (${mode}).`, { environmentId: item.environmentId, jobId, mode });
    return "started";
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    // Another provisioning job of the request won the race since we looked: wait for it.
    if (error.code === "conflict" && (await db.job.findUnique({ where: { activeSubject: requestJobSubject(item.environment.requestId ?? "") }, select: { id: true } }))) return "busy";
    await recordItem(db, item, { error: error.message });
    await ctx.event("rebuild.refused", `${item.environment.name}:${item.environment.version} was not rebuilt: ${error.message}`, { environmentId: item.environmentId });
    return "refused";
  }
}

/** A provisioning job of the request, made since the item, that rebuilds the item's build. */
async function findStartedRebuild(db: PrismaClient, requestId: string, item: Item): Promise<string | null> {
  const jobs = await db.job.findMany({
    where: { kind: PROVISION_REQUEST_KIND, subject: requestJobSubject(requestId), createdAt: { gte: item.createdAt } },
    select: { id: true, payload: true },
    orderBy: { createdAt: "asc" },
  });
  for (const job of jobs) {
    const payload = provisionPayloadSchema.safeParse(job.payload);
    if (payload.success && payload.data.rebuild?.fromBuildId === item.fromBuildId) return job.id;
  }
  return null;
}

async function isOpen(db: PrismaClient, jobId: string): Promise<boolean> {
  const job = await db.job.findUnique({ where: { id: jobId }, select: { status: true } });
  return job !== null && ["QUEUED", "RUNNING", "WAITING"].includes(job.status);
}

async function recordItem(db: PrismaClient, item: Item, data: { jobId: string } | { error: string }): Promise<void> {
  // Conditional on the item still being open, so a second writer never overwrites the first.
  await db.rebuildBatchItem.updateMany({ where: { batchId: item.batchId, environmentId: item.environmentId, jobId: null, error: null }, data: "jobId" in data ? { jobId: data.jobId } : { error: data.error.slice(0, 500) } });
}

async function loadBatch(db: PrismaClient, batchId: string) {
  const batch = await db.rebuildBatch.findUnique({
    where: { id: batchId },
    include: { items: { orderBy: [{ createdAt: "asc" }, { environmentId: "asc" }], include: { environment: { select: { name: true, version: true, requestId: true, staleAt: true, supersededAt: true } } } } },
  });
  if (!batch) throw new PermanentStepError("The rebuild batch was removed before it ran.");
  return batch;
}

/** The admin who started the batch, as the rebuilds' actor; their role was checked when it was queued. */
function actingAdmin(payload: RebuildBatchJobPayload): ActingUser {
  const who = payload.requestedBy;
  return { id: who.userId, oid: who.oid, name: who.name, email: who.email, roles: ["Feedgate.Admin"], teamIds: [] };
}
