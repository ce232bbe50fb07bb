import { updateFeedHost } from "@/lib/feed-hosts/admin-feed-hosts";
import { apiRoute, idPath } from "@/lib/http/api-route";
import { updateFeedHostSchema } from "@/lib/validation/admin-feed-hosts";

export const dynamic = "force-dynamic";

/** PATCH — Admins: changes a host's URL, credential reference, CA, organization or project; audited with before and after. */
export const PATCH = apiRoute({ params: idPath, body: updateFeedHostSchema }, async ({ db, user, params, body, correlationId }) => updateFeedHost(db, user, params.id, body, correlationId));
