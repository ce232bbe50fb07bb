/**
 * Job definitions: a kind and an ordered list of steps. A step runs until it returns (done, its
 * return value becomes its checkpoint data), returns ctx.waitFor(ms) (not done; the worker
 * releases the job and re-enters the step later) or throws (retried with backoff, or the job
 * fails at once on PermanentStepError).
 *
 * A step that starts something external records what it started with ctx.checkpoint() BEFORE
 * it waits on it, and on re-entry (after a wait, a retry or a crashed worker) reads ctx.saved
 * to pick up where it left off instead of starting it again.
 */
import "server-only";
import type { Prisma } from "@/generated/prisma/client";
import { PermanentStepError } from "@/lib/jobs/job-errors";

export type JsonValue = Prisma.JsonValue;

/** Returned by a step (via ctx.waitFor) that is not done yet and wants to be re-entered later. */
export class StepWait {
  constructor(
    readonly delayMs: number,
    /** When set, recorded as the step's checkpoint together with the wait. */
    readonly data?: JsonValue,
  ) {}
}

export type StepResult = JsonValue | StepWait | undefined | void;

export interface StepContext<P> {
  readonly jobId: string;
  readonly kind: string;
  readonly subject: string;
  readonly step: string;
  readonly payload: P;
  /**
   * 1 on the first try; counts failed tries and interrupted runs since the step last made
   * progress (a wait, or a checkpoint of something new). Read it when deciding, not once: a
   * checkpoint during the run resets it.
   */
  readonly attempt: number;
  readonly maxAttempts: number;
  /** Checkpoint data of the steps that finished before this one, by step name. */
  readonly results: Readonly<Record<string, JsonValue>>;
  /** What this step saved with checkpoint() or waitFor(ms, data) before; undefined on first entry. */
  readonly saved: JsonValue | undefined;
  /** Aborted when the job is cancelled, the lease is lost or the worker shuts down. */
  readonly signal: AbortSignal;
  /**
   * Durably records this step's progress; resolves once stored, throws if the lease is gone.
   * Data that differs from what the run started with (`saved`) is progress and resets `attempt`.
   */
  checkpoint(data: JsonValue): Promise<void>;
  /** Appends to the job's event log (the live timeline). Never put secrets in message or data. */
  event(type: string, message: string, data?: JsonValue): Promise<void>;
  /** `return ctx.waitFor(ms)`: not done; re-enter this step in about `ms` without holding a worker slot. */
  waitFor(ms: number, data?: JsonValue): StepWait;
}

export interface BackoffPolicy {
  /** The first retry waits up to this long (full jitter), doubling per attempt. */
  baseMs: number;
  capMs: number;
}

export interface StepDefinition<P> {
  name: string;
  /** Tries before the job fails, counting the first; defaults to 5. */
  maxAttempts?: number;
  /** Overrides the worker's backoff for this step. */
  backoff?: BackoffPolicy;
  run(ctx: StepContext<P>): Promise<StepResult>;
}

export interface JobSpec<P> {
  kind: string;
  /** Validates the stored payload before each step, e.g. a zod schema. */
  payload?: { parse(input: unknown): P };
  steps: readonly StepDefinition<P>[];
}

/** A step with its payload type erased, so definitions of different kinds share one registry. */
export interface RegisteredStep {
  readonly name: string;
  readonly maxAttempts: number;
  readonly backoff?: BackoffPolicy;
  run(ctx: StepContext<unknown>): Promise<StepResult>;
}

export interface JobDefinition {
  readonly kind: string;
  readonly steps: readonly RegisteredStep[];
}

export const DEFAULT_STEP_ATTEMPTS = 5;

export function defineJob<P = JsonValue>(spec: JobSpec<P>): JobDefinition {
  if (!spec.kind.trim()) throw new Error("defineJob: kind is required");
  if (spec.steps.length === 0) throw new Error(`defineJob(${spec.kind}): at least one step is required`);
  const names = new Set<string>();
  for (const step of spec.steps) {
    if (!step.name.trim()) throw new Error(`defineJob(${spec.kind}): every step needs a name`);
    if (names.has(step.name)) throw new Error(`defineJob(${spec.kind}): duplicate step "${step.name}"`);
    if (step.maxAttempts !== undefined && (!Number.isInteger(step.maxAttempts) || step.maxAttempts < 1)) {
      throw new Error(`defineJob(${spec.kind}): step "${step.name}" maxAttempts must be a positive integer`);
    }
    names.add(step.name);
  }
  const schema = spec.payload;
  const parse = (raw: unknown): P => {
    // Without a schema the payload is trusted as the enqueuer wrote it.
    if (!schema) return raw as P;
    try {
      return schema.parse(raw);
    } catch (error) {
      // Retrying cannot fix stored input; say so instead of burning attempts.
      throw new PermanentStepError("The job's input is not valid for this kind of job.", { code: "invalid_payload", cause: error });
    }
  };
  return {
    kind: spec.kind,
    steps: spec.steps.map((step) => ({
      name: step.name,
      maxAttempts: step.maxAttempts ?? DEFAULT_STEP_ATTEMPTS,
      backoff: step.backoff,
      run: async (ctx: StepContext<unknown>) => step.run(withPayload(ctx, parse(ctx.payload))),
    })),
  };
}

/** The context with its payload parsed; `attempt` stays live (the runner's is a getter). */
function withPayload<P>(ctx: StepContext<unknown>, payload: P): StepContext<P> {
  const typed = { ...ctx, payload } as StepContext<P>;
  return Object.defineProperty(typed, "attempt", { get: () => ctx.attempt, enumerable: true });
}

export function isStepWait(value: unknown): value is StepWait {
  return value instanceof StepWait;
}
