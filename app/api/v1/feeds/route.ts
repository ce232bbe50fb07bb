import { listFeeds } from "@/lib/feeds/list-feeds";
import { apiRoute } from "@/lib/http/api-route";

export const dynamic = "force-dynamic";

/** GET ?teamId= — the caller's teams' feeds (all teams for Admins). */
export const GET = apiRoute({}, async ({ db, user, searchParams }) => ({ feeds: await listFeeds(db, user, { teamId: searchParams.get("teamId") ?? undefined }) }));
