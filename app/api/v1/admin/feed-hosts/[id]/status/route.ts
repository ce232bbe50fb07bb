import { setFeedHostEnabled } from "@/lib/feed-hosts/admin-feed-hosts";
import { apiRoute, idPath } from "@/lib/http/api-route";
import { setFeedHostEnabledSchema } from "@/lib/validation/admin-feed-hosts";

export const dynamic = "force-dynamic";

/** PUT { enabled, reason } — Admins: a disabled host takes no new feeds; the feeds it serves keep working. */
export const PUT = apiRoute({ params: idPath, body: setFeedHostEnabledSchema }, async ({ db, user, params, body, correlationId }) => setFeedHostEnabled(db, user, params.id, body.enabled, body.reason, correlationId));
