import { z } from "zod";
import { FEED_CONFIG_FILES } from "@/lib/feeds/feed-config-files";
import { getFeedConfig } from "@/lib/feeds/get-feed-config";
import { apiRoute, pathParams } from "@/lib/http/api-route";

export const dynamic = "force-dynamic";

const configPath = pathParams(z.object({ id: z.string(), file: z.enum(FEED_CONFIG_FILES) }), "Downloads are pip.conf, condarc, setup.sh and Dockerfile.");

/** GET /api/v1/feeds/{id}/config/{pip.conf|condarc|setup.sh|Dockerfile} — a download, for the feed's team (or Admins). */
export const GET = apiRoute({ params: configPath }, async ({ db, user, params }) => {
  const config = await getFeedConfig(db, user, params.id, params.file);
  return new Response(config.body, {
    headers: {
      "Content-Type": config.contentType,
      "Content-Disposition": `attachment; filename="${config.filename}"`,
      "Cache-Control": "no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
});
