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
import type { Db } from "@/lib/db/client";
import type { BackoffPolicy, JobDefinition } from "@/lib/jobs/define-job";
import { JobStore } from "@/lib/jobs/job-store";
import { WorkerLoop } from "@/lib/jobs/worker-loop";
import { consoleLogger, type JobLogger } from "@/lib/jobs/worker-logger";

export type { JobLogger };

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

/**
 * Resolves the defaults and wires the parts together: lib/jobs/job-store (claims and fenced
 * writes), lib/jobs/lease (heartbeats), lib/jobs/run-step (steps and their outcomes) and
 * lib/jobs/worker-loop (dispatching, sleeping, start and stop).
 */
export function createWorker(options: WorkerOptions): JobWorker {
  const leaseMs = options.leaseMs ?? 30_000;
  const random = options.random ?? Math.random;
  const store = new JobStore({ db: options.db, owner: options.owner, leaseMs, random });
  const loop = new WorkerLoop({
    store,
    log: options.logger ?? consoleLogger,
    jobs: options.jobs,
    concurrency: Math.max(1, options.concurrency ?? 2),
    heartbeatMs: options.heartbeatMs ?? Math.max(10, Math.floor(leaseMs / 3)),
    idlePollMs: options.idlePollMs ?? { min: 100, max: 2_000 },
    backoff: options.backoff ?? { baseMs: 1_000, capMs: 5 * 60_000 },
    shutdownGraceMs: options.shutdownGraceMs ?? 20_000,
    random,
  });
  return {
    start: () => loop.start(),
    stop: (stopOptions) => loop.stop(stopOptions),
    activeJobIds: () => loop.activeJobIds(),
  };
}
