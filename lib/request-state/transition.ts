/**
 * The one owner of FeedRequest.status. Every change of a request's status, by a person (submit,
 * decide, cancel, retry) or by automation (the provisioning workflow), goes through
 * transitionRequest: an UPDATE conditional on the statuses the caller read, so of two racing
 * writers exactly one wins, and a move the table below does not allow is a programming error
 * that throws before anything is written. The timestamps that belong to a status (submittedAt,
 * decidedAt, completedAt) are stamped here too, so no caller can forget one.
 */
import "server-only";
import type { FeedRequestStatus, Prisma } from "@/generated/prisma/client";

/** Where each status may go next. A status missing from a list cannot be reached from that one. */
export const REQUEST_TRANSITIONS = {
  DRAFT: ["SUBMITTED"],
  SUBMITTED: ["APPROVED", "DECLINED", "CANCELLED"],
  // An approved request held on proposed upstreams is AWAITING_UPSTREAM; it is re-held (a new
  // reason) when the set of pending upstreams changes.
  AWAITING_UPSTREAM: ["AWAITING_UPSTREAM", "APPROVED", "DECLINED", "PROVISIONING", "CANCELLED"],
  APPROVED: ["AWAITING_UPSTREAM", "DECLINED", "PROVISIONING", "FAILED", "CANCELLED"],
  PROVISIONING: ["READY", "FAILED", "CANCELLED"],
  // A retry of the request, or of one of its failed builds, provisions again from the failed step.
  FAILED: ["PROVISIONING", "CANCELLED"],
  CANCELLED: ["PROVISIONING"],
  READY: [],
  DECLINED: [],
} as const satisfies Record<FeedRequestStatus, readonly FeedRequestStatus[]>;

/** The part of a Prisma client (or transaction) this module writes through. */
export type RequestStateDb = Pick<Prisma.TransactionClient, "feedRequest">;

export interface TransitionOptions {
  /** Further conditions the row must meet (for example `decidedAt: null`). */
  where?: Prisma.FeedRequestWhereInput;
  /** Other columns written in the same UPDATE (payload at submission, and the like). */
  data?: Omit<Prisma.FeedRequestUncheckedUpdateManyInput, "status" | "statusReason">;
}

export class InvalidTransitionError extends Error {
  constructor(from: FeedRequestStatus, to: FeedRequestStatus) {
    super(`A feed request cannot move from ${from} to ${to}; see REQUEST_TRANSITIONS.`);
    this.name = "InvalidTransitionError";
  }
}

export function canTransition(from: FeedRequestStatus, to: FeedRequestStatus): boolean {
  return (REQUEST_TRANSITIONS[from] as readonly FeedRequestStatus[]).includes(to);
}

/**
 * Moves request `id` to `to` if its status is still one of `from`, recording `reason` as the
 * statusReason a person reads (null clears it). Resolves true when this call moved it, false
 * when the request was no longer in any of `from` (someone else moved it first) or is gone.
 */
export async function transitionRequest(
  db: RequestStateDb,
  id: string,
  from: readonly FeedRequestStatus[],
  to: FeedRequestStatus,
  reason: string | null,
  options: TransitionOptions = {},
): Promise<boolean> {
  if (from.length === 0) throw new Error("transitionRequest: name at least one status to move from.");
  for (const status of from) if (!canTransition(status, to)) throw new InvalidTransitionError(status, to);
  const { count } = await db.feedRequest.updateMany({
    where: { ...options.where, id, status: { in: [...from] } },
    data: { ...stampsFor(to), ...options.data, status: to, statusReason: reason },
  });
  return count === 1;
}

function stampsFor(to: FeedRequestStatus): Prisma.FeedRequestUncheckedUpdateManyInput {
  const now = new Date();
  switch (to) {
    case "SUBMITTED":
      return { submittedAt: now };
    case "APPROVED":
    case "DECLINED":
      return { decidedAt: now };
    case "READY":
    case "CANCELLED":
      return { completedAt: now };
    case "PROVISIONING":
      return { completedAt: null };
    default:
      return {};
  }
}
