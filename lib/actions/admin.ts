"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getDb } from "@/lib/db/client";
import { actionClient } from "@/lib/actions/safe-action";
import { endAllSessions } from "@/lib/sessions/end-session";
import { setTwoPersonRule } from "@/lib/settings/two-person-rule";
import { getWebCloud } from "@/lib/cloud/load-cloud";
import { env } from "@/lib/env";
import { listFeedHostsForAdmin, registerFeedHost, setFeedHostEnabled, updateFeedHost } from "@/lib/feed-hosts/admin-feed-hosts";
import { createTeam, updateTeam } from "@/lib/teams/admin-teams";
import { registerFeedHostSchema, setFeedHostEnabledSchema, updateFeedHostSchema } from "@/lib/validation/admin-feed-hosts";
import { discoverWorkspacesInputSchema, registerWorkspaceInputSchema } from "@/lib/validation/admin-workspaces";
import { awaitFeedHostCheck, requestFeedHostCheck } from "@/lib/workflows/check-feed-host/start";
import { discoverWorkspaces, registerWorkspace } from "@/lib/workspaces/admin-workspaces";
import { createTeamSchema, updateTeamActionSchema } from "@/lib/validation/admin-teams";
import { twoPersonRuleSchema } from "@/lib/validation/settings";

export const setTwoPersonRuleAction = actionClient
  .metadata({ action: "setTwoPersonRule", roles: ["Feedgate.Admin"] })
  .inputSchema(twoPersonRuleSchema)
  .action(async ({ parsedInput, ctx }) => {
    const result = await setTwoPersonRule(getDb(), ctx.user, parsedInput.enabled, ctx.correlationId);
    revalidatePath("/admin");
    revalidatePath("/approvals");
    return result;
  });

/** An Admin ends every live session of any user (their own included); audited with the counts. */
export const signOutUserEverywhereAction = actionClient
  .metadata({ action: "signOutUserEverywhere", roles: ["Feedgate.Admin"] })
  .inputSchema(z.object({ userId: z.string().min(1).max(64) }))
  .action(async ({ parsedInput, ctx }) => {
    const result = await endAllSessions(getDb(), ctx.user, parsedInput.userId, { correlationId: ctx.correlationId });
    revalidatePath("/admin");
    return result;
  });

/** An Admin creates a team mapped to Entra groups; conflicts come back per field. */
export const createTeamAction = actionClient
  .metadata({ action: "createTeam", roles: ["Feedgate.Admin"] })
  .inputSchema(createTeamSchema)
  .action(async ({ parsedInput, ctx }) => {
    const team = await createTeam(getDb(), ctx.user, parsedInput, ctx.correlationId);
    revalidatePath("/admin/teams");
    return team;
  });

/** An Admin changes a team's name, slug, groups or settings. */
export const updateTeamAction = actionClient
  .metadata({ action: "updateTeam", roles: ["Feedgate.Admin"] })
  .inputSchema(updateTeamActionSchema)
  .action(async ({ parsedInput: { id, ...input }, ctx }) => {
    const team = await updateTeam(getDb(), ctx.user, id, input, ctx.correlationId);
    revalidatePath("/admin/teams");
    return team;
  });

const hostId = z.object({ id: z.string().trim().regex(/^[a-z0-9]{8,40}$/, "is not a valid id") });

/** An Admin registers a Nexus host or an Azure Artifacts organisation/project; credentials only as references. */
export const registerFeedHostAction = actionClient
  .metadata({ action: "registerFeedHost", roles: ["Feedgate.Admin"] })
  .inputSchema(registerFeedHostSchema)
  .action(async ({ parsedInput, ctx }) => {
    const host = await registerFeedHost(getDb(), ctx.user, parsedInput, ctx.correlationId);
    revalidatePath("/admin/feed-hosts");
    return host;
  });

export const updateFeedHostAction = actionClient
  .metadata({ action: "updateFeedHost", roles: ["Feedgate.Admin"] })
  .inputSchema(updateFeedHostSchema.extend(hostId.shape))
  .action(async ({ parsedInput: { id, ...input }, ctx }) => {
    const host = await updateFeedHost(getDb(), ctx.user, id, input, ctx.correlationId);
    revalidatePath("/admin/feed-hosts");
    return host;
  });

/** Disables a host for new feeds (its existing feeds keep working), or enables it again. */
export const setFeedHostEnabledAction = actionClient
  .metadata({ action: "setFeedHostEnabled", roles: ["Feedgate.Admin"] })
  .inputSchema(setFeedHostEnabledSchema.and(hostId))
  .action(async ({ parsedInput, ctx }) => {
    const host = await setFeedHostEnabled(getDb(), ctx.user, parsedInput.id, parsedInput.enabled, parsedInput.reason, ctx.correlationId);
    revalidatePath("/admin/feed-hosts");
    return host;
  });

/** Queues the worker's connection test and waits up to 20 s for its answer. */
export const testFeedHostConnectionAction = actionClient
  .metadata({ action: "testFeedHostConnection", roles: ["Feedgate.Admin"] })
  .inputSchema(hostId)
  .action(async ({ parsedInput, ctx }) => {
    const db = getDb();
    const { jobId } = await requestFeedHostCheck(db, ctx.user, parsedInput.id, ctx.correlationId);
    const finished = await awaitFeedHostCheck(db, jobId, { timeoutMs: 20_000 });
    const host = (await listFeedHostsForAdmin(db, ctx.user)).find((h) => h.id === parsedInput.id);
    revalidatePath("/admin/feed-hosts");
    return { finished, jobId, host };
  });

/** Lists the subscription's (or one resource group's) Azure ML workspaces and reconciles the registered ones. */
export const discoverWorkspacesAction = actionClient
  .metadata({ action: "discoverWorkspaces", roles: ["Feedgate.Admin"] })
  .inputSchema(discoverWorkspacesInputSchema)
  .action(async ({ parsedInput, ctx }) => {
    const discovery = await discoverWorkspaces(getDb(), getWebCloud(env), ctx.user, parsedInput, ctx.correlationId);
    revalidatePath("/admin/workspaces");
    return discovery;
  });

export const registerWorkspaceAction = actionClient
  .metadata({ action: "registerWorkspace", roles: ["Feedgate.Admin"] })
  .inputSchema(registerWorkspaceInputSchema)
  .action(async ({ parsedInput, ctx }) => {
    const workspace = await registerWorkspace(getDb(), getWebCloud(env), ctx.user, parsedInput, ctx.correlationId);
    revalidatePath("/admin/workspaces");
    return workspace;
  });
