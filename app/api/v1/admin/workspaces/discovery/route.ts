import { env } from "@/lib/env";
import { getWebCloud } from "@/lib/cloud/load-cloud";
import { apiRoute } from "@/lib/http/api-route";
import { discoverWorkspacesInputSchema } from "@/lib/validation/admin-workspaces";
import { discoverWorkspaces } from "@/lib/workspaces/admin-workspaces";

export const dynamic = "force-dynamic";

/**
 * POST { resourceGroup? } — Admins: lists the Azure ML workspaces of the subscription (or one
 * resource group) with their network posture, and marks registered ones Azure no longer has as
 * MISSING. A POST, not a GET: the listing reconciles what is registered.
 */
export const POST = apiRoute({ body: discoverWorkspacesInputSchema }, async ({ db, user, body, correlationId }) => discoverWorkspaces(db, getWebCloud(env), user, body, correlationId));
