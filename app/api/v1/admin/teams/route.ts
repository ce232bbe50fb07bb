import { apiRoute } from "@/lib/http/api-route";
import { createTeam, listTeamsForAdmin } from "@/lib/teams/admin-teams";
import { createTeamSchema } from "@/lib/validation/admin-teams";

export const dynamic = "force-dynamic";

/** GET — Admins: every team with its Entra groups, member counts and settings. */
export const GET = apiRoute({}, async ({ db, user }) => ({ teams: await listTeamsForAdmin(db, user) }));

/** POST { slug, name, groupIds, defaultRegion?, addressPool? } — Admins: creates a team, audited. */
export const POST = apiRoute({ body: createTeamSchema, status: 201 }, async ({ db, user, body, correlationId }) => createTeam(db, user, body, correlationId));
