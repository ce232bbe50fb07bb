"use server";

import { revalidatePath } from "next/cache";
import { getDb } from "@/lib/db/client";
import { actionClient } from "@/lib/safe-action";
import { decideUpstream } from "@/lib/upstreams/decide-upstream";
import { upstreamDecisionSchema } from "@/lib/validation/upstream-decision";

export const decideUpstreamAction = actionClient
  .metadata({ action: "decideUpstream", roles: ["Feedgate.Approver"] })
  .inputSchema(upstreamDecisionSchema)
  .action(async ({ parsedInput, ctx }) => {
    const result = await decideUpstream(getDb(), ctx.user, parsedInput, ctx.correlationId);
    revalidatePath("/approvals");
    return result;
  });
