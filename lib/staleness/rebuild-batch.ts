import "server-only";
import type { ActingUser } from "@/lib/auth/acting-user";
import { requireRole } from "@/lib/auth/require-role";
import { recordAuditEvent } from "@/lib/audit/record-audit-event";
import type { PrismaClient } from "@/lib/db/client";
import { AppError, NotFoundError } from "@/lib/errors";
import { enqueueJob } from "@/lib/jobs/enqueue-job";
import { newestSucceededBuilds, reasonKey } from "./environment-health";
import { readStaleReasons, type StaleReasonKind } from "./stale-reasons";

/** The batch workflow's kind (lib/workflows/rebuild-batch): defined here so starting a batch needs nothing of lib/workflows. */
export const REBUILD_BATCH_KIND = "rebuild-batch";
/** At most this many versions in one batch; the rest stay stale and are offered again once it is done. */
export const MAX_BATCH_ITEMS = 500;

export function rebuildBatchSubject(batchId: string): string {
  return `rebuild-batch:${batchId}`;
}

export interface RebuildBatchPayload {
  batchId: string;
  /** The admin who started it: rebuilds run, and are audited, as them. */
  requestedBy: { userId: string; oid: string; name: string; email: string };
  correlationId: string;
}

/**
 * Starts rebuilding every stale, non-superseded version whose reasons include this one (kind and
 * subject), as one batch: a RebuildBatch with an item per version (its newest succeeded build is
 * what is rebuilt), audited, and a rebuild-batch job that starts the rebuilds one request at a
 * time. A version already in a batch that has not started or finished its rebuild is left out,
 * so pressing "Rebuild all" twice does not rebuild twice. Admins only.
 */
export async function startRebuildBatch(db: PrismaClient, actor: ActingUser, reason: { kind: StaleReasonKind; subject: string }, correlationId: string): Promise<{ batchId: string; jobId: string; items: number }> {
  requireRole(actor, "Feedgate.Admin");
  const stale = await db.environment.findMany({
    where: { staleAt: { not: null }, supersededAt: null },
    select: { id: true, teamId: true, staleReasons: true },
    orderBy: [{ staleAt: "asc" }, { id: "asc" }],
    take: MAX_BATCH_ITEMS * 4,
  });
  const key = reasonKey(reason);
  const matching = stale.filter((e) => readStaleReasons(e.staleReasons).some((r) => reasonKey(r) === key));
  const pending = await environmentsBeingRebuilt(db, matching.map((e) => e.id));
  const builds = await newestSucceededBuilds(db, matching.map((e) => e.id));
  const items = matching.filter((e) => !pending.has(e.id) && builds.has(e.id)).slice(0, MAX_BATCH_ITEMS);
  if (items.length === 0) {
    throw new AppError("conflict", matching.length ? "Every environment stale for this reason is being rebuilt already; follow its batch." : "No environment is stale for this reason any more; reload the page.");
  }
  const batch = await db.$transaction(async (tx) => {
    const created = await tx.rebuildBatch.create({ data: { reasonKind: reason.kind, reasonSubject: reason.subject, createdByOid: actor.oid } });
    await tx.rebuildBatchItem.createMany({ data: items.map((e) => ({ batchId: created.id, environmentId: e.id, fromBuildId: builds.get(e.id) ?? "" })) });
    return created;
  });
  const payload: RebuildBatchPayload = { batchId: batch.id, requestedBy: { userId: actor.id, oid: actor.oid, name: actor.name, email: actor.email }, correlationId };
  const job = await enqueueJob(db, { kind: REBUILD_BATCH_KIND, subject: rebuildBatchSubject(batch.id), payload: { ...payload } });
  await recordAuditEvent(db, {
    actorOid: actor.oid,
    actorName: actor.name,
    action: "rebuild_batch.started",
    targetType: "rebuild_batch",
    targetId: batch.id,
    after: { reasonKind: reason.kind, reasonSubject: reason.subject, items: items.length, jobId: job.id },
    correlationId,
  });
  return { batchId: batch.id, jobId: job.id, items: items.length };
}

export type RebuildItemState = "queued" | "rebuilding" | "fresh" | "failed";

export interface RebuildBatchItemProgress {
  environmentId: string;
  name: string;
  version: string;
  teamName: string;
  workspaceName: string;
  fromBuildId: string;
  jobId: string | null;
  state: RebuildItemState;
  /** The new version and its newest build, once the rebuild created them. */
  newVersion: string | null;
  newBuildId: string | null;
  /** What went wrong, in words a person can act on; null unless failed. */
  message: string | null;
}

export interface RebuildBatchProgress {
  id: string;
  reasonKind: StaleReasonKind | string;
  reasonSubject: string;
  createdAt: Date;
  createdByOid: string;
  /** The batch's own job: still starting rebuilds while it runs. */
  jobStatus: string | null;
  items: RebuildBatchItemProgress[];
  totals: Record<RebuildItemState, number> & { all: number };
  isDone: boolean;
}

/**
 * A batch's progress, per item: queued (not started yet), rebuilding (its provisioning job is
 * running), fresh (the new version built and is not stale, or a newer version superseded the old
 * one another way) or failed (with why). Reads are by id and bounded by the batch's items.
 */
export async function getRebuildBatch(db: PrismaClient, actor: ActingUser, id: string): Promise<RebuildBatchProgress> {
  requireRole(actor, "Feedgate.Admin");
  const batch = await db.rebuildBatch.findUnique({
    where: { id },
    include: { items: { orderBy: [{ createdAt: "asc" }, { environmentId: "asc" }], include: { environment: { select: { name: true, version: true, workspaceId: true, supersededAt: true, createdAt: true, team: { select: { name: true } }, workspace: { select: { name: true } } } } } } },
  });
  if (!batch) throw new NotFoundError("No such rebuild batch.");
  const jobIds = batch.items.flatMap((i) => (i.jobId ? [i.jobId] : []));
  const [jobs, batchJob] = await Promise.all([
    db.job.findMany({ where: { id: { in: jobIds } }, select: { id: true, status: true, lastError: true } }),
    db.job.findFirst({ where: { subject: rebuildBatchSubject(batch.id) }, orderBy: { createdAt: "desc" }, select: { status: true } }),
  ]);
  const jobById = new Map(jobs.map((j) => [j.id, j]));
  const newer = batch.items.length
    ? await db.environment.findMany({
        where: { OR: batch.items.map((i) => ({ workspaceId: i.environment.workspaceId, name: i.environment.name, createdAt: { gt: i.environment.createdAt } })) },
        select: { id: true, workspaceId: true, name: true, version: true, createdAt: true, staleAt: true, staleReasons: true },
        orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      })
    : [];
  const newestBuilds = newer.length ? await db.environmentBuild.findMany({ where: { environmentId: { in: newer.map((e) => e.id) } }, select: { id: true, environmentId: true, status: true }, orderBy: [{ queuedAt: "desc" }, { id: "desc" }] }) : [];
  const isJobOpen = batchJob ? OPEN_JOB_STATUSES.includes(batchJob.status) : false;
  const buildOf = new Map<string, { id: string; status: string }>();
  for (const b of newestBuilds) if (!buildOf.has(b.environmentId)) buildOf.set(b.environmentId, b);

  const items = batch.items.map((item): RebuildBatchItemProgress => {
    const env = item.environment;
    // The rebuild's version: the newest of the same (workspace, name) created after the item.
    const next = newer.find((e) => e.workspaceId === env.workspaceId && e.name === env.name && e.createdAt >= item.createdAt) ?? null;
    const build = next ? (buildOf.get(next.id) ?? null) : null;
    const base = { environmentId: item.environmentId, name: env.name, version: env.version, teamName: env.team.name, workspaceName: env.workspace.name, fromBuildId: item.fromBuildId, jobId: item.jobId, newVersion: next?.version ?? null, newBuildId: build?.id ?? null };
    const state = itemState(item, env.supersededAt !== null, item.jobId ? jobById.get(item.jobId) : undefined, next, build);
    if (state.state === "queued" && !isJobOpen) return { ...base, state: "failed", message: "The batch stopped before it started this rebuild; rebuild it from its build page or start the batch again." };
    return { ...base, ...state };
  });
  const totals = { queued: 0, rebuilding: 0, fresh: 0, failed: 0, all: items.length };
  for (const i of items) totals[i.state]++;
  return {
    id: batch.id,
    reasonKind: batch.reasonKind,
    reasonSubject: batch.reasonSubject,
    createdAt: batch.createdAt,
    createdByOid: batch.createdByOid,
    jobStatus: batchJob?.status ?? null,
    items,
    totals,
    isDone: !isJobOpen && totals.queued === 0 && totals.rebuilding === 0,
  };
}

/** The newest batches, for the admin page. */
export async function listRebuildBatches(db: PrismaClient, actor: ActingUser, limit = 10) {
  requireRole(actor, "Feedgate.Admin");
  return db.rebuildBatch.findMany({ orderBy: [{ createdAt: "desc" }, { id: "desc" }], take: limit, select: { id: true, reasonKind: true, reasonSubject: true, createdAt: true, _count: { select: { items: true } } } });
}

const OPEN_JOB_STATUSES: readonly string[] = ["QUEUED", "RUNNING", "WAITING"];

type JobRow = { status: string; lastError: string | null };
type NewVersion = { staleAt: Date | null; staleReasons: unknown } | null;

function itemState(item: { jobId: string | null; error: string | null }, isOldSuperseded: boolean, job: JobRow | undefined, next: NewVersion, build: { status: string } | null): { state: RebuildItemState; message: string | null } {
  if (item.error) return isOldSuperseded ? { state: "fresh", message: null } : { state: "failed", message: item.error };
  if (!item.jobId) return { state: "queued", message: null };
  if (!job) return { state: "failed", message: "The rebuild's job is gone; rebuild this environment from its build page." };
  if (job.status === "QUEUED" || job.status === "RUNNING" || job.status === "WAITING") return { state: "rebuilding", message: null };
  if (job.status !== "SUCCEEDED" || build?.status !== "SUCCEEDED") {
    return { state: "failed", message: job.lastError ? `The rebuild failed: ${job.lastError.slice(0, 300)}` : "The rebuild did not succeed; open its build to see why, then retry it." };
  }
  if (next?.staleAt) {
    const why = readStaleReasons(next.staleReasons).map((r) => r.detail).join(" ");
    return { state: "failed", message: `The new version is stale too${why ? `: ${why}` : ""}. Fix the cause (for example unpin the package), then rebuild fresh.` };
  }
  return { state: "fresh", message: null };
}

/** Versions in an item whose rebuild has not started, or whose rebuild job is still open. */
async function environmentsBeingRebuilt(db: PrismaClient, environmentIds: string[]): Promise<Set<string>> {
  if (environmentIds.length === 0) return new Set();
  const items = await db.rebuildBatchItem.findMany({ where: { environmentId: { in: environmentIds }, error: null }, select: { environmentId: true, jobId: true, batchId: true } });
  const jobIds = items.flatMap((i) => (i.jobId ? [i.jobId] : []));
  const waitingBatches = [...new Set(items.filter((i) => !i.jobId).map((i) => rebuildBatchSubject(i.batchId)))];
  const [openJobs, openBatches] = await Promise.all([
    db.job.findMany({ where: { id: { in: jobIds }, status: { in: ["QUEUED", "RUNNING", "WAITING"] } }, select: { id: true } }),
    db.job.findMany({ where: { activeSubject: { in: waitingBatches } }, select: { subject: true } }),
  ]);
  const open = new Set(openJobs.map((j) => j.id));
  const batches = new Set(openBatches.map((j) => j.subject));
  // Not started yet counts only while its batch still runs: a batch that stopped leaves it free.
  return new Set(items.filter((i) => (i.jobId ? open.has(i.jobId) : batches.has(rebuildBatchSubject(i.batchId)))).map((i) => i.environmentId));
}
