import { decideRequest } from "@/lib/approvals/decide-request";
import { apiRoute, idPath } from "@/lib/http/api-route";
import { requestDecisionSchema } from "@/lib/validation/request-decision";

export const dynamic = "force-dynamic";

/** POST { decision: "approve" | "decline", reason } — Approvers only; 409 when already decided. */
export const POST = apiRoute({ params: idPath, body: requestDecisionSchema, bodyFromPath: ({ id }) => ({ requestId: id }) }, async ({ db, user, body, correlationId }) =>
  decideRequest(db, user, body, correlationId),
);
