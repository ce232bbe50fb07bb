"use server";

import { revalidatePath } from "next/cache";
import { getDb } from "@/lib/db/client";
import { actionClient } from "@/lib/actions/safe-action";
import { reorderFeedUpstreams, repairFeed, setUpstreamAllowList } from "@/lib/policy/feed-upstream-policy";
import { blockPackage, unblockPackage } from "@/lib/policy/package-blocks";
import { allowListInputSchema, packageBlockInputSchema, packageUnblockInputSchema, repairFeedInputSchema, upstreamOrderInputSchema } from "@/lib/policy/policy-schemas";

/** An Admin bans a package organisation-wide; every live Nexus feed gets it through a job. */
export const blockPackageAction = actionClient
  .metadata({ action: "blockPackage", roles: ["Feedgate.Admin"] })
  .inputSchema(packageBlockInputSchema)
  .action(async ({ parsedInput, ctx }) => {
    const result = await blockPackage(getDb(), ctx.user, parsedInput, ctx.correlationId);
    revalidatePath("/admin");
    revalidatePath("/feeds");
    return { name: result.name, feeds: result.jobs.length };
  });

export const unblockPackageAction = actionClient
  .metadata({ action: "unblockPackage", roles: ["Feedgate.Admin"] })
  .inputSchema(packageUnblockInputSchema)
  .action(async ({ parsedInput, ctx }) => {
    const result = await unblockPackage(getDb(), ctx.user, parsedInput.name, ctx.correlationId);
    revalidatePath("/admin");
    revalidatePath("/feeds");
    return { name: result.name, feeds: result.jobs.length };
  });

export const setAllowListAction = actionClient
  .metadata({ action: "setAllowList", roles: ["Feedgate.Approver"] })
  .inputSchema(allowListInputSchema)
  .action(async ({ parsedInput, ctx }) => {
    const result = await setUpstreamAllowList(getDb(), ctx.user, parsedInput, ctx.correlationId);
    revalidatePath("/approvals");
    revalidatePath("/feeds");
    return { id: result.id, allowList: result.allowList, feeds: result.jobs.length };
  });

export const reorderFeedUpstreamsAction = actionClient
  .metadata({ action: "reorderFeedUpstreams", roles: ["Feedgate.Approver", "Feedgate.Admin"] })
  .inputSchema(upstreamOrderInputSchema)
  .action(async ({ parsedInput, ctx }) => {
    const result = await reorderFeedUpstreams(getDb(), ctx.user, parsedInput, ctx.correlationId);
    revalidatePath("/feeds");
    return { feedId: result.feedId, order: result.order };
  });

/** An Admin repairs a drifted feed: Feedgate's record is applied to Nexus again. */
export const repairFeedAction = actionClient
  .metadata({ action: "repairFeed", roles: ["Feedgate.Admin"] })
  .inputSchema(repairFeedInputSchema)
  .action(async ({ parsedInput, ctx }) => {
    const result = await repairFeed(getDb(), ctx.user, parsedInput.feedId, ctx.correlationId);
    revalidatePath("/feeds");
    return result;
  });
