import { env } from "@/lib/env";
import { getWebCloud } from "@/lib/cloud/load-cloud";
import { apiRoute } from "@/lib/http/api-route";
import { registerWorkspaceInputSchema } from "@/lib/validation/admin-workspaces";
import { listRegisteredWorkspaces, registerWorkspace } from "@/lib/workspaces/admin-workspaces";

export const dynamic = "force-dynamic";

/** GET — Admins: every registered workspace with its team, status (MISSING when Azure no longer has it) and warnings. */
export const GET = apiRoute({}, async ({ db, user }) => ({ workspaces: await listRegisteredWorkspaces(db, user) }));

/** POST { armId, teamId } — Admins: registers an existing Azure ML workspace of the configured subscription to a team. */
export const POST = apiRoute({ body: registerWorkspaceInputSchema, status: 201 }, async ({ db, user, body, correlationId }) => registerWorkspace(db, getWebCloud(env), user, body, correlationId));
