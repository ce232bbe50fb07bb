import "server-only";
import { Prisma } from "@/generated/prisma/client";
import type { PrismaClient } from "@/lib/db/client";

/**
 * A version of an environment built successfully: every older version of the same (workspace,
 * name) is superseded, and a superseded version is not stale (its newer version is what the team
 * uses now, and what the staleness check looks at). Idempotent, so a resumed step may repeat it.
 */
export async function markOlderVersionsSuperseded(db: PrismaClient, environmentId: string, at: Date = new Date()): Promise<number> {
  const env = await db.environment.findUnique({ where: { id: environmentId }, select: { workspaceId: true, name: true, createdAt: true } });
  if (!env) return 0;
  const { count } = await db.environment.updateMany({
    where: { workspaceId: env.workspaceId, name: env.name, id: { not: environmentId }, createdAt: { lte: env.createdAt }, supersededAt: null },
    data: { supersededAt: at, staleAt: null, staleReasons: Prisma.DbNull },
  });
  return count;
}
