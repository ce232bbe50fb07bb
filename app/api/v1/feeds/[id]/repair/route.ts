import { apiRoute, idPath } from "@/lib/http/api-route";
import { repairFeed } from "@/lib/policy/feed-upstream-policy";

export const dynamic = "force-dynamic";

/** Admins only: applies Feedgate's record of the feed to Nexus again, through a job. */
export const POST = apiRoute({ params: idPath, status: 202 }, async ({ db, user, params, correlationId }) => repairFeed(db, user, params.id, correlationId));
