/**
 * The worker's database access: claiming a runnable job, fenced writes (`WHERE id = ? AND
 * leaseToken = ?`), heartbeat renewals, and the writes that release or end a job, with their
 * events (via lib/jobs/job-records). It knows nothing of steps; lib/jobs/run-step decides what
 * to write.
 */
import "server-only";
import { randomUUID } from "node:crypto";
import type { Job, Prisma } from "@/generated/prisma/client";
import type { Db } from "@/lib/db/client";
import {
  insertJobEvents,
  JOB_TRANSACTION_OPTIONS,
  toCheckpointsInput,
  type Checkpoints,
  type JobEventInput,
} from "@/lib/jobs/job-records";

const RUNNABLE_STATUSES = ["QUEUED", "WAITING", "RUNNING"] as const;
/** Each claim tries a few of the oldest runnable jobs in random order, so competing workers spread out. */
const CLAIM_CANDIDATES = 8;

export interface Claim {
  job: Job;
  token: string;
  isStale: boolean;
}

export interface ClaimOutcome {
  claim?: Claim;
  /** Runnable jobs were there but other workers claimed them first. */
  isContended: boolean;
}

/** The lease a fenced write checks (lib/jobs/lease's Lease), and what the write tells it. */
export interface FencedLease {
  readonly jobId: string;
  readonly token: string;
  /** A fenced write found the lease gone. */
  markLost(): void;
  /** Stops heartbeating; called before the write that releases or ends the job. */
  close(): void;
}

/** What a run has recorded of its job so far, written back when the job is released or ended. */
export interface JobProgress {
  checkpoints: Checkpoints;
  currentStep: string | null;
  stepAttempts: number;
}

export interface JobStoreOptions {
  db: Db;
  /** Names the worker in the leases it takes. */
  owner: string;
  /** How long a claim or a renewal keeps the lease. */
  leaseMs: number;
  /** Orders the claim candidates. */
  random: () => number;
}

export class JobStore {
  readonly owner: string;
  readonly leaseMs: number;
  private readonly db: Db;
  private readonly random: () => number;

  constructor(options: JobStoreOptions) {
    this.db = options.db;
    this.owner = options.owner;
    this.leaseMs = options.leaseMs;
    this.random = options.random;
  }

  /** Claims one runnable job of `kinds`, taking its lease. */
  async claimNext(kinds: readonly string[]): Promise<ClaimOutcome> {
    if (kinds.length === 0) return { isContended: false };
    const now = new Date();
    const claimable = {
      kind: { in: [...kinds] },
      runAfter: { lte: now },
      OR: [{ leaseOwner: null }, { leaseExpiresAt: { lt: now } }],
    } satisfies Prisma.JobWhereInput;
    const candidates = await this.db.job.findMany({
      where: { ...claimable, status: { in: [...RUNNABLE_STATUSES] } },
      orderBy: { runAfter: "asc" },
      take: CLAIM_CANDIDATES,
      select: { id: true, status: true },
    });
    for (const candidate of shuffle(candidates, this.random)) {
      const token = randomUUID();
      const isStale = candidate.status === "RUNNING";
      const claimedAt = new Date();
      // The conditional update is the claim: the database lets exactly one worker match it.
      const won = await this.db.job.updateMany({
        where: { ...claimable, id: candidate.id, status: candidate.status },
        data: {
          status: "RUNNING",
          leaseOwner: this.owner,
          leaseToken: token,
          leaseExpiresAt: new Date(claimedAt.getTime() + this.leaseMs),
          heartbeatAt: claimedAt,
          attempts: { increment: 1 },
          // A stale lease means the last run of the step died: that counts as an attempt, so a
          // step that kills its worker every time ends instead of looping forever.
          ...(isStale ? { stepAttempts: { increment: 1 } } : {}),
        },
      });
      if (won.count !== 1) continue;
      const job = await this.db.job.findFirst({ where: { id: candidate.id, leaseToken: token } });
      if (job) return { claim: { job, token, isStale }, isContended: false };
    }
    return { isContended: candidates.length > 0 };
  }

  /**
   * Extends the lease by leaseMs from `now`; with `unlessCancelled`, only while no cancel is
   * pending. Resolves whether the row still had this lease (and, if asked, no cancel).
   */
  async renewLease(lease: FencedLease, now: Date, { unlessCancelled }: { unlessCancelled: boolean }): Promise<boolean> {
    const renewed = await this.db.job.updateMany({
      where: { id: lease.jobId, leaseToken: lease.token, ...(unlessCancelled ? { cancelRequested: false } : {}) },
      data: { leaseExpiresAt: new Date(now.getTime() + this.leaseMs), heartbeatAt: now },
    });
    return renewed.count === 1;
  }

  /** Who holds the job now, and whether a cancel is pending. */
  readLease(jobId: string) {
    return this.db.job.findUnique({ where: { id: jobId }, select: { leaseToken: true, cancelRequested: true } });
  }

  /** Ends the job; resolves false if the lease was lost first. */
  async finish(
    lease: FencedLease,
    state: JobProgress,
    status: "SUCCEEDED" | "FAILED" | "CANCELLED",
    message: string,
    lastError: string | null = null,
    before: JobEventInput[] = [],
  ): Promise<boolean> {
    lease.close();
    const type = status === "SUCCEEDED" ? "job.succeeded" : status === "FAILED" ? "job.failed" : "job.cancelled";
    return this.writeFenced(
      lease,
      {
        status,
        checkpoints: toCheckpointsInput(state.checkpoints),
        stepAttempts: state.stepAttempts,
        lastError,
        finishedAt: new Date(),
        activeSubject: null,
        leaseOwner: null,
        leaseToken: null,
        leaseExpiresAt: null,
      },
      [...before, { step: state.currentStep, type, message }],
    );
  }

  /**
   * Hands the job back (wait, backoff, shutdown). Conditional on no cancel having arrived, since
   * a released job would otherwise sit until runAfter before anyone noticed; if one did, the job
   * ends CANCELLED instead.
   */
  async release(
    lease: FencedLease,
    state: JobProgress,
    next: { status: "QUEUED" | "WAITING"; runAfter: Date; lastError?: string },
    events: JobEventInput[],
  ): Promise<boolean> {
    lease.close();
    const ok = await this.writeFenced(
      lease,
      {
        status: next.status,
        runAfter: next.runAfter,
        checkpoints: toCheckpointsInput(state.checkpoints),
        stepAttempts: state.stepAttempts,
        ...(next.lastError === undefined ? {} : { lastError: next.lastError }),
        leaseOwner: null,
        leaseToken: null,
        leaseExpiresAt: null,
      },
      events,
      { cancelRequested: false },
    );
    if (ok) return true;
    return this.finish(lease, state, "CANCELLED", "Cancelled.");
  }

  /**
   * One transaction: update the job only if this lease still holds (row-locking it, which also
   * orders its events), then append the events. Resolves false when the condition failed.
   */
  async writeFenced(
    lease: FencedLease,
    data: Prisma.JobUpdateManyMutationInput,
    events: readonly JobEventInput[],
    extraWhere: Prisma.JobWhereInput = {},
  ): Promise<boolean> {
    const isWritten = await this.db.$transaction(async (tx) => {
      const updated = await tx.job.updateMany({
        where: { ...extraWhere, id: lease.jobId, leaseToken: lease.token },
        data: { ...data, updatedAt: new Date() },
      });
      if (updated.count !== 1) return false;
      await insertJobEvents(tx, lease.jobId, events);
      return true;
    }, JOB_TRANSACTION_OPTIONS);
    // With extra conditions the caller finds out why; with none, only a lost lease explains it.
    if (!isWritten && Object.keys(extraWhere).length === 0) lease.markLost();
    return isWritten;
  }
}

function shuffle<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
  return items;
}
