"use server";

import { revalidatePath } from "next/cache";
import { getDb } from "@/lib/db/client";
import { actionClient } from "@/lib/safe-action";
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
