import { decideRequest } from "@/lib/approvals/decide-request";
import { requireUser } from "@/lib/auth/require-user";
import { getDb } from "@/lib/db/client";
import { parseJsonBody } from "@/lib/http/parse-json-body";
import { respond } from "@/lib/http/route-response";
import { assertSameOrigin } from "@/lib/http/same-origin";
import { requestDecisionSchema } from "@/lib/validation/request-decision";

export const dynamic = "force-dynamic";

/** POST { decision: "approve" | "decline", reason } — Approvers only; 409 when already decided. */
export async function POST(request: Request, { params }: { params: Promise<{ id: string }> }) {
  return respond(request, async (correlationId) => {
    assertSameOrigin(request.headers);
    const user = await requireUser(request);
    const input = await parseJsonBody(request, requestDecisionSchema, { requestId: (await params).id }, "Invalid decision.");
    return Response.json(await decideRequest(getDb(), user, input, correlationId), { headers: { "Cache-Control": "no-store" } });
  });
}
