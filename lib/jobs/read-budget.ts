/**
 * A budget of reads a cloud service allows, shared by every worker on the database: a token
 * bucket in one ReadBudget row per key (`arm:<subscription>`, …). A worker takes a token before
 * each read; tokens come back at the configured rate up to the burst. A 429 empties the bucket,
 * holds every worker's reads until the service's Retry-After, and halves the rate, which then
 * climbs back to the configured one over RECOVERY_MS (additive increase, multiplicative decrease).
 *
 * Every write is conditional on the row's version, so two workers never spend the same token.
 * Time is each worker's clock; hosts are expected to keep theirs in sync (NTP), as leases do.
 * It knows nothing of the services: lib/cloud's clients call take() and throttled().
 */
import "server-only";
import { setTimeout as sleep } from "node:timers/promises";
import type { ReadBudget as ReadBudgetRow } from "@/generated/prisma/client";
import type { Db } from "@/lib/db/client";
import { MAX_RETRY_AFTER_MS } from "@/lib/jobs/compute-backoff";
import { isUniqueViolation } from "@/lib/db/errors";

export interface ReadLimits {
  /** Sustained reads per second: the bucket's refill rate. */
  perSecond: number;
  /** Reads that may go at once after a quiet spell: the bucket's size. */
  burst: number;
}

export interface ReadBudgetOptions {
  db: Db;
  key: string;
  limits: ReadLimits;
  /** The clock, in ms (benchmarks drive a simulated hour with it). */
  now?: () => number;
  /** Waits for a token; rejects when the signal aborts. */
  wait?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** A throttled budget is back to its configured rate this long after the 429. */
export const RECOVERY_MS = 10 * 60_000;
/** A 429 without Retry-After holds reads this long. */
const DEFAULT_HOLD_MS = 10_000;
/** The rate never drops below this share of the configured one, however often the service throttles. */
const MIN_RATE_SHARE = 1 / 32;
/** A waiting take() looks again at least this often: another worker's 429 may have held reads. */
const MAX_WAIT_SLICE_MS = 5_000;

/**
 * take() would have to wait longer than it was allowed to: a step hands its slot back (returns
 * a wait of `waitMs`) rather than sleep in it.
 */
export class ReadBudgetSpentError extends Error {
  override name = "ReadBudgetSpentError";
  constructor(
    readonly key: string,
    readonly waitMs: number,
  ) {
    super(`The read budget ${key} is spent for ${waitMs} ms.`);
  }
}

export class SharedReadBudget {
  readonly key: string;
  private readonly db: Db;
  private readonly limits: ReadLimits;
  private readonly now: () => number;
  private readonly wait: (ms: number, signal?: AbortSignal) => Promise<void>;

  constructor(options: ReadBudgetOptions) {
    if (!(options.limits.perSecond > 0) || !(options.limits.burst >= 1)) throw new Error(`read budget ${options.key}: perSecond must be > 0 and burst ≥ 1`);
    this.db = options.db;
    this.key = options.key;
    this.limits = options.limits;
    this.now = options.now ?? Date.now;
    this.wait = options.wait ?? ((ms, signal) => sleep(ms, undefined, { signal }));
  }

  /**
   * Resolves once one read may be sent, having spent its token; waits while the budget is spent
   * or held, up to `maxWaitMs` at a time (default: as long as it takes), else throws
   * ReadBudgetSpentError.
   */
  async take(signal?: AbortSignal, { maxWaitMs = Infinity }: { maxWaitMs?: number } = {}): Promise<void> {
    for (;;) {
      signal?.throwIfAborted();
      const now = this.now();
      const row = await this.load(now);
      const { tokens, ratePerSecond, holdMs } = refill(row, this.limits, now);
      if (holdMs === 0 && tokens >= 1) {
        if (await this.write(row, { tokens: tokens - 1, ratePerSecond, refilledAt: new Date(now) })) return;
        continue; // another worker wrote first: look again
      }
      const waitMs = holdMs > 0 ? holdMs : ((1 - tokens) / ratePerSecond) * 1000;
      if (waitMs > maxWaitMs) throw new ReadBudgetSpentError(this.key, Math.ceil(waitMs));
      await this.wait(Math.min(MAX_WAIT_SLICE_MS, Math.max(1, Math.ceil(waitMs))), signal);
    }
  }

  /** How long until a read could be sent (0: now), without spending anything. */
  async availableIn(): Promise<number> {
    const now = this.now();
    const { tokens, ratePerSecond, holdMs } = refill(await this.load(now), this.limits, now);
    if (holdMs > 0) return holdMs;
    return tokens >= 1 ? 0 : Math.ceil(((1 - tokens) / ratePerSecond) * 1000);
  }

  /**
   * The service answered 429: no reads until Retry-After (by any worker), the bucket empty, and
   * the rate halved unless this throttling is already being held (many workers see the same 429).
   */
  async throttled(retryAfterMs: number | undefined): Promise<void> {
    const holdMs = Math.min(MAX_RETRY_AFTER_MS, Math.max(0, retryAfterMs ?? DEFAULT_HOLD_MS));
    for (;;) {
      const now = this.now();
      const row = await this.load(now);
      const current = refill(row, this.limits, now);
      const isHeld = current.holdMs > 0;
      const ratePerSecond = isHeld ? current.ratePerSecond : Math.max(this.limits.perSecond * MIN_RATE_SHARE, current.ratePerSecond / 2);
      const holdUntil = new Date(Math.max(now + holdMs, row.holdUntil?.getTime() ?? 0));
      // Refilling starts when the hold ends, so the held reads do not all go at once afterwards.
      if (await this.write(row, { tokens: 0, ratePerSecond, refilledAt: holdUntil, holdUntil })) return;
    }
  }

  /** This budget for callers that must not wait longer than `maxWaitMs` for a read (see take). */
  bounded(maxWaitMs: number): { take(signal?: AbortSignal): Promise<void>; throttled(retryAfterMs: number | undefined): Promise<void> } {
    return { take: (signal) => this.take(signal, { maxWaitMs }), throttled: (retryAfterMs) => this.throttled(retryAfterMs) };
  }

  private async load(now: number): Promise<ReadBudgetRow> {
    const found = await this.db.readBudget.findUnique({ where: { key: this.key } });
    if (found) return found;
    try {
      return await this.db.readBudget.create({ data: { key: this.key, tokens: this.limits.burst, ratePerSecond: this.limits.perSecond, refilledAt: new Date(now) } });
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      return this.db.readBudget.findUniqueOrThrow({ where: { key: this.key } });
    }
  }

  private async write(row: ReadBudgetRow, data: { tokens: number; ratePerSecond: number; refilledAt: Date; holdUntil?: Date }): Promise<boolean> {
    const { count } = await this.db.readBudget.updateMany({ where: { key: this.key, version: row.version }, data: { ...data, version: { increment: 1 } } });
    return count === 1;
  }
}

/**
 * The bucket as of `now`: tokens accrued since the last write at a rate that recovers linearly
 * towards the configured one; nothing accrues before a hold ends (refilledAt lies ahead then).
 */
export function refill(row: Pick<ReadBudgetRow, "tokens" | "ratePerSecond" | "refilledAt" | "holdUntil">, limits: ReadLimits, now: number) {
  const elapsedMs = Math.max(0, now - row.refilledAt.getTime());
  const from = Math.min(limits.perSecond, row.ratePerSecond);
  const ratePerSecond = Math.min(limits.perSecond, from + (limits.perSecond * elapsedMs) / RECOVERY_MS);
  const tokens = Math.min(limits.burst, row.tokens + ((from + ratePerSecond) / 2) * (elapsedMs / 1000));
  const holdMs = Math.max(0, (row.holdUntil?.getTime() ?? 0) - now);
  return { tokens, ratePerSecond, holdMs };
}
