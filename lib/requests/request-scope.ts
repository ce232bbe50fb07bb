import "server-only";
import type { ActingUser } from "@/lib/auth/acting-user";
import { teamScope } from "@/lib/auth/require-role";

/**
 * The `where` for requests a user may see: their teams' (every team for Admins), and of
 * drafts only their own, since a draft is someone's unfinished work.
 */
export function visibleRequestsWhere(actor: ActingUser) {
  return { AND: [teamScope(actor), { OR: [{ status: { not: "DRAFT" as const } }, { submittedByOid: actor.oid }] }] };
}

/** Request statuses after which nothing more happens unless someone retries. */
export const SETTLED_REQUEST_STATUSES = ["READY", "FAILED", "CANCELLED", "DECLINED"] as const;

export const CANCELLABLE_REQUEST_STATUSES = ["SUBMITTED", "AWAITING_UPSTREAM", "APPROVED", "PROVISIONING", "FAILED"] as const;
