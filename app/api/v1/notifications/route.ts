import { apiRoute } from "@/lib/http/api-route";
import { countNotifications, listNotifications } from "@/lib/notifications/list-notifications";

export const dynamic = "force-dynamic";

/** GET — the caller's notifications; `?count` answers only the badge number. */
export const GET = apiRoute({}, async ({ db, user, searchParams }) => (searchParams.has("count") ? { count: await countNotifications(db, user) } : listNotifications(db, user)));
