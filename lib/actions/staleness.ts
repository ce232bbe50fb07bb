"use server";

import { revalidatePath } from "next/cache";
import { actionClient } from "@/lib/actions/safe-action";
import { getDb } from "@/lib/db/client";
import { startRebuildBatch } from "@/lib/staleness/rebuild-batch";
import { checkStalenessNowSchema, startRebuildBatchSchema } from "@/lib/validation/rebuild-batch";
import { awaitStalenessCheck, requestStalenessCheck } from "@/lib/workflows/check-staleness/request-check";

export const startRebuildBatchAction = actionClient
  .metadata({ action: "startRebuildBatch", roles: ["Feedgate.Admin"] })
  .inputSchema(startRebuildBatchSchema)
  .action(async ({ parsedInput, ctx }) => {
    const result = await startRebuildBatch(getDb(), ctx.user, parsedInput, ctx.correlationId);
    revalidatePath("/admin/staleness");
    revalidatePath("/builds");
    return result;
  });

/** "Check now": one staleness round, awaited for a while so the page shows its result. Admins only. */
export const checkStalenessNowAction = actionClient
  .metadata({ action: "checkStalenessNow", roles: ["Feedgate.Admin"] })
  .inputSchema(checkStalenessNowSchema)
  .action(async ({ ctx }) => {
    const db = getDb();
    const jobId = await requestStalenessCheck(db, `requested by ${ctx.user.name}`);
    const finished = await awaitStalenessCheck(db, jobId, 25_000);
    revalidatePath("/admin/staleness");
    revalidatePath("/builds");
    return { jobId, finished };
  });
