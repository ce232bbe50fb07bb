"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getDb } from "@/lib/db/client";
import { actionClient } from "@/lib/actions/safe-action";
import { endAllSessions } from "@/lib/sessions/end-session";
import { setTwoPersonRule } from "@/lib/settings/two-person-rule";
import { createTeam, updateTeam } from "@/lib/teams/admin-teams";
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
