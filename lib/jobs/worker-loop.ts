/**
 * The worker's dispatcher: claims jobs while it has free slots, starts a run with a lease for
 * each, sleeps with a doubling idle poll, wakes early (enqueues, freed slots, known wake-up
 * times), and starts and stops.
 */
import "server-only";
import type { BackoffPolicy, JobDefinition } from "@/lib/jobs/define-job";
import type { Claim, ClaimOutcome, JobStore } from "@/lib/jobs/job-store";
import { onCancelRequested, onJobReady } from "@/lib/jobs/job-wakeup";
import { Lease } from "@/lib/jobs/lease";
import { JobRunner } from "@/lib/jobs/run-step";
import { describeError, type JobLogger } from "@/lib/jobs/worker-logger";

/** createWorker's options with every default resolved (see WorkerOptions). */
export interface WorkerLoopOptions {
  store: JobStore;
  log: JobLogger;
  jobs: readonly JobDefinition[];
  concurrency: number;
  heartbeatMs: number;
  idlePollMs: { min: number; max: number };
  backoff: BackoffPolicy;
  shutdownGraceMs: number;
  random: () => number;
}

/** Puts the dispatcher to sleep and wakes it: now, or at the earliest time it was given. */
class Waker {
  private hasPendingWake = false;
  private wakeSleeper: (() => void) | undefined;
  private wakeTimer: { at: number; timer: NodeJS.Timeout } | undefined;

  wake() {
    // A wake-up that arrives while the dispatcher is busy claiming must not be lost.
    if (this.wakeSleeper) this.wakeSleeper();
    else this.hasPendingWake = true;
  }

  /** Wakes the dispatcher at `at` (a wait or backoff this worker set), keeping only the earliest. */
  wakeAt(at: number) {
    const delay = at - Date.now();
    if (delay <= 0) return this.wake();
    if (this.wakeTimer && this.wakeTimer.at <= at) return;
    if (this.wakeTimer) clearTimeout(this.wakeTimer.timer);
    this.wakeTimer = {
      at,
      timer: setTimeout(() => {
        this.wakeTimer = undefined;
        this.wake();
      }, delay),
    };
  }

  sleep(ms: number): Promise<void> {
    if (this.hasPendingWake) {
      this.hasPendingWake = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakeSleeper = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakeSleeper = done;
    });
  }

  /** Cancels the timed wake-up, if any (on stop). */
  clearTimer() {
    if (this.wakeTimer) clearTimeout(this.wakeTimer.timer);
  }
}

export class WorkerLoop {
  private readonly store: JobStore;
  private readonly log: JobLogger;
  private readonly owner: string;
  private readonly kinds: string[];
  private readonly runner: JobRunner;
  private readonly waker = new Waker();
  private readonly leases = new Map<string, Lease>();
  private readonly runs = new Set<Promise<void>>();
  private readonly unsubscribe: (() => void)[] = [];
  private started = false;
  private stopping = false;
  private dispatcher: Promise<void> | undefined;

  constructor(private readonly options: WorkerLoopOptions) {
    this.store = options.store;
    this.log = options.log;
    this.owner = options.store.owner;
    const definitions = new Map(options.jobs.map((job) => [job.kind, job]));
    this.kinds = [...definitions.keys()];
    this.runner = new JobRunner({
      store: options.store,
      log: options.log,
      definitions,
      backoff: options.backoff,
      random: options.random,
      wakeAt: (at) => this.waker.wakeAt(at),
      isStopping: () => this.stopping,
    });
  }

  start() {
    if (this.started) return;
    this.started = true;
    this.unsubscribe.push(
      onJobReady((at) => (at.getTime() <= Date.now() ? this.waker.wake() : this.waker.wakeAt(at.getTime()))),
      onCancelRequested((jobId) => void this.leases.get(jobId)?.renew()),
    );
    this.dispatcher = this.dispatch();
  }

  async stop({ graceMs = this.options.shutdownGraceMs }: { graceMs?: number } = {}): Promise<void> {
    if (!this.started || this.stopping) {
      await this.dispatcher;
      return;
    }
    this.stopping = true;
    this.waker.wake();
    await this.dispatcher;
    if (this.runs.size > 0) {
      let graceTimer: NodeJS.Timeout | undefined;
      const graceOver = new Promise<void>((resolve) => (graceTimer = setTimeout(resolve, graceMs)));
      await Promise.race([Promise.allSettled([...this.runs]), graceOver]);
      clearTimeout(graceTimer);
      for (const lease of this.leases.values()) lease.interrupt("shutdown");
      await Promise.allSettled([...this.runs]);
    }
    this.waker.clearTimer();
    for (const off of this.unsubscribe.splice(0)) off();
  }

  activeJobIds(): string[] {
    return [...this.leases.keys()];
  }

  private async dispatch() {
    const idle = this.options.idlePollMs;
    let idleDelay = idle.min;
    while (!this.stopping) {
      if (this.leases.size >= this.options.concurrency) {
        // Woken when a run finishes; the long timeout is only a safety net.
        await this.waker.sleep(idle.max);
        continue;
      }
      let outcome: ClaimOutcome;
      try {
        outcome = await this.store.claimNext(this.kinds);
      } catch (error) {
        this.log.error({ owner: this.owner, err: describeError(error) }, "job claim failed");
        await this.waker.sleep(idle.max);
        continue;
      }
      if (outcome.claim) {
        idleDelay = idle.min;
        this.startRun(outcome.claim);
        continue;
      }
      // Other workers won every candidate: there is work, so look again at once.
      if (outcome.isContended) continue;
      await this.waker.sleep(idleDelay);
      idleDelay = Math.min(idleDelay * 2, idle.max);
    }
  }

  private startRun(claim: Claim) {
    const lease = new Lease(claim.job.id, claim.token, { store: this.store, log: this.log, heartbeatMs: this.options.heartbeatMs });
    this.leases.set(claim.job.id, lease);
    const run = this.runner
      .runJob(claim, lease)
      .catch((error: unknown) => {
        // Usually the database went away mid-write; the lease expires and another claim resumes.
        this.log.error({ owner: this.owner, jobId: claim.job.id, err: describeError(error) }, "job run aborted");
      })
      .finally(() => {
        lease.close();
        this.leases.delete(claim.job.id);
        this.runs.delete(run);
        this.waker.wake();
      });
    this.runs.add(run);
  }
}
