import { requireApiUser } from "@/lib/auth/require-api-user";
import { getDb } from "@/lib/db/client";
import { respond } from "@/lib/http/route-response";
import { countNotifications, listNotifications } from "@/lib/notifications/list-notifications";

export const dynamic = "force-dynamic";

/** GET — the caller's notifications; `?count` answers only the badge number. */
export async function GET(request: Request) {
  return respond(request, async () => {
    const user = await requireApiUser(request);
    const headers = { "Cache-Control": "no-store" };
    if (new URL(request.url).searchParams.has("count")) return Response.json({ count: await countNotifications(getDb(), user) }, { headers });
    return Response.json(await listNotifications(getDb(), user), { headers });
  });
}
