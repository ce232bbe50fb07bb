import { listApprovalQueue } from "@/lib/approvals/list-approval-queue";
import { requireApiUser } from "@/lib/auth/require-api-user";
import { getDb } from "@/lib/db/client";
import { respond } from "@/lib/http/route-response";

export const dynamic = "force-dynamic";

/** GET — the approval queue: proposed upstreams with context, undecided requests, revocable upstreams. Approvers only. */
export async function GET(request: Request) {
  return respond(request, async () => {
    const user = await requireApiUser(request);
    return Response.json(await listApprovalQueue(getDb(), user), { headers: { "Cache-Control": "no-store" } });
  });
}
