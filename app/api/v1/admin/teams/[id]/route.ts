import { apiRoute, idPath } from "@/lib/http/api-route";
import { updateTeam } from "@/lib/teams/admin-teams";
import { updateTeamSchema } from "@/lib/validation/admin-teams";

export const dynamic = "force-dynamic";

/** PATCH — Admins: changes a team's name, slug, groups or settings; each change is audited with before and after. */
export const PATCH = apiRoute({ params: idPath, body: updateTeamSchema }, async ({ db, user, params, body, correlationId }) => updateTeam(db, user, params.id, body, correlationId));
