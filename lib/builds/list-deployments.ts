import "server-only";
import type { Prisma } from "@/generated/prisma/client";
import type { ActingUser } from "@/lib/auth/acting-user";
import { isAdmin, requireRole } from "@/lib/auth/require-role";
import type { PrismaClient } from "@/lib/db/client";
import { deploymentOperationSchema, readJsonList, type DeploymentOperationRecord } from "@/lib/db/json-columns";

export type DeploymentOperation = DeploymentOperationRecord;

export interface DeploymentView {
  id: string;
  name: string;
  resourceGroup: string;
  state: string;
  error: string | null;
  startedAt: Date;
  finishedAt: Date | null;
  request: { id: string; title: string; teamName: string } | null;
  operations: DeploymentOperation[];
  progress: { done: number; failed: number; total: number };
}

/**
 * ARM deployments of the user's teams' requests (all for Admins), newest first, with per-resource
 * progress from the operations the orchestration job recorded. Deployments that belong to no
 * request (shared infrastructure) are shown to Admins only.
 */
export async function listDeployments(db: PrismaClient, actor: ActingUser, options: { limit?: number; state?: string } = {}): Promise<DeploymentView[]> {
  requireRole(actor, "Feedgate.Requester", "Feedgate.Admin");
  const where: Prisma.DeploymentWhereInput = {
    ...(isAdmin(actor) ? {} : { request: { teamId: { in: [...actor.teamIds] } } }),
    ...(options.state ? { state: options.state } : {}),
  };
  const rows = await db.deployment.findMany({
    where,
    orderBy: [{ startedAt: "desc" }, { id: "desc" }],
    take: Math.min(options.limit ?? 50, 200),
    select: { id: true, name: true, resourceGroup: true, state: true, error: true, startedAt: true, finishedAt: true, operations: true, request: { select: { id: true, title: true, team: { select: { name: true } } } } },
  });
  return rows.map((d) => {
    const operations = readJsonList(deploymentOperationSchema, d.operations);
    const resources = operations.filter((o) => o.resourceType.toLowerCase() !== "microsoft.resources/deployments");
    return {
      id: d.id,
      name: d.name,
      resourceGroup: d.resourceGroup,
      state: d.state,
      error: d.error,
      startedAt: d.startedAt,
      finishedAt: d.finishedAt,
      request: d.request ? { id: d.request.id, title: d.request.title, teamName: d.request.team.name } : null,
      operations,
      progress: { done: resources.filter((o) => o.state === "Succeeded").length, failed: resources.filter((o) => o.state === "Failed").length, total: resources.length },
    };
  });
}

