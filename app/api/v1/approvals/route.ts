import { listApprovalQueue } from "@/lib/approvals/list-approval-queue";
import { apiRoute } from "@/lib/http/api-route";

export const dynamic = "force-dynamic";

/** GET — the approval queue: proposed upstreams with context, undecided requests, revocable upstreams. Approvers only. */
export const GET = apiRoute({}, async ({ db, user }) => listApprovalQueue(db, user));
