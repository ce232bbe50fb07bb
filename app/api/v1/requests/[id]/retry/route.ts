import { requireUser } from "@/lib/auth/require-user";
import { getDb } from "@/lib/db/client";
import { respond } from "@/lib/http/route-response";
import { assertSameOrigin } from "@/lib/http/same-origin";
import { retryRequest } from "@/lib/requests/retry-request";
import { NO_STORE, readRequestId } from "@/lib/requests/route-helpers";

export const dynamic = "force-dynamic";

/** POST — Retries a request of the caller's team (Requesters and Admins); 409 when its state does not allow it. */
export async function POST(request: Request, { params }: { params: Promise<{ id: string }> }) {
  return respond(request, async (correlationId) => {
    assertSameOrigin(request.headers);
    const user = await requireUser(request);
    const requestId = await readRequestId(params);
    return Response.json(await retryRequest(getDb(), user, { requestId }, correlationId), { headers: NO_STORE });
  });
}
