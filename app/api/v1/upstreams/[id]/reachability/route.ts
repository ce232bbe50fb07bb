import { requireUser } from "@/lib/auth/require-user";
import { getDb } from "@/lib/db/client";
import { respond } from "@/lib/http/route-response";
import { checkUpstreamById } from "@/lib/upstreams/check-upstream-by-id";

export const dynamic = "force-dynamic";

/** GET — Approvers only: does the upstream's URL answer now (SSRF-safe, short deadline)? */
export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  return respond(request, async () => {
    const user = await requireUser(request);
    return Response.json(await checkUpstreamById(getDb(), user, (await params).id), { headers: { "Cache-Control": "no-store" } });
  });
}
