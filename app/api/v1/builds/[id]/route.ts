import { requireApiUser } from "@/lib/auth/require-api-user";
import { getBuild } from "@/lib/builds/get-build";
import { getDb } from "@/lib/db/client";
import { respond } from "@/lib/http/route-response";

export const dynamic = "force-dynamic";

/** GET — one build with phases, effective sources, Dockerfile, failure guidance and the diff against the last success. */
export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  return respond(request, async () => {
    const user = await requireApiUser(request);
    return Response.json(await getBuild(getDb(), user, (await params).id), { headers: { "Cache-Control": "no-store" } });
  });
}
