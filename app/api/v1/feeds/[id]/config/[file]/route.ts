import { requireApiUser } from "@/lib/auth/require-api-user";
import { getDb } from "@/lib/db/client";
import { NotFoundError } from "@/lib/errors";
import { isFeedConfigFile } from "@/lib/feeds/feed-config-files";
import { getFeedConfig } from "@/lib/feeds/get-feed-config";
import { respond } from "@/lib/http/route-response";

export const dynamic = "force-dynamic";

/** GET /api/v1/feeds/{id}/config/{pip.conf|condarc|setup.sh|Dockerfile} — a download, for the feed's team (or Admins). */
export async function GET(request: Request, { params }: { params: Promise<{ id: string; file: string }> }) {
  return respond(request, async () => {
    const user = await requireApiUser(request);
    const { id, file } = await params;
    if (!isFeedConfigFile(file)) throw new NotFoundError("Downloads are pip.conf, condarc, setup.sh and Dockerfile.");
    const config = await getFeedConfig(getDb(), user, id, file);
    return new Response(config.body, {
      headers: {
        "Content-Type": config.contentType,
        "Content-Disposition": `attachment; filename="${config.filename}"`,
        "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff",
      },
    });
  });
}
