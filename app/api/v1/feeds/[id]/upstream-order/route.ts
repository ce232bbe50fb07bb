import { apiRoute, idPath } from "@/lib/http/api-route";
import { reorderFeedUpstreams } from "@/lib/policy/feed-upstream-policy";
import { upstreamOrderInputSchema } from "@/lib/policy/policy-schemas";

export const dynamic = "force-dynamic";

/** PUT { upstreamIds } — Approvers and Admins: the order in which the feed's group asks its upstreams. */
export const PUT = apiRoute({ params: idPath, body: upstreamOrderInputSchema, bodyFromPath: ({ id }) => ({ feedId: id }) }, async ({ db, user, body, correlationId }) =>
  reorderFeedUpstreams(db, user, body, correlationId),
);
