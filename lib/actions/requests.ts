"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getDb } from "@/lib/db/client";
import { cancelRequest } from "@/lib/requests/cancel-request";
import { discardDraft } from "@/lib/requests/discard-draft";
import { RequestValidationError } from "@/lib/requests/request-validation-error";
import { retryRequest } from "@/lib/requests/retry-request";
import { saveDraft } from "@/lib/requests/save-draft";
import { submitRequest } from "@/lib/requests/submit-request";
import { actionClient } from "@/lib/actions/safe-action";
import { requestIdSchema } from "@/lib/validation/request-id";
import { wizardStateSchema } from "@/lib/validation/request-wizard";

export const saveDraftAction = actionClient
  .metadata({ action: "saveDraft", roles: ["Feedgate.Requester"] })
  .inputSchema(z.object({ requestId: requestIdSchema.optional(), state: wizardStateSchema, preview: z.boolean().default(false) }))
  .action(async ({ parsedInput, ctx }) => {
    const saved = await saveDraft(getDb(), ctx.user, parsedInput, ctx.correlationId);
    return { ...saved, savedAt: saved.savedAt.toISOString() };
  });

/** Submits once; a request that does not validate comes back as issues for the form, not as an error. */
export const submitRequestAction = actionClient
  .metadata({ action: "submitRequest", roles: ["Feedgate.Requester"] })
  .inputSchema(z.object({ requestId: requestIdSchema }))
  .action(async ({ parsedInput, ctx }) => {
    try {
      const result = await submitRequest(getDb(), ctx.user, parsedInput, ctx.correlationId);
      revalidatePath("/requests");
      return { ok: true as const, id: result.id, status: result.status };
    } catch (error) {
      if (error instanceof RequestValidationError) return { ok: false as const, message: error.message, issues: error.issues };
      throw error;
    }
  });

export const cancelRequestAction = actionClient
  .metadata({ action: "cancelRequest", roles: ["Feedgate.Requester", "Feedgate.Admin"] })
  .inputSchema(z.object({ requestId: requestIdSchema }))
  .action(async ({ parsedInput, ctx }) => {
    const result = await cancelRequest(getDb(), ctx.user, parsedInput, ctx.correlationId);
    revalidatePath("/requests");
    revalidatePath(`/requests/${result.id}`);
    return result;
  });

export const retryRequestAction = actionClient
  .metadata({ action: "retryRequest", roles: ["Feedgate.Requester", "Feedgate.Admin"] })
  .inputSchema(z.object({ requestId: requestIdSchema }))
  .action(async ({ parsedInput, ctx }) => {
    const result = await retryRequest(getDb(), ctx.user, parsedInput, ctx.correlationId);
    revalidatePath("/requests");
    revalidatePath(`/requests/${result.id}`);
    return result;
  });

export const discardDraftAction = actionClient
  .metadata({ action: "discardDraft", roles: ["Feedgate.Requester"] })
  .inputSchema(z.object({ requestId: requestIdSchema }))
  .action(async ({ parsedInput, ctx }) => {
    const result = await discardDraft(getDb(), ctx.user, parsedInput, ctx.correlationId);
    revalidatePath("/requests");
    return result;
  });
