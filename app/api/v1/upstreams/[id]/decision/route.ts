import { apiRoute, idPath } from "@/lib/http/api-route";
import { decideUpstream } from "@/lib/upstreams/decide-upstream";
import { upstreamDecisionSchema } from "@/lib/validation/upstream-decision";

export const dynamic = "force-dynamic";

/** POST { decision: "approve" | "decline", reason } — Approvers only. */
export const POST = apiRoute({ params: idPath, body: upstreamDecisionSchema, bodyFromPath: ({ id }) => ({ upstreamId: id }) }, async ({ db, user, body, correlationId }) =>
  decideUpstream(db, user, body, correlationId),
);
