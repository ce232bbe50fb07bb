import { requireUser } from "@/lib/auth/require-user";
import { getDb } from "@/lib/db/client";
import { listFeeds } from "@/lib/feeds/list-feeds";
import { respond } from "@/lib/http/route-response";

export const dynamic = "force-dynamic";

/** GET ?teamId= — the caller's teams' feeds (all teams for Admins). */
export async function GET(request: Request) {
  return respond(request, async () => {
    const user = await requireUser(request);
    const teamId = new URL(request.url).searchParams.get("teamId") ?? undefined;
    return Response.json({ feeds: await listFeeds(getDb(), user, { teamId }) }, { headers: { "Cache-Control": "no-store" } });
  });
}
