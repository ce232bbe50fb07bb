import { apiRoute, idPath } from "@/lib/http/api-route";
import { revokeUpstream } from "@/lib/upstreams/revoke-upstream";
import { upstreamRevocationSchema } from "@/lib/validation/upstream-revocation";

export const dynamic = "force-dynamic";

/** POST { reason } — Approvers only: revokes an approved upstream, flags its feeds, queues the offline switch. */
export const POST = apiRoute({ params: idPath, body: upstreamRevocationSchema, bodyFromPath: ({ id }) => ({ upstreamId: id }) }, async ({ db, user, body, correlationId }) =>
  revokeUpstream(db, user, body, correlationId),
);
