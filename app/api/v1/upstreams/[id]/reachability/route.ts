import { requireApiUser } from "@/lib/auth/require-api-user";
import { getDb } from "@/lib/db/client";
import { respond } from "@/lib/http/route-response";
import { checkUpstreamById } from "@/lib/upstreams/check-upstream-by-id";

export const dynamic = "force-dynamic";

/** GET — Approvers only: does the upstream's URL answer now (SSRF-safe, short deadline)? */
export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  return respond(request, async () => {
    const user = await requireApiUser(request);
    return Response.json(await checkUpstreamById(getDb(), user, (await params).id), { headers: { "Cache-Control": "no-store" } });
  });
}
