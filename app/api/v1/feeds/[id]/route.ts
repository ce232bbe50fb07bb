import { requireUser } from "@/lib/auth/require-user";
import { getDb } from "@/lib/db/client";
import { getFeed } from "@/lib/feeds/get-feed";
import { respond } from "@/lib/http/route-response";

export const dynamic = "force-dynamic";

export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  return respond(request, async () => {
    const user = await requireUser(request);
    return Response.json(await getFeed(getDb(), user, (await params).id), { headers: { "Cache-Control": "no-store" } });
  });
}
