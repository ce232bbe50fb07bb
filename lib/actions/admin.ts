"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getDb } from "@/lib/db/client";
import { actionClient } from "@/lib/actions/safe-action";
import { endAllSessions } from "@/lib/sessions/end-session";
import { setTwoPersonRule } from "@/lib/settings/two-person-rule";
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
