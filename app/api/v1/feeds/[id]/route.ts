import { getFeed } from "@/lib/feeds/get-feed";
import { apiRoute, idPath } from "@/lib/http/api-route";

export const dynamic = "force-dynamic";

/** GET — one feed of the caller's teams (any for Admins); another team's is 404. */
export const GET = apiRoute({ params: idPath }, async ({ db, user, params }) => getFeed(db, user, params.id));
