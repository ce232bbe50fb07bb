import "server-only";
import type { ActingUser } from "@/lib/auth/acting-user";
import { requireRole } from "@/lib/auth/require-role";
import type { PrismaClient } from "@/lib/db/client";

/** Upstream sources awaiting a decision, oldest first, for Approvers. */
export async function listProposedUpstreams(db: PrismaClient, actor: ActingUser) {
  requireRole(actor, "Feedgate.Approver");
  return db.upstreamSource.findMany({
    where: { status: "proposed" },
    select: { id: true, name: true, kind: true, url: true, justification: true, proposedAt: true },
    orderBy: { proposedAt: "asc" },
    take: 100,
  });
}
