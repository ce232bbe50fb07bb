import { z } from "zod";
import { resolveOverageGroups } from "@/lib/auth/graph-groups";
import { clearGroupsStepCookie } from "@/lib/auth/groups-step";
import { requireUser } from "@/lib/auth/require-user";
import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { correlationIdOf, errorResponse } from "@/lib/http/route-response";
import { assertSameOrigin } from "@/lib/http/same-origin";
import { syncEntraMemberships } from "@/lib/teams/sync-memberships";

export const dynamic = "force-dynamic";

const bodySchema = z.union([
  /** The signed-in person's own Microsoft Graph token (GroupMember.Read.All): used once, never stored. */
  z.object({ graphAccessToken: z.string().min(1).max(16_384).regex(/^[\w.-]+$/) }).strict(),
  /** The browser could not get one (consent refused, say): end the step, memberships as they are. */
  z.object({ skip: z.literal(true) }).strict(),
]);

/**
 * The groups step of an overage sign-in (lib/auth/groups-step.ts): the signed-in person's teams
 * are re-derived from the groups Graph names for them. The token must be theirs (its oid is the
 * session's); if it is not, or Graph fails, their memberships stay as they were. The step ends
 * whatever the outcome, so a person is never sent round again.
 */
export async function POST(request: Request) {
  const correlationId = correlationIdOf(request.headers);
  let res: Response;
  try {
    assertSameOrigin(request.headers);
    const user = await requireUser(request);
    const body = bodySchema.safeParse(await request.json().catch(() => null));
    if (!body.success) throw new AppError("invalid_input", "Send { graphAccessToken } or { skip: true }.");
    let synced = false;
    if ("graphAccessToken" in body.data) {
      const groups = await resolveOverageGroups(body.data.graphAccessToken, user.oid);
      if (groups !== undefined) {
        await syncEntraMemberships(getDb(), { id: user.id, oid: user.oid, name: user.name }, groups, correlationId);
        synced = true;
      }
    }
    const teams = await getDb().teamMembership.findMany({ where: { userId: user.id }, select: { team: { select: { slug: true, name: true } } } });
    res = Response.json({ synced, teams: teams.map((m) => m.team) }, { headers: { "Cache-Control": "no-store" } });
  } catch (error) {
    res = errorResponse(error, correlationId);
  }
  res.headers.append("Set-Cookie", clearGroupsStepCookie());
  return res;
}
