import { requireUser } from "@/lib/auth/require-user";
import { getDb } from "@/lib/db/client";
import { respond } from "@/lib/http/route-response";
import { assertSameOrigin } from "@/lib/http/same-origin";
import { RequestValidationError } from "@/lib/requests/request-validation-error";
import { NO_STORE, readRequestId, validationResponse } from "@/lib/requests/route-helpers";
import { submitRequest } from "@/lib/requests/submit-request";

export const dynamic = "force-dynamic";

/** POST — submits the caller's draft for approval; 400 lists every problem, 409 if already submitted. */
export async function POST(request: Request, { params }: { params: Promise<{ id: string }> }) {
  return respond(request, async (correlationId) => {
    assertSameOrigin(request.headers);
    const user = await requireUser(request);
    const requestId = await readRequestId(params);
    try {
      return Response.json(await submitRequest(getDb(), user, { requestId }, correlationId), { headers: NO_STORE });
    } catch (error) {
      if (error instanceof RequestValidationError) return validationResponse(error, correlationId);
      throw error;
    }
  });
}
