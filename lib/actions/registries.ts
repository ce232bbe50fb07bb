"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { actionClient } from "@/lib/actions/safe-action";
import { getWebCloud } from "@/lib/cloud/load-cloud";
import { getDb } from "@/lib/db/client";
import { env } from "@/lib/env";
import { registerRegistry, setRegistryTeams } from "@/lib/registries/admin-registries";
import { getPublishPanel, requestPublication } from "@/lib/registries/publications";
import { publishEnvironmentInputSchema, registerRegistryInputSchema, setRegistryTeamsInputSchema } from "@/lib/validation/aml-registries";

/** Registers an Azure ML registry (checked in Azure) for the teams that may publish to it. */
export const registerRegistryAction = actionClient
  .metadata({ action: "registerRegistry", roles: ["Feedgate.Admin"] })
  .inputSchema(registerRegistryInputSchema)
  .action(async ({ parsedInput, ctx }) => {
    const registry = await registerRegistry(getDb(), getWebCloud(env), ctx.user, parsedInput, ctx.correlationId);
    revalidatePath("/admin/registries");
    return registry;
  });

export const setRegistryTeamsAction = actionClient
  .metadata({ action: "setRegistryTeams", roles: ["Feedgate.Admin"] })
  .inputSchema(setRegistryTeamsInputSchema)
  .action(async ({ parsedInput, ctx }) => {
    const result = await setRegistryTeams(getDb(), ctx.user, parsedInput, ctx.correlationId);
    revalidatePath("/admin/registries");
    return result;
  });

/** Queues the publish of a built environment version to one of the team's registries. */
export const publishEnvironmentAction = actionClient
  .metadata({ action: "publishEnvironment", roles: ["Feedgate.Requester", "Feedgate.Admin"] })
  .inputSchema(publishEnvironmentInputSchema)
  .action(async ({ parsedInput, ctx }) => {
    await requestPublication(getDb(), ctx.user, parsedInput, ctx.correlationId);
    return getPublishPanel(getDb(), ctx.user, parsedInput.environmentId);
  });

/** The publish control's state, for the control to follow a publish while it runs. */
export const loadPublishPanelAction = actionClient
  .metadata({ action: "loadPublishPanel", roles: ["Feedgate.Requester", "Feedgate.Admin"] })
  .inputSchema(z.object({ environmentId: z.string().trim().regex(/^[A-Za-z0-9_-]{1,64}$/) }))
  .action(async ({ parsedInput, ctx }) => getPublishPanel(getDb(), ctx.user, parsedInput.environmentId));
