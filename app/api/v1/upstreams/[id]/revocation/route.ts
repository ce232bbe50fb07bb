import { requireUser } from "@/lib/auth/require-user";
import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { respond } from "@/lib/http/route-response";
import { assertSameOrigin } from "@/lib/http/same-origin";
import { revokeUpstream } from "@/lib/upstreams/revoke-upstream";
import { upstreamRevocationSchema } from "@/lib/validation/upstream-revocation";

export const dynamic = "force-dynamic";

/** POST { reason } — Approvers only: revokes an approved upstream, flags its feeds, queues the offline switch. */
export async function POST(request: Request, { params }: { params: Promise<{ id: string }> }) {
  return respond(request, async (correlationId) => {
    assertSameOrigin(request.headers);
    const user = await requireUser(request);
    const body: unknown = await request.json().catch(() => null);
    const input = upstreamRevocationSchema.safeParse({ ...(isObject(body) ? body : {}), upstreamId: (await params).id });
    if (!input.success) throw new AppError("invalid_input", input.error.issues[0]?.message ?? "Invalid revocation.");
    return Response.json(await revokeUpstream(getDb(), user, input.data, correlationId), { headers: { "Cache-Control": "no-store" } });
  });
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
