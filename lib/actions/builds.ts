"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { rebuildBuild } from "@/lib/workflows/provision-request/rebuild-build";
import { retryBuild } from "@/lib/requests/retry-build";
import { rebuildBuildSchema } from "@/lib/validation/rebuild-build";
import { getDb } from "@/lib/db/client";
import { actionClient } from "@/lib/actions/safe-action";

export const retryBuildAction = actionClient
  .metadata({ action: "retryBuild", roles: ["Feedgate.Requester", "Feedgate.Admin"] })
  .inputSchema(z.object({ buildId: z.string().min(1).max(64) }))
  .action(async ({ parsedInput, ctx }) => {
    const result = await retryBuild(getDb(), ctx.user, parsedInput.buildId, ctx.correlationId);
    revalidatePath("/builds");
    revalidatePath(`/builds/${parsedInput.buildId}`);
    return result;
  });

export const rebuildBuildAction = actionClient
  .metadata({ action: "rebuildBuild", roles: ["Feedgate.Requester", "Feedgate.Admin"] })
  .inputSchema(rebuildBuildSchema)
  .action(async ({ parsedInput, ctx }) => {
    const result = await rebuildBuild(getDb(), ctx.user, parsedInput.buildId, parsedInput.mode, ctx.correlationId);
    revalidatePath("/builds");
    revalidatePath(`/builds/${parsedInput.buildId}`);
    return result;
  });
