import { requireUser } from "@/lib/auth/require-user";
import { getDb } from "@/lib/db/client";
import { respond } from "@/lib/http/route-response";

export const dynamic = "force-dynamic";

/** Who the caller is: name, roles and the teams whose data they can see. */
export async function GET(request: Request) {
  return respond(request, async () => {
    const user = await requireUser(request);
    const teams = await getDb().team.findMany({ where: { id: { in: user.teamIds } }, select: { id: true, slug: true, name: true }, orderBy: { slug: "asc" } });
    return Response.json({ name: user.name, email: user.email, roles: user.roles, teams }, { headers: { "Cache-Control": "no-store" } });
  });
}
