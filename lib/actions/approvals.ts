"use server";

import { revalidatePath } from "next/cache";
import { decideRequest } from "@/lib/approvals/decide-request";
import { getDb } from "@/lib/db/client";
import { actionClient } from "@/lib/actions/safe-action";
import { decideUpstream } from "@/lib/upstreams/decide-upstream";
import { revokeUpstream } from "@/lib/upstreams/revoke-upstream";
import { requestDecisionSchema } from "@/lib/validation/request-decision";
import { upstreamDecisionSchema } from "@/lib/validation/upstream-decision";
import { upstreamRevocationSchema } from "@/lib/validation/upstream-revocation";

export const decideUpstreamAction = actionClient
  .metadata({ action: "decideUpstream", roles: ["Feedgate.Approver"] })
  .inputSchema(upstreamDecisionSchema)
  .action(async ({ parsedInput, ctx }) => {
    const result = await decideUpstream(getDb(), ctx.user, parsedInput, ctx.correlationId);
    revalidatePath("/approvals");
    return result;
  });

export const decideRequestAction = actionClient
  .metadata({ action: "decideRequest", roles: ["Feedgate.Approver"] })
  .inputSchema(requestDecisionSchema)
  .action(async ({ parsedInput, ctx }) => {
    const result = await decideRequest(getDb(), ctx.user, parsedInput, ctx.correlationId);
    revalidatePath("/approvals");
    return { id: result.id, title: result.title, status: result.status, next: result.outcome?.state ?? null };
  });

export const revokeUpstreamAction = actionClient
  .metadata({ action: "revokeUpstream", roles: ["Feedgate.Approver"] })
  .inputSchema(upstreamRevocationSchema)
  .action(async ({ parsedInput, ctx }) => {
    const result = await revokeUpstream(getDb(), ctx.user, parsedInput, ctx.correlationId);
    revalidatePath("/approvals");
    revalidatePath("/feeds");
    return { id: result.id, name: result.name, status: result.status, flaggedFeeds: result.flaggedFeeds.length };
  });
