import { z } from "zod";
import { FeedRequestStatus } from "@/generated/prisma/enums";
import { requireUser } from "@/lib/auth/require-user";
import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { respond } from "@/lib/http/route-response";
import { assertSameOrigin } from "@/lib/http/same-origin";
import { listRequests } from "@/lib/requests/list-requests";
import { NO_STORE, readJsonObject } from "@/lib/requests/route-helpers";
import { saveDraft } from "@/lib/requests/save-draft";
import { wizardStateSchema } from "@/lib/validation/request-wizard";

export const dynamic = "force-dynamic";

/** GET ?status= — requests of the caller's teams (drafts only their own). */
export async function GET(request: Request) {
  return respond(request, async () => {
    const user = await requireUser(request);
    const status = z.enum(FeedRequestStatus).optional().safeParse(new URL(request.url).searchParams.get("status") ?? undefined);
    if (!status.success) throw new AppError("invalid_input", "Unknown status filter.");
    return Response.json({ requests: await listRequests(getDb(), user, { status: status.data }) }, { headers: NO_STORE });
  });
}

/** POST { ...wizard state } — creates a draft; the answer lists what submit would refuse. */
export async function POST(request: Request) {
  return respond(request, async (correlationId) => {
    assertSameOrigin(request.headers);
    const user = await requireUser(request);
    const state = wizardStateSchema.safeParse(await readJsonObject(request));
    if (!state.success) throw new AppError("invalid_input", state.error.issues[0]?.message ?? "Invalid draft.");
    const saved = await saveDraft(getDb(), user, { state: state.data }, correlationId);
    return Response.json(saved, { status: 201, headers: NO_STORE });
  });
}
