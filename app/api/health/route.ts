import { checkDatabase } from "@/lib/health/check-database";
import { publicRoute } from "@/lib/http/api-route";

export const dynamic = "force-dynamic";

/** GET — public liveness: 200 when the database answers and is migrated, 503 otherwise. */
export const GET = publicRoute(async ({ db }) => {
  const health = await checkDatabase(db);
  return Response.json(health, { status: health.db === "ok" ? 200 : 503 });
});
