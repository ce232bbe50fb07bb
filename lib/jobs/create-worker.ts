/**
 * The durable worker. It claims a runnable job with a conditional UPDATE that sets a lease
 * (owner, random token, expiry), runs its steps in order while heartbeating, and writes every
 * state change with `WHERE id = ? AND leaseToken = ?`, so a worker that lost its lease (stalled,
 * partitioned, or presumed dead) can never commit a step another worker now owns.
 *
 * Idle workers sleep: the poll interval doubles from idlePollMs.min to idlePollMs.max while the
 * queue is empty, and in-process enqueues, freed slots and known wake-up times (waits, backoffs)
 * wake the worker early.
 */
import "server-only";
import { randomUUID } from "node:crypto";
import type { Job, Prisma } from "@/generated/prisma/client";
import type { Db } from "@/lib/db/client";
import { computeBackoff } from "@/lib/jobs/compute-backoff";
import {
  isStepWait,
  StepWait,
  type BackoffPolicy,
  type JobDefinition,
  type JsonValue,
  type RegisteredStep,
  type StepContext,
} from "@/lib/jobs/define-job";
import {
  PermanentStepError,
  RetryableStepError,
  StepInterruptedError,
  readRetryAfterMs,
  type InterruptReason,
} from "@/lib/jobs/job-errors";
import {
  insertJobEvents,
  JOB_TRANSACTION_OPTIONS,
  parseCheckpoints,
  toCheckpointsInput,
  type Checkpoints,
  type JobEventInput,
} from "@/lib/jobs/job-records";
import { onCancelRequested, onJobReady } from "@/lib/jobs/job-wakeup";

export interface JobLogger {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

export interface WorkerOptions {
  db: Db;
  /** Names this worker in leases and logs, e.g. `hostname:pid`. */
  owner: string;
  jobs: readonly JobDefinition[];
  /** Jobs run at once by this worker; default 2. */
  concurrency?: number;
  /** How long a claim stays valid without a heartbeat; default 30 s. */
  leaseMs?: number;
  /** Default leaseMs / 3, so two heartbeats can fail before the lease expires. */
  heartbeatMs?: number;
  /** Idle poll interval, doubling from min to max while nothing is runnable; default 100 ms – 2 s. */
  idlePollMs?: { min: number; max: number };
  /** Retry backoff for steps that do not set their own; default 1 s doubling to 5 min. */
  backoff?: BackoffPolicy;
  /** How long stop() lets running steps finish before interrupting them; default 20 s. */
  shutdownGraceMs?: number;
  logger?: JobLogger;
  /** Replaces Math.random for backoff jitter (tests). */
  random?: () => number;
}

export interface JobWorker {
  start(): void;
  /** Stops claiming, lets running steps finish (up to graceMs), then interrupts and releases the rest. */
  stop(options?: { graceMs?: number }): Promise<void>;
  /** Ids of the jobs this worker holds right now. */
  activeJobIds(): string[];
}

const RUNNABLE_STATUSES = ["QUEUED", "WAITING", "RUNNING"] as const;
/** Each claim tries a few of the oldest runnable jobs in random order, so competing workers spread out. */
const CLAIM_CANDIDATES = 8;

export function createWorker(options: WorkerOptions): JobWorker {
  const db = options.db;
  const owner = options.owner;
  const concurrency = Math.max(1, options.concurrency ?? 2);
  const leaseMs = options.leaseMs ?? 30_000;
  const heartbeatMs = options.heartbeatMs ?? Math.max(10, Math.floor(leaseMs / 3));
  const idle = options.idlePollMs ?? { min: 100, max: 2_000 };
  const defaultBackoff = options.backoff ?? { baseMs: 1_000, capMs: 5 * 60_000 };
  const graceDefault = options.shutdownGraceMs ?? 20_000;
  const log = options.logger ?? consoleLogger;
  const random = options.random ?? Math.random;
  const definitions = new Map(options.jobs.map((job) => [job.kind, job]));
  const kinds = [...definitions.keys()];

  const leases = new Map<string, Lease>();
  const runs = new Set<Promise<void>>();
  let started = false;
  let stopping = false;
  let dispatcher: Promise<void> | undefined;
  let wakeSleeper: (() => void) | undefined;
  let wakeTimer: { at: number; timer: NodeJS.Timeout } | undefined;
  const unsubscribe: (() => void)[] = [];

  let hasPendingWake = false;

  function wake() {
    // A wake-up that arrives while the dispatcher is busy claiming must not be lost.
    if (wakeSleeper) wakeSleeper();
    else hasPendingWake = true;
  }

  /** Wakes the dispatcher at `at` (a wait or backoff this worker set), keeping only the earliest. */
  function wakeAt(at: number) {
    const delay = at - Date.now();
    if (delay <= 0) return wake();
    if (wakeTimer && wakeTimer.at <= at) return;
    if (wakeTimer) clearTimeout(wakeTimer.timer);
    wakeTimer = {
      at,
      timer: setTimeout(() => {
        wakeTimer = undefined;
        wake();
      }, delay),
    };
  }

  function sleep(ms: number): Promise<void> {
    if (hasPendingWake) {
      hasPendingWake = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wakeSleeper = undefined;
        resolve();
      }
      wakeSleeper = done;
    });
  }

  async function dispatch() {
    let idleDelay = idle.min;
    while (!stopping) {
      if (leases.size >= concurrency) {
        // Woken when a run finishes; the long timeout is only a safety net.
        await sleep(idle.max);
        continue;
      }
      let outcome: ClaimOutcome;
      try {
        outcome = await claimNext();
      } catch (error) {
        log.error({ owner, err: describeError(error) }, "job claim failed");
        await sleep(idle.max);
        continue;
      }
      if (outcome.claim) {
        idleDelay = idle.min;
        startRun(outcome.claim);
        continue;
      }
      // Other workers won every candidate: there is work, so look again at once.
      if (outcome.isContended) continue;
      await sleep(idleDelay);
      idleDelay = Math.min(idleDelay * 2, idle.max);
    }
  }

  async function claimNext(): Promise<ClaimOutcome> {
    if (kinds.length === 0) return { isContended: false };
    const now = new Date();
    const claimable = {
      kind: { in: kinds },
      runAfter: { lte: now },
      OR: [{ leaseOwner: null }, { leaseExpiresAt: { lt: now } }],
    } satisfies Prisma.JobWhereInput;
    const candidates = await db.job.findMany({
      where: { ...claimable, status: { in: [...RUNNABLE_STATUSES] } },
      orderBy: { runAfter: "asc" },
      take: CLAIM_CANDIDATES,
      select: { id: true, status: true },
    });
    for (const candidate of shuffle(candidates, random)) {
      const token = randomUUID();
      const isStale = candidate.status === "RUNNING";
      const claimedAt = new Date();
      // The conditional update is the claim: the database lets exactly one worker match it.
      const won = await writeInTransaction((tx) => tx.job.updateMany({
        where: { ...claimable, id: candidate.id, status: candidate.status },
        data: {
          status: "RUNNING",
          leaseOwner: owner,
          leaseToken: token,
          leaseExpiresAt: new Date(claimedAt.getTime() + leaseMs),
          heartbeatAt: claimedAt,
          attempts: { increment: 1 },
          // A stale lease means the last run of the step died: that counts as an attempt, so a
          // step that kills its worker every time ends instead of looping forever.
          ...(isStale ? { stepAttempts: { increment: 1 } } : {}),
        },
      }));
      if (won.count !== 1) continue;
      const job = await db.job.findFirst({ where: { id: candidate.id, leaseToken: token } });
      if (job) return { claim: { job, token, isStale }, isContended: false };
    }
    return { isContended: candidates.length > 0 };
  }

  function startRun(claim: Claim) {
    const lease = new Lease(claim.job.id, claim.token);
    leases.set(claim.job.id, lease);
    const run = runJob(claim, lease)
      .catch((error: unknown) => {
        // Usually the database went away mid-write; the lease expires and another claim resumes.
        log.error({ owner, jobId: claim.job.id, err: describeError(error) }, "job run aborted");
      })
      .finally(() => {
        lease.close();
        leases.delete(claim.job.id);
        runs.delete(run);
        wake();
      });
    runs.add(run);
  }

  async function runJob({ job, isStale }: Claim, lease: Lease) {
    const definition = definitions.get(job.kind);
    if (!definition) return;
    const state: RunState = {
      checkpoints: parseCheckpoints(job.checkpoints),
      currentStep: job.currentStep,
      stepAttempts: job.stepAttempts,
      isCancelRequested: job.cancelRequested,
    };
    if (isStale) {
      const ok = await writeFenced(lease, {}, [
        { step: job.currentStep, type: "job.recovered", message: "A worker stopped while running this job; resuming." },
      ]);
      if (!ok) return;
    }

    for (;;) {
      if (lease.isLost) return;
      if (lease.reason === "cancelled") state.isCancelRequested = true;
      const step = definition.steps.find((s) => !state.checkpoints[s.name]?.done);
      if (!step) {
        await finish(lease, state, "SUCCEEDED", "Finished.");
        return;
      }
      if (state.isCancelRequested) {
        await finish(lease, state, "CANCELLED", "Cancelled.");
        return;
      }
      if (stopping || lease.reason === "shutdown") {
        await release(lease, state, { status: "QUEUED", runAfter: new Date() }, []);
        return;
      }
      if (state.stepAttempts >= step.maxAttempts) {
        const message = `Step “${step.name}” did not complete after ${state.stepAttempts} attempts: the worker running it stopped each time.`;
        await finish(lease, state, "FAILED", message, message);
        return;
      }
      if (state.currentStep !== step.name) {
        const ok = await enterStep(lease, state, step);
        if (!ok) return;
      }
      const isDone = await runStep(job, definition, step, lease, state);
      if (isDone) return;
    }
  }

  /** Runs one step and records its outcome; resolves true when this run of the job is over. */
  async function runStep(job: Job, definition: JobDefinition, step: RegisteredStep, lease: Lease, state: RunState): Promise<boolean> {
    const entry = state.checkpoints[step.name];
    const results: Record<string, JsonValue> = {};
    for (const s of definition.steps) {
      const c = state.checkpoints[s.name];
      if (c?.done) results[s.name] = c.data ?? null;
    }
    const ctx: StepContext<unknown> = {
      jobId: job.id,
      kind: job.kind,
      subject: job.subject,
      step: step.name,
      payload: job.payload,
      attempt: state.stepAttempts + 1,
      maxAttempts: step.maxAttempts,
      results,
      saved: entry && "data" in entry ? entry.data : undefined,
      signal: lease.signal,
      checkpoint: async (data) => {
        if (lease.isLost) throw lease.signal.reason;
        const checkpoints = { ...state.checkpoints, [step.name]: { ...state.checkpoints[step.name], done: false, data } };
        const ok = await writeFenced(lease, { checkpoints: toCheckpointsInput(checkpoints) }, []);
        if (!ok) throw lease.signal.reason;
        state.checkpoints = checkpoints;
      },
      event: async (type, message, data) => {
        if (lease.isLost) throw lease.signal.reason;
        const ok = await writeFenced(lease, {}, [{ step: step.name, type, message, ...(data === undefined ? {} : { data }) }]);
        if (!ok) throw lease.signal.reason;
      },
      waitFor: (ms, data) => new StepWait(Math.max(0, ms), data),
    };

    let result: unknown;
    let failure: unknown;
    let hasFailed = false;
    try {
      result = await step.run(ctx);
    } catch (error) {
      failure = error;
      hasFailed = true;
    }
    if (lease.isLost) {
      log.warn({ owner, jobId: job.id, step: step.name }, "lease lost; discarding the step's outcome");
      return true;
    }
    const interrupt = lease.reason;

    if (!hasFailed && !isStepWait(result)) {
      // The step finished; record it even if a cancel or shutdown arrived meanwhile, so its side
      // effects are never repeated. The loop then honours the cancel or shutdown.
      return !(await completeStep(lease, state, definition, step, (result as JsonValue | undefined) ?? entryData(state, step)));
    }
    if (!hasFailed && isStepWait(result)) {
      const checkpoints =
        result.data === undefined
          ? state.checkpoints
          : { ...state.checkpoints, [step.name]: { ...state.checkpoints[step.name], done: false, data: result.data } };
      if (interrupt === "cancelled" || state.isCancelRequested) {
        state.checkpoints = checkpoints;
        await finish(lease, state, "CANCELLED", "Cancelled.");
        return true;
      }
      const runAfter = new Date(Date.now() + result.delayMs);
      // A wait is progress: the attempt budget bounds consecutive failures, not polls.
      const released = await release(lease, { ...state, checkpoints, stepAttempts: 0 }, { status: "WAITING", runAfter }, []);
      if (released) wakeAt(runAfter.getTime());
      return true;
    }

    if (interrupt === "cancelled") {
      await finish(lease, state, "CANCELLED", "Cancelled.");
      return true;
    }
    if (interrupt === "shutdown") {
      // Not the step's fault: hand it back without spending an attempt.
      await release(lease, state, { status: "QUEUED", runAfter: new Date() }, [
        { step: step.name, type: "step.interrupted", message: "The worker shut down; another run will resume this step." },
      ]);
      return true;
    }
    const userMessage = describeForUser(step, failure);
    if (failure instanceof PermanentStepError) {
      log.warn({ owner, jobId: job.id, step: step.name, err: describeError(failure) }, "step failed permanently");
      await finish(lease, state, "FAILED", `Step “${step.name}” failed: ${userMessage}`, userMessage);
      return true;
    }
    const failures = state.stepAttempts + 1;
    log.warn({ owner, jobId: job.id, step: step.name, attempt: failures, err: describeError(failure) }, "step failed");
    if (failures >= step.maxAttempts) {
      const message = `${userMessage} (gave up after ${failures} attempt${failures === 1 ? "" : "s"})`;
      await finish(lease, { ...state, stepAttempts: failures }, "FAILED", `Step “${step.name}” failed: ${message}`, message);
      return true;
    }
    const delayMs = computeBackoff(failures, step.backoff ?? defaultBackoff, readRetryAfterMs(failure), random);
    const runAfter = new Date(Date.now() + delayMs);
    const released = await release(
      lease,
      { ...state, stepAttempts: failures },
      { status: "QUEUED", runAfter, lastError: userMessage },
      [
        {
          step: step.name,
          type: "step.retrying",
          message: `Attempt ${failures} of ${step.maxAttempts} failed: ${userMessage} Retrying in ${formatDelay(delayMs)}.`,
          data: { attempt: failures, maxAttempts: step.maxAttempts, delayMs },
        },
      ],
    );
    if (released) wakeAt(runAfter.getTime());
    return true;
  }

  async function enterStep(lease: Lease, state: RunState, step: RegisteredStep): Promise<boolean> {
    const checkpoints = { ...state.checkpoints, [step.name]: { ...state.checkpoints[step.name], done: false, startedAt: new Date().toISOString() } };
    const ok = await writeFenced(
      lease,
      { currentStep: step.name, maxAttempts: step.maxAttempts, stepAttempts: 0, checkpoints: toCheckpointsInput(checkpoints) },
      [{ step: step.name, type: "step.started", message: `Started “${step.name}”.` }],
    );
    if (ok) Object.assign(state, { checkpoints, currentStep: step.name, stepAttempts: 0 });
    return ok;
  }

  /**
   * Records the step as done, atomically with the lease check, and moves on to the next step in
   * the same write. Resolves false when the lease is gone (the outcome is then discarded).
   */
  async function completeStep(
    lease: Lease,
    state: RunState,
    definition: JobDefinition,
    step: RegisteredStep,
    data: JsonValue,
  ): Promise<boolean> {
    const now = new Date().toISOString();
    const checkpoints: Checkpoints = { ...state.checkpoints, [step.name]: { ...state.checkpoints[step.name], done: true, data, finishedAt: now } };
    const next = definition.steps.find((s) => !checkpoints[s.name]?.done);
    const events: JobEventInput[] = [{ step: step.name, type: "step.succeeded", message: `Finished “${step.name}”.` }];
    if (!next) {
      state.checkpoints = checkpoints;
      return finish(lease, state, "SUCCEEDED", "Finished.", null, events);
    }
    const withNext: Checkpoints = { ...checkpoints, [next.name]: { ...checkpoints[next.name], done: false, startedAt: now } };
    const isAdvanced = await writeFenced(
      lease,
      { checkpoints: toCheckpointsInput(withNext), currentStep: next.name, maxAttempts: next.maxAttempts, stepAttempts: 0, lastError: null },
      [...events, { step: next.name, type: "step.started", message: `Started “${next.name}”.` }],
      // Only advance when no cancel is pending; that saves re-reading the flag after every step.
      { cancelRequested: false },
    );
    if (isAdvanced) {
      Object.assign(state, { checkpoints: withNext, currentStep: next.name, stepAttempts: 0 });
      return true;
    }
    // A cancel arrived (or the lease is gone, and then this write fails too): keep the step's
    // result, since its side effects happened, and end the job.
    state.checkpoints = checkpoints;
    await finish(lease, state, "CANCELLED", "Cancelled.", null, events);
    return false;
  }

  /** Ends the job; resolves false if the lease was lost first. */
  async function finish(
    lease: Lease,
    state: RunState,
    status: "SUCCEEDED" | "FAILED" | "CANCELLED",
    message: string,
    lastError: string | null = null,
    before: JobEventInput[] = [],
  ): Promise<boolean> {
    lease.close();
    const type = status === "SUCCEEDED" ? "job.succeeded" : status === "FAILED" ? "job.failed" : "job.cancelled";
    return writeFenced(
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
  async function release(
    lease: Lease,
    state: RunState,
    next: { status: "QUEUED" | "WAITING"; runAfter: Date; lastError?: string },
    events: JobEventInput[],
  ): Promise<boolean> {
    lease.close();
    const ok = await writeFenced(
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
    return finish(lease, state, "CANCELLED", "Cancelled.");
  }

  /**
   * Every write of the worker goes through a transaction, even single statements. The SQLite
   * adapter shares one connection per client and only transactions take its lock, so a plain
   * write issued while another transaction is open joins that transaction and vanishes if it
   * rolls back. Inside a transaction of its own the write cannot be swallowed like that.
   */
  function writeInTransaction<T>(write: (tx: Prisma.TransactionClient) => Promise<T>): Promise<T> {
    return db.$transaction(write, JOB_TRANSACTION_OPTIONS);
  }

  /**
   * One transaction: update the job only if this lease still holds (row-locking it, which also
   * orders its events), then append the events. Resolves false when the condition failed.
   */
  async function writeFenced(
    lease: Lease,
    data: Prisma.JobUpdateManyMutationInput,
    events: readonly JobEventInput[],
    extraWhere: Prisma.JobWhereInput = {},
  ): Promise<boolean> {
    const isWritten = await db.$transaction(async (tx) => {
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

  /** A claim's lease: heartbeats, notices cancels and losses, and aborts the step's signal. */
  class Lease {
    private readonly controller = new AbortController();
    private readonly timer: NodeJS.Timeout;
    private lastRenewedAt = Date.now();
    private isRenewing = false;
    private isClosed = false;
    isLost = false;

    constructor(
      readonly jobId: string,
      readonly token: string,
    ) {
      this.timer = setInterval(() => void this.renew(), heartbeatMs);
    }

    get signal(): AbortSignal {
      return this.controller.signal;
    }

    get reason(): InterruptReason | undefined {
      if (this.isLost) return "lease-lost";
      const reason: unknown = this.controller.signal.reason;
      return reason instanceof StepInterruptedError ? reason.reason : undefined;
    }

    interrupt(reason: InterruptReason) {
      if (!this.controller.signal.aborted) this.controller.abort(new StepInterruptedError(reason));
    }

    markLost() {
      this.isLost = true;
      this.interrupt("lease-lost");
    }

    /** Stops heartbeating; called before the write that releases or ends the job. */
    close() {
      this.isClosed = true;
      clearInterval(this.timer);
    }

    async renew() {
      if (this.isRenewing || this.isClosed) return;
      this.isRenewing = true;
      try {
        const now = new Date();
        const renewed = await writeInTransaction((tx) =>
          tx.job.updateMany({
            where: { id: this.jobId, leaseToken: this.token, cancelRequested: false },
            data: { leaseExpiresAt: new Date(now.getTime() + leaseMs), heartbeatAt: now },
          }),
        );
        if (renewed.count === 1) {
          this.lastRenewedAt = now.getTime();
          return;
        }
        const row = await db.job.findUnique({ where: { id: this.jobId }, select: { leaseToken: true, cancelRequested: true } });
        if (this.isClosed) return;
        if (row?.leaseToken !== this.token) {
          log.warn({ owner, jobId: this.jobId }, "lease lost; interrupting the step");
          this.markLost();
          return;
        }
        if (row.cancelRequested) {
          // Keep the lease while the step winds down, then stop it.
          const kept = await writeInTransaction((tx) =>
            tx.job.updateMany({
              where: { id: this.jobId, leaseToken: this.token },
              data: { leaseExpiresAt: new Date(now.getTime() + leaseMs), heartbeatAt: now },
            }),
          );
          if (kept.count === 1) this.lastRenewedAt = now.getTime();
          this.interrupt("cancelled");
        }
      } catch (error) {
        // Without a confirmed renewal for a whole lease period another worker may own the job.
        log.warn({ owner, jobId: this.jobId, err: describeError(error) }, "heartbeat failed");
        if (Date.now() - this.lastRenewedAt >= leaseMs) this.markLost();
      } finally {
        this.isRenewing = false;
      }
    }
  }

  return {
    start() {
      if (started) return;
      started = true;
      unsubscribe.push(
        onJobReady((at) => (at.getTime() <= Date.now() ? wake() : wakeAt(at.getTime()))),
        onCancelRequested((jobId) => void leases.get(jobId)?.renew()),
      );
      dispatcher = dispatch();
    },
    async stop({ graceMs = graceDefault } = {}) {
      if (!started || stopping) {
        await dispatcher;
        return;
      }
      stopping = true;
      wake();
      await dispatcher;
      if (runs.size > 0) {
        let graceTimer: NodeJS.Timeout | undefined;
        const graceOver = new Promise<void>((resolve) => (graceTimer = setTimeout(resolve, graceMs)));
        await Promise.race([Promise.allSettled([...runs]), graceOver]);
        clearTimeout(graceTimer);
        for (const lease of leases.values()) lease.interrupt("shutdown");
        await Promise.allSettled([...runs]);
      }
      if (wakeTimer) clearTimeout(wakeTimer.timer);
      for (const off of unsubscribe.splice(0)) off();
    },
    activeJobIds: () => [...leases.keys()],
  };
}

interface Claim {
  job: Job;
  token: string;
  isStale: boolean;
}

interface ClaimOutcome {
  claim?: Claim;
  /** Runnable jobs were there but other workers claimed them first. */
  isContended: boolean;
}

interface RunState {
  checkpoints: Checkpoints;
  currentStep: string | null;
  stepAttempts: number;
  isCancelRequested: boolean;
}

function entryData(state: RunState, step: RegisteredStep): JsonValue {
  const entry = state.checkpoints[step.name];
  return entry && "data" in entry && entry.data !== undefined ? entry.data : null;
}

/** Typed errors carry text written for users; anything else stays in the log. */
function describeForUser(step: RegisteredStep, error: unknown): string {
  if (error instanceof PermanentStepError || error instanceof RetryableStepError) return error.message;
  return `Step “${step.name}” failed unexpectedly.`;
}

function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

function formatDelay(ms: number): string {
  return ms < 1_000 ? `${ms} ms` : ms < 120_000 ? `${Math.round(ms / 1_000)} s` : `${Math.round(ms / 60_000)} min`;
}

function shuffle<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
  return items;
}

const consoleLogger: JobLogger = {
  info: (fields, message) => console.log(JSON.stringify({ level: "info", msg: message, ...fields })),
  warn: (fields, message) => console.warn(JSON.stringify({ level: "warn", msg: message, ...fields })),
  error: (fields, message) => console.error(JSON.stringify({ level: "error", msg: message, ...fields })),
};
