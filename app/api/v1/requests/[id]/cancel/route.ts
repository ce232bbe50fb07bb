import { apiRoute, requestPath } from "@/lib/http/api-route";
import { cancelRequest } from "@/lib/requests/cancel-request";

export const dynamic = "force-dynamic";

/** POST — Cancels a request of the caller's team (Requesters and Admins); 409 when its state does not allow it. */
export const POST = apiRoute({ params: requestPath }, async ({ db, user, params, correlationId }) => cancelRequest(db, user, { requestId: params.id }, correlationId));
