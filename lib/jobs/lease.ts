/**
 * The lease a worker holds on a claimed job: the heartbeat timer that renews it through the
 * store, the AbortController behind the step's signal, and why the step is being interrupted.
 */
import "server-only";
import { StepInterruptedError, type InterruptReason } from "@/lib/jobs/job-errors";
import type { FencedLease, JobStore } from "@/lib/jobs/job-store";
import { describeError, type JobLogger } from "@/lib/jobs/worker-logger";

export interface LeaseOptions {
  /** Renews the lease, for the store's leaseMs, and names the owner in log lines. */
  store: JobStore;
  log: JobLogger;
  heartbeatMs: number;
}

/** A claim's lease: heartbeats, notices cancels and losses, and aborts the step's signal. */
export class Lease implements FencedLease {
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;
  private readonly store: JobStore;
  private readonly log: JobLogger;
  private lastRenewedAt = Date.now();
  private isRenewing = false;
  private isClosed = false;
  isLost = false;

  constructor(
    readonly jobId: string,
    readonly token: string,
    { store, log, heartbeatMs }: LeaseOptions,
  ) {
    this.store = store;
    this.log = log;
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
    const owner = this.store.owner;
    try {
      const now = new Date();
      const isRenewed = await this.store.renewLease(this, now, { unlessCancelled: true });
      if (isRenewed) {
        this.lastRenewedAt = now.getTime();
        return;
      }
      const row = await this.store.readLease(this.jobId);
      if (this.isClosed) return;
      if (row?.leaseToken !== this.token) {
        this.log.warn({ owner, jobId: this.jobId }, "lease lost; interrupting the step");
        this.markLost();
        return;
      }
      if (row.cancelRequested) {
        // Keep the lease while the step winds down, then stop it.
        const isKept = await this.store.renewLease(this, now, { unlessCancelled: false });
        if (isKept) this.lastRenewedAt = now.getTime();
        this.interrupt("cancelled");
      }
    } catch (error) {
      // Without a confirmed renewal for a whole lease period another worker may own the job.
      this.log.warn({ owner, jobId: this.jobId, err: describeError(error) }, "heartbeat failed");
      if (Date.now() - this.lastRenewedAt >= this.store.leaseMs) this.markLost();
    } finally {
      this.isRenewing = false;
    }
  }
}
