import { decideRequest } from "@/lib/approvals/decide-request";
import { requireUser } from "@/lib/auth/require-user";
import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { respond } from "@/lib/http/route-response";
import { assertSameOrigin } from "@/lib/http/same-origin";
import { requestDecisionSchema } from "@/lib/validation/request-decision";

export const dynamic = "force-dynamic";

/** POST { decision: "approve" | "decline", reason } — Approvers only; 409 when already decided. */
export async function POST(request: Request, { params }: { params: Promise<{ id: string }> }) {
  return respond(request, async (correlationId) => {
    assertSameOrigin(request.headers);
    const user = await requireUser(request);
    const body: unknown = await request.json().catch(() => null);
    const input = requestDecisionSchema.safeParse({ ...(isObject(body) ? body : {}), requestId: (await params).id });
    if (!input.success) throw new AppError("invalid_input", input.error.issues[0]?.message ?? "Invalid decision.");
    return Response.json(await decideRequest(getDb(), user, input.data, correlationId), { headers: { "Cache-Control": "no-store" } });
  });
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
