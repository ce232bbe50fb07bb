import { apiRoute, idPath } from "@/lib/http/api-route";
import { getTeam } from "@/lib/teams/get-team";

export const dynamic = "force-dynamic";

/** GET — a team of the caller's (any for Admins) with its members and feed count; another team's is 404. */
export const GET = apiRoute({ params: idPath }, async ({ db, user, params }) => getTeam(db, user, params.id));
