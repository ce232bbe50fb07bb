import { apiRoute } from "@/lib/http/api-route";

export const dynamic = "force-dynamic";

/** GET — who the caller is: name, roles and the teams whose data they can see. */
export const GET = apiRoute({}, async ({ db, user }) => {
  const teams = await db.team.findMany({ where: { id: { in: user.teamIds } }, select: { id: true, slug: true, name: true }, orderBy: { slug: "asc" } });
  return { name: user.name, email: user.email, roles: user.roles, teams };
});
