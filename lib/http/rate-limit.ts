import "server-only";
import { getDb, type PrismaClient } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { clientAddressOf, clientKeyOf } from "./client-address";

const WINDOW_MS = 60_000;
/** Expired RateLimitBucket rows are deleted at most this often per process. */
const PRUNE_EVERY_MS = 60_000;
/** Windows remembered per database; beyond this the oldest are forgotten (they only cost writes to relearn). */
const MAX_REMEMBERED = 50_000;

export interface RateLimiterOptions {
  /** Names the limiter in its bucket keys: `<name>:<client key>:<window start, ms>`. */
  name: string;
  perMinute: () => number;
  db?: () => PrismaClient;
  now?: () => number;
}

/** What this process knows of one client's current window. */
interface WindowState {
  /** The highest count the database has answered: a lower bound of the real count. */
  seen: number;
  /** Increments of ours on their way to the database: each will raise the count by one. */
  pending: number;
  endsAt: number;
}

/**
 * A fixed window per client address and minute, counted in the RateLimitBucket table, so every
 * portal instance sharing the database shares the limit. Each request costs one atomic upsert
 * (insert the window's row or increment it), except that a request this process can already tell
 * is over the limit (the count the database last answered plus our own increments in flight has
 * reached it) is refused from memory without another write: a flood from one address costs the
 * database about perMinute writes a minute per instance, not one per request.
 * There is no global bucket: one client's flood never limits another client.
 */
export class RateLimiter {
  private readonly windows = new WeakMap<PrismaClient, Map<string, WindowState>>();
  private readonly prunedAt = new WeakMap<PrismaClient, number>();

  constructor(private readonly options: RateLimiterOptions) {}

  /** Counts one request by `clientKey`; false when it is over this window's limit. */
  async take(clientKey: string): Promise<boolean> {
    const db = (this.options.db ?? getDb)();
    const now = (this.options.now ?? Date.now)();
    const limit = this.options.perMinute();
    const windowStart = Math.floor(now / WINDOW_MS) * WINDOW_MS;
    const key = `${this.options.name}:${clientKey}:${windowStart}`;
    const state = this.stateOf(db, key, windowStart + WINDOW_MS, now);
    if (state.seen + state.pending >= limit) return false;
    state.pending++;
    let count: number;
    try {
      await this.pruneIfDue(db, now);
      const expiresAt = new Date(windowStart + WINDOW_MS);
      ({ count } = await db.rateLimitBucket.upsert({ where: { key }, create: { key, count: 1, expiresAt }, update: { count: { increment: 1 } }, select: { count: true } }));
    } finally {
      state.pending--;
    }
    state.seen = Math.max(state.seen, count);
    return count <= limit;
  }

  /** Throws a 429 AppError when the request's client address is over the limit. */
  async enforce(headers: Headers): Promise<void> {
    if (!(await this.take(clientKeyOf(clientAddressOf(headers))))) {
      throw new AppError("rate_limited", "Too many sign-in attempts. Wait a minute and try again.");
    }
  }

  private stateOf(db: PrismaClient, key: string, endsAt: number, now: number): WindowState {
    let map = this.windows.get(db);
    if (!map) this.windows.set(db, (map = new Map()));
    const known = map.get(key);
    if (known) return known;
    // Entries are inserted in time order: past windows sit at the front and are never read again.
    for (const [k, w] of map) {
      if (w.endsAt > now && map.size < MAX_REMEMBERED) break;
      if (w.pending === 0) map.delete(k);
    }
    const state = { seen: 0, pending: 0, endsAt };
    map.set(key, state);
    return state;
  }

  private async pruneIfDue(db: PrismaClient, now: number) {
    if (now - (this.prunedAt.get(db) ?? -Infinity) < PRUNE_EVERY_MS) return;
    this.prunedAt.set(db, now);
    await db.rateLimitBucket.deleteMany({ where: { expiresAt: { lte: new Date(now) } } });
  }
}
