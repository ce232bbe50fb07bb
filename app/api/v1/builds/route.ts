import { requireApiUser } from "@/lib/auth/require-api-user";
import { parseBuildFilters } from "@/lib/builds/build-filters";
import { listBuilds } from "@/lib/builds/list-builds";
import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { respond } from "@/lib/http/route-response";

export const dynamic = "force-dynamic";

/** GET ?team&workspace&status&failureClass&from&to&q&sort&cursor&limit — builds of the caller's teams (all for Admins). */
export async function GET(request: Request) {
  return respond(request, async () => {
    const user = await requireApiUser(request);
    const parsed = parseBuildFilters(new URL(request.url).searchParams);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new AppError("invalid_input", `Query parameter ${issue?.path.join(".") ?? "?"} ${issue?.message ?? "is invalid"}.`);
    }
    return Response.json(await listBuilds(getDb(), user, parsed.data), { headers: { "Cache-Control": "no-store" } });
  });
}
