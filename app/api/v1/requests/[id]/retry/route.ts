import { apiRoute, requestPath } from "@/lib/http/api-route";
import { retryRequest } from "@/lib/requests/retry-request";

export const dynamic = "force-dynamic";

/** POST — Retries a request of the caller's team (Requesters and Admins); 409 when its state does not allow it. */
export const POST = apiRoute({ params: requestPath }, async ({ db, user, params, correlationId }) => retryRequest(db, user, { requestId: params.id }, correlationId));
