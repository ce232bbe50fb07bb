import "server-only";
import type { ActingUser } from "@/lib/auth/acting-user";
import { requireRole } from "@/lib/auth/require-role";
import type { PrismaClient } from "@/lib/db/client";
import { NotFoundError } from "@/lib/errors";
import { checkUpstreamReachability, type Reachability } from "./check-upstream-reachability";

/** Approvers only: whether a stored upstream's URL answers right now. */
export async function checkUpstreamById(db: PrismaClient, actor: ActingUser, upstreamId: string): Promise<Reachability & { upstreamId: string }> {
  requireRole(actor, "Feedgate.Approver");
  const upstream = await db.upstreamSource.findUnique({ where: { id: upstreamId }, select: { id: true, url: true } });
  if (!upstream) throw new NotFoundError("No such upstream source.");
  return { upstreamId: upstream.id, ...(await checkUpstreamReachability(upstream.url)) };
}
