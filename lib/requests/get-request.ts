import "server-only";
import type { ActingUser } from "@/lib/auth/acting-user";
import { requireRole } from "@/lib/auth/require-role";
import type { PrismaClient } from "@/lib/db/client";
import { NotFoundError } from "@/lib/errors";
import { namesByOid } from "./list-requests";
import { visibleRequestsWhere } from "./request-scope";

/**
 * One request the user may see, with its stored payload (the wizard state while a draft,
 * the validated payload once submitted). Another team's request is "not found", exactly like
 * one that does not exist, so ids cannot be probed.
 */
export async function getRequest(db: PrismaClient, actor: ActingUser, requestId: string) {
  requireRole(actor, "Feedgate.Requester", "Feedgate.Admin");
  const request = await db.feedRequest.findFirst({
    where: { id: requestId, ...visibleRequestsWhere(actor) },
    select: {
      id: true,
      teamId: true,
      title: true,
      status: true,
      statusReason: true,
      payload: true,
      submittedByOid: true,
      submittedAt: true,
      decidedAt: true,
      completedAt: true,
      createdAt: true,
      updatedAt: true,
      team: { select: { slug: true, name: true } },
      feed: { select: { id: true, name: true, status: true, pipIndexUrl: true, condaChannelUrl: true } },
    },
  });
  if (!request) throw new NotFoundError("No such request.");
  const names = await namesByOid(db, [request.submittedByOid]);
  return { ...request, submittedBy: names.get(request.submittedByOid) ?? "Unknown", isMine: request.submittedByOid === actor.oid };
}
export type RequestDetail = Awaited<ReturnType<typeof getRequest>>;
