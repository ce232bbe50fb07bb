/**
 * Runs a claimed job: its steps in order, each with a StepContext, and maps every outcome (done,
 * wait, retry, permanent failure, interruption) to the store's fenced writes.
 */
import "server-only";
import type { Job } from "@/generated/prisma/client";
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
  readRetryAfterMs,
  type InterruptReason,
} from "@/lib/jobs/job-errors";
import { parseCheckpoints, toCheckpointsInput, type Checkpoints, type JobEventInput } from "@/lib/jobs/job-records";
import type { Claim, JobProgress, JobStore } from "@/lib/jobs/job-store";
import type { Lease } from "@/lib/jobs/lease";
import { describeError, type JobLogger } from "@/lib/jobs/worker-logger";

export interface JobRunnerOptions {
  store: JobStore;
  log: JobLogger;
  definitions: ReadonlyMap<string, JobDefinition>;
  /** Retry backoff for steps that do not set their own. */
  backoff: BackoffPolicy;
  /** Backoff jitter. */
  random: () => number;
  /** Wakes the dispatcher at `at`, when a job this worker handed back becomes runnable. */
  wakeAt(at: number): void;
  /** True once the worker is stopping. */
  isStopping(): boolean;
}

interface RunState extends JobProgress {
  isCancelRequested: boolean;
}

export class JobRunner {
  private readonly store: JobStore;
  private readonly log: JobLogger;
  private readonly owner: string;

  constructor(private readonly options: JobRunnerOptions) {
    this.store = options.store;
    this.log = options.log;
    this.owner = options.store.owner;
  }

  async runJob({ job, isStale }: Claim, lease: Lease) {
    const definition = this.options.definitions.get(job.kind);
    if (!definition) return;
    const state: RunState = {
      checkpoints: parseCheckpoints(job.checkpoints),
      currentStep: job.currentStep,
      stepAttempts: job.stepAttempts,
      isCancelRequested: job.cancelRequested,
    };
    if (isStale) {
      const ok = await this.store.writeFenced(lease, {}, [
        { step: job.currentStep, type: "job.recovered", message: "A worker stopped while running this job; resuming." },
      ]);
      if (!ok) return;
    }

    for (;;) {
      if (lease.isLost) return;
      if (lease.reason === "cancelled") state.isCancelRequested = true;
      const step = definition.steps.find((s) => !state.checkpoints[s.name]?.done);
      if (!step) {
        await this.store.finish(lease, state, "SUCCEEDED", "Finished.");
        return;
      }
      if (state.isCancelRequested) {
        await this.store.finish(lease, state, "CANCELLED", "Cancelled.");
        return;
      }
      if (this.options.isStopping() || lease.reason === "shutdown") {
        await this.store.release(lease, state, { status: "QUEUED", runAfter: new Date() }, []);
        return;
      }
      if (state.stepAttempts >= step.maxAttempts) {
        const message = `Step “${step.name}” did not complete after ${state.stepAttempts} attempts: the worker running it stopped each time.`;
        await this.store.finish(lease, state, "FAILED", message, message);
        return;
      }
      if (state.currentStep !== step.name) {
        const ok = await this.enterStep(lease, state, step);
        if (!ok) return;
      }
      const isDone = await this.runStep(job, definition, step, lease, state);
      if (isDone) return;
    }
  }

  /** Runs one step and records its outcome; resolves true when this run of the job is over. */
  private async runStep(job: Job, definition: JobDefinition, step: RegisteredStep, lease: Lease, state: RunState): Promise<boolean> {
    const ctx = this.stepContext(job, definition, step, lease, state);
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
      this.log.warn({ owner: this.owner, jobId: job.id, step: step.name }, "lease lost; discarding the step's outcome");
      return true;
    }
    const interrupt = lease.reason;

    if (!hasFailed && !isStepWait(result)) {
      // The step finished; record it even if a cancel or shutdown arrived meanwhile, so its side
      // effects are never repeated. The loop then honours the cancel or shutdown.
      return !(await this.completeStep(lease, state, definition, step, (result as JsonValue | undefined) ?? entryData(state, step)));
    }
    if (!hasFailed && isStepWait(result)) return this.recordWait(lease, state, step, result, interrupt);
    return this.recordFailure(job, step, lease, state, failure, interrupt);
  }

  /** The step's view of the job, with checkpoint() and event() fenced by the lease. */
  private stepContext(job: Job, definition: JobDefinition, step: RegisteredStep, lease: Lease, state: RunState): StepContext<unknown> {
    const entry = state.checkpoints[step.name];
    const saved = entry && "data" in entry ? entry.data : undefined;
    const results: Record<string, JsonValue> = {};
    for (const s of definition.steps) {
      const c = state.checkpoints[s.name];
      if (c?.done) results[s.name] = c.data ?? null;
    }
    // What this run started from: a checkpoint that records something else is progress.
    const entrySaved = canonicalJson(saved);
    const entryAttempts = state.stepAttempts;
    return {
      jobId: job.id,
      kind: job.kind,
      subject: job.subject,
      step: step.name,
      payload: job.payload,
      // Live: a checkpoint during the run resets it.
      get attempt() {
        return state.stepAttempts + 1;
      },
      maxAttempts: step.maxAttempts,
      results,
      saved,
      signal: lease.signal,
      checkpoint: async (data) => {
        if (lease.isLost) throw lease.signal.reason;
        const checkpoints = { ...state.checkpoints, [step.name]: { ...state.checkpoints[step.name], done: false, data } };
        // Progress resets the attempt budget, as a wait does: it bounds runs that die or fail
        // without getting anywhere, not long steps that keep advancing. Saving what the run
        // started from again is not progress, so a step that checkpoints and fails the same way
        // each time still runs out of attempts.
        const stepAttempts = canonicalJson(data) === entrySaved ? entryAttempts : 0;
        const ok = await this.store.writeFenced(lease, { checkpoints: toCheckpointsInput(checkpoints), stepAttempts }, []);
        if (!ok) throw lease.signal.reason;
        state.checkpoints = checkpoints;
        state.stepAttempts = stepAttempts;
      },
      event: async (type, message, data) => {
        if (lease.isLost) throw lease.signal.reason;
        const ok = await this.store.writeFenced(lease, {}, [{ step: step.name, type, message, ...(data === undefined ? {} : { data }) }]);
        if (!ok) throw lease.signal.reason;
      },
      waitFor: (ms, data) => new StepWait(Math.max(0, ms), data),
    };
  }

  /** The step returned ctx.waitFor(): hand the job back until then, unless a cancel is pending. */
  private async recordWait(
    lease: Lease,
    state: RunState,
    step: RegisteredStep,
    result: StepWait,
    interrupt: InterruptReason | undefined,
  ): Promise<boolean> {
    const checkpoints =
      result.data === undefined
        ? state.checkpoints
        : { ...state.checkpoints, [step.name]: { ...state.checkpoints[step.name], done: false, data: result.data } };
    if (interrupt === "cancelled" || state.isCancelRequested) {
      state.checkpoints = checkpoints;
      await this.store.finish(lease, state, "CANCELLED", "Cancelled.");
      return true;
    }
    const runAfter = new Date(Date.now() + result.delayMs);
    // A wait is progress: the attempt budget bounds consecutive failures, not polls.
    const released = await this.store.release(lease, { ...state, checkpoints, stepAttempts: 0 }, { status: "WAITING", runAfter }, []);
    if (released) this.options.wakeAt(runAfter.getTime());
    return true;
  }

  /** The step threw (or was interrupted): cancel, hand back, fail, or schedule a retry. */
  private async recordFailure(
    job: Job,
    step: RegisteredStep,
    lease: Lease,
    state: RunState,
    failure: unknown,
    interrupt: InterruptReason | undefined,
  ): Promise<boolean> {
    if (interrupt === "cancelled") {
      await this.store.finish(lease, state, "CANCELLED", "Cancelled.");
      return true;
    }
    if (interrupt === "shutdown") {
      // Not the step's fault: hand it back without spending an attempt.
      await this.store.release(lease, state, { status: "QUEUED", runAfter: new Date() }, [
        { step: step.name, type: "step.interrupted", message: "The worker shut down; another run will resume this step." },
      ]);
      return true;
    }
    const userMessage = describeForUser(step, failure);
    if (failure instanceof PermanentStepError) {
      this.log.warn({ owner: this.owner, jobId: job.id, step: step.name, err: describeError(failure) }, "step failed permanently");
      await this.store.finish(lease, state, "FAILED", `Step “${step.name}” failed: ${userMessage}`, userMessage);
      return true;
    }
    const failures = state.stepAttempts + 1;
    this.log.warn({ owner: this.owner, jobId: job.id, step: step.name, attempt: failures, err: describeError(failure) }, "step failed");
    if (failures >= step.maxAttempts) {
      const message = `${userMessage} (gave up after ${failures} attempt${failures === 1 ? "" : "s"})`;
      await this.store.finish(lease, { ...state, stepAttempts: failures }, "FAILED", `Step “${step.name}” failed: ${message}`, message);
      return true;
    }
    const delayMs = computeBackoff(failures, step.backoff ?? this.options.backoff, readRetryAfterMs(failure), this.options.random);
    const runAfter = new Date(Date.now() + delayMs);
    const released = await this.store.release(
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
    if (released) this.options.wakeAt(runAfter.getTime());
    return true;
  }

  private async enterStep(lease: Lease, state: RunState, step: RegisteredStep): Promise<boolean> {
    const checkpoints = { ...state.checkpoints, [step.name]: { ...state.checkpoints[step.name], done: false, startedAt: new Date().toISOString() } };
    const ok = await this.store.writeFenced(
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
  private async completeStep(
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
      return this.store.finish(lease, state, "SUCCEEDED", "Finished.", null, events);
    }
    const withNext: Checkpoints = { ...checkpoints, [next.name]: { ...checkpoints[next.name], done: false, startedAt: now } };
    const isAdvanced = await this.store.writeFenced(
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
    await this.store.finish(lease, state, "CANCELLED", "Cancelled.", null, events);
    return false;
  }
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

/** JSON with object keys sorted, so equal values compare equal whatever order a database returned their keys in. */
function canonicalJson(value: JsonValue | undefined): string {
  if (value === undefined) return "undefined";
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}

function formatDelay(ms: number): string {
  return ms < 1_000 ? `${ms} ms` : ms < 120_000 ? `${Math.round(ms / 1_000)} s` : `${Math.round(ms / 60_000)} min`;
}
