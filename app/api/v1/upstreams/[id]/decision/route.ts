import { requireUser } from "@/lib/auth/require-user";
import { getDb } from "@/lib/db/client";
import { parseJsonBody } from "@/lib/http/parse-json-body";
import { respond } from "@/lib/http/route-response";
import { assertSameOrigin } from "@/lib/http/same-origin";
import { decideUpstream } from "@/lib/upstreams/decide-upstream";
import { upstreamDecisionSchema } from "@/lib/validation/upstream-decision";

export const dynamic = "force-dynamic";

/** POST { decision: "approve" | "decline", reason } — Approvers only. */
export async function POST(request: Request, { params }: { params: Promise<{ id: string }> }) {
  return respond(request, async (correlationId) => {
    assertSameOrigin(request.headers);
    const user = await requireUser(request);
    const input = await parseJsonBody(request, upstreamDecisionSchema, { upstreamId: (await params).id }, "Invalid decision.");
    const result = await decideUpstream(getDb(), user, input, correlationId);
    return Response.json(result, { headers: { "Cache-Control": "no-store" } });
  });
}
