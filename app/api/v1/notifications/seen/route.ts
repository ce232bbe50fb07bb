import { requireUser } from "@/lib/auth/require-user";
import { getDb } from "@/lib/db/client";
import { respond } from "@/lib/http/route-response";
import { assertSameOrigin } from "@/lib/http/same-origin";
import { markNotificationsSeen } from "@/lib/notifications/list-notifications";

export const dynamic = "force-dynamic";

/** POST — marks the caller's notifications as seen (moves their seen marker to now). */
export async function POST(request: Request) {
  return respond(request, async () => {
    assertSameOrigin(request.headers);
    const user = await requireUser(request);
    return Response.json(await markNotificationsSeen(getDb(), user), { headers: { "Cache-Control": "no-store" } });
  });
}
