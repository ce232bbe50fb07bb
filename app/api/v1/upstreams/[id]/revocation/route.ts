import { requireUser } from "@/lib/auth/require-user";
import { getDb } from "@/lib/db/client";
import { parseJsonBody } from "@/lib/http/parse-json-body";
import { respond } from "@/lib/http/route-response";
import { assertSameOrigin } from "@/lib/http/same-origin";
import { revokeUpstream } from "@/lib/upstreams/revoke-upstream";
import { upstreamRevocationSchema } from "@/lib/validation/upstream-revocation";

export const dynamic = "force-dynamic";

/** POST { reason } — Approvers only: revokes an approved upstream, flags its feeds, queues the offline switch. */
export async function POST(request: Request, { params }: { params: Promise<{ id: string }> }) {
  return respond(request, async (correlationId) => {
    assertSameOrigin(request.headers);
    const user = await requireUser(request);
    const input = await parseJsonBody(request, upstreamRevocationSchema, { upstreamId: (await params).id }, "Invalid revocation.");
    return Response.json(await revokeUpstream(getDb(), user, input, correlationId), { headers: { "Cache-Control": "no-store" } });
  });
}
