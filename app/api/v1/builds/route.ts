import { describeFilterIssue, parseBuildFilters } from "@/lib/builds/build-filters";
import { listBuilds } from "@/lib/builds/list-builds";
import { AppError } from "@/lib/errors";
import { apiRoute } from "@/lib/http/api-route";

export const dynamic = "force-dynamic";

/** GET ?team&workspace&status&failureClass&from&to&q&sort&cursor&limit — builds of the caller's teams (all for Admins). */
export const GET = apiRoute({}, async ({ db, user, searchParams }) => {
  const parsed = parseBuildFilters(searchParams);
  if (!parsed.success) throw new AppError("invalid_input", `Query parameter ${describeFilterIssue(parsed.error)}.`);
  return listBuilds(db, user, parsed.data);
});
