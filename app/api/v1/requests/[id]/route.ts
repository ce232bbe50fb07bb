import { requireUser } from "@/lib/auth/require-user";
import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { respond } from "@/lib/http/route-response";
import { assertSameOrigin } from "@/lib/http/same-origin";
import { getRequest } from "@/lib/requests/get-request";
import { getRequestTimeline } from "@/lib/requests/get-request-timeline";
import { NO_STORE, readJsonObject, readRequestId } from "@/lib/requests/route-helpers";
import { saveDraft } from "@/lib/requests/save-draft";
import { wizardStateSchema } from "@/lib/validation/request-wizard";

export const dynamic = "force-dynamic";

/** GET — the request with its timeline; another team's request is 404. */
export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  return respond(request, async () => {
    const user = await requireUser(request);
    const id = await readRequestId(params);
    const detail = await getRequest(getDb(), user, id);
    const timeline = await getRequestTimeline(getDb(), user, id);
    return Response.json({ request: detail, timeline }, { headers: NO_STORE });
  });
}

/** PUT { ...wizard state } — saves the caller's draft. */
export async function PUT(request: Request, { params }: { params: Promise<{ id: string }> }) {
  return respond(request, async (correlationId) => {
    assertSameOrigin(request.headers);
    const user = await requireUser(request);
    const requestId = await readRequestId(params);
    const state = wizardStateSchema.safeParse(await readJsonObject(request));
    if (!state.success) throw new AppError("invalid_input", state.error.issues[0]?.message ?? "Invalid draft.");
    return Response.json(await saveDraft(getDb(), user, { requestId, state: state.data }, correlationId), { headers: NO_STORE });
  });
}
