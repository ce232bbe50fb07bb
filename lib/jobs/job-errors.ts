/**
 * Errors of the job runner. Steps throw PermanentStepError (or RetryableStepError) with a
 * message written for a person; any other error is retried and shown as a generic message,
 * its text going to the worker log only, so raw exception messages never reach the timeline.
 */
import "server-only";

/** Ends the job FAILED at once, without retrying. The message is shown to users as is. */
export class PermanentStepError extends Error {
  override name = "PermanentStepError";
  readonly code: string | undefined;
  constructor(message: string, options?: { code?: string; cause?: unknown }) {
    super(message, { cause: options?.cause });
    this.code = options?.code;
  }
}

/** A failure worth retrying, with a message meant for users and an optional server-given delay. */
export class RetryableStepError extends Error {
  override name = "RetryableStepError";
  readonly retryAfterMs: number | undefined;
  constructor(message: string, options?: { retryAfterMs?: number; cause?: unknown }) {
    super(message, { cause: options?.cause });
    this.retryAfterMs = options?.retryAfterMs;
  }
}

/** Another job for the same subject is still queued, running or waiting. */
export class JobConflictError extends Error {
  override name = "JobConflictError";
  constructor(
    readonly subject: string,
    readonly activeJobId: string | undefined,
  ) {
    super("This is already being worked on; wait for the current run to finish or cancel it.");
  }
}

export class JobNotFoundError extends Error {
  override name = "JobNotFoundError";
  constructor(readonly jobId: string) {
    super("That job does not exist.");
  }
}

/** The job is not in a state that allows the operation (e.g. retrying a job that succeeded). */
export class JobStateError extends Error {
  override name = "JobStateError";
  constructor(message: string) {
    super(message);
  }
}

export type InterruptReason = "cancelled" | "lease-lost" | "shutdown";

/** The reason of a step's AbortSignal: why the worker stopped waiting for it. */
export class StepInterruptedError extends Error {
  override name = "StepInterruptedError";
  constructor(readonly reason: InterruptReason) {
    super(
      reason === "cancelled"
        ? "The job was cancelled."
        : reason === "lease-lost"
          ? "The worker lost its lease on the job."
          : "The worker is shutting down.",
    );
  }
}

/**
 * The delay a failure asks for: RetryableStepError, or any error carrying `retryAfterMs`
 * itself or in `details` (as lib/cloud's CloudError does from an HTTP Retry-After header).
 */
export function readRetryAfterMs(error: unknown): number | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const direct = (error as { retryAfterMs?: unknown }).retryAfterMs;
  const details = (error as { details?: unknown }).details;
  const nested = typeof details === "object" && details !== null ? (details as { retryAfterMs?: unknown }).retryAfterMs : undefined;
  const value = typeof direct === "number" ? direct : nested;
  return typeof value === "number" && Number.isFinite(value) && value >= 0 ? value : undefined;
}
