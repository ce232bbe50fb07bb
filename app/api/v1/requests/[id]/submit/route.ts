import { apiRoute, requestPath } from "@/lib/http/api-route";
import { submitRequest } from "@/lib/requests/submit-request";

export const dynamic = "force-dynamic";

/** POST — submits the caller's draft for approval; 400 lists every problem (`issues`), 409 if already submitted. */
export const POST = apiRoute({ params: requestPath }, async ({ db, user, params, correlationId }) => submitRequest(db, user, { requestId: params.id }, correlationId));
