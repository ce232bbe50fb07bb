import { apiRoute, idPath } from "@/lib/http/api-route";
import { setUpstreamAllowList } from "@/lib/policy/feed-upstream-policy";
import { allowListInputSchema } from "@/lib/policy/policy-schemas";

export const dynamic = "force-dynamic";

/** PUT { allowList, reason } — Approvers only: null allows every package; live feeds follow through sync jobs. */
export const PUT = apiRoute({ params: idPath, body: allowListInputSchema, bodyFromPath: ({ id }) => ({ upstreamId: id }) }, async ({ db, user, body, correlationId }) =>
  setUpstreamAllowList(db, user, body, correlationId),
);
