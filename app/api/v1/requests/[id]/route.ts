import { apiRoute, requestPath } from "@/lib/http/api-route";
import { getRequest } from "@/lib/requests/get-request";
import { getRequestTimeline } from "@/lib/requests/get-request-timeline";
import { saveDraft } from "@/lib/requests/save-draft";
import { wizardStateSchema } from "@/lib/validation/request-wizard";

export const dynamic = "force-dynamic";

/** GET — the request with its timeline; another team's request is 404. */
export const GET = apiRoute({ params: requestPath }, async ({ db, user, params }) => {
  const detail = await getRequest(db, user, params.id);
  const timeline = await getRequestTimeline(db, user, params.id);
  return { request: detail, timeline };
});

/** PUT { ...wizard state } — saves the caller's draft. */
export const PUT = apiRoute({ params: requestPath, body: wizardStateSchema }, async ({ db, user, params, body, correlationId }) =>
  saveDraft(db, user, { requestId: params.id, state: body }, correlationId),
);
