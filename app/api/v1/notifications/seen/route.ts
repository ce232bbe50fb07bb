import { apiRoute } from "@/lib/http/api-route";
import { markNotificationsSeen } from "@/lib/notifications/list-notifications";

export const dynamic = "force-dynamic";

/** POST — marks the caller's notifications as seen (moves their seen marker to now). */
export const POST = apiRoute({}, async ({ db, user }) => markNotificationsSeen(db, user));
