/**
 * The one owner of Feed.status. Provisioning, preflight, the policy sync, the drift check, the
 * health re-check and a revoke each move a feed through setFeedStatus: an UPDATE conditional on
 * the statuses (and, optionally, the version) the caller read, so of two racing writers exactly
 * one wins, and a move the table below does not allow throws before anything is written. Every
 * move out of READY records its cause in lastHealth.source, so each writer knows which DEGRADED
 * feeds are its own to refresh or clear and which it must leave to another's Repair or job.
 */
import "server-only";
import type { FeedStatus, Prisma } from "@/generated/prisma/client";
import type { FeedHealth } from "@/lib/db/json-columns";

/** Where each status may go next (a status may stay where it is: new evidence, same status). */
export const FEED_TRANSITIONS = {
  PENDING: ["PROVISIONING", "RETIRED"],
  PROVISIONING: ["PROVISIONING", "READY", "DEGRADED", "RETIRED"],
  READY: ["PROVISIONING", "READY", "DEGRADED", "RETIRED"],
  DEGRADED: ["PROVISIONING", "READY", "DEGRADED", "RETIRED"],
  RETIRED: [],
} as const satisfies Record<FeedStatus, readonly FeedStatus[]>;

/** Who degraded a feed, kept in lastHealth.source; null = provisioning, preflight or the policy sync. */
export type FeedStatusCause = NonNullable<FeedHealth["source"]>;

export type FeedStateDb = Pick<Prisma.TransactionClient, "feed">;

export class InvalidFeedTransitionError extends Error {
  constructor(from: FeedStatus, to: FeedStatus) {
    super(`A feed cannot move from ${from} to ${to}; see FEED_TRANSITIONS.`);
    this.name = "InvalidFeedTransitionError";
  }
}

export function canTransitionFeed(from: FeedStatus, to: FeedStatus): boolean {
  return (FEED_TRANSITIONS[from] as readonly FeedStatus[]).includes(to);
}

export interface SetFeedStatusOptions {
  /** The evidence a person reads; written with lastHealthAt. Omit to keep the current one. */
  health?: FeedHealth;
  /** The feed's updatedAt as the caller read it: the move happens only if nobody wrote since. */
  unchangedSince?: Date;
  /** Other columns written in the same UPDATE. */
  data?: Omit<Prisma.FeedUncheckedUpdateManyInput, "status" | "lastHealth" | "lastHealthAt">;
}

/**
 * Moves feed `id` to `to` if its status is still one of `from`. Resolves true when this call
 * moved it (or refreshed its evidence), false when someone else moved it first or it is gone.
 */
export async function setFeedStatus(db: FeedStateDb, id: string, from: readonly FeedStatus[], to: FeedStatus, options: SetFeedStatusOptions = {}): Promise<boolean> {
  if (from.length === 0) throw new Error("setFeedStatus: name at least one status to move from.");
  for (const status of from) if (!canTransitionFeed(status, to)) throw new InvalidFeedTransitionError(status, to);
  const { count } = await db.feed.updateMany({
    where: { id, status: { in: [...from] }, ...(options.unchangedSince ? { updatedAt: options.unchangedSince } : {}) },
    data: { ...options.data, status: to, ...(options.health ? { lastHealth: options.health as unknown as Prisma.InputJsonValue, lastHealthAt: new Date() } : {}) },
  });
  return count === 1;
}

/** Records that a READY feed answered again, without a status change (one UPDATE for a whole round). */
export async function markFeedsChecked(db: FeedStateDb, ids: readonly string[], at = new Date()): Promise<void> {
  if (ids.length) await db.feed.updateMany({ where: { id: { in: [...ids] }, status: "READY" }, data: { lastHealthAt: at } });
}
