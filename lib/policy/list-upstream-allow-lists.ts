import "server-only";
import type { ActingUser } from "@/lib/auth/acting-user";
import { requireRole } from "@/lib/auth/require-role";
import type { PrismaClient } from "@/lib/db/client";
import { normalizePackageName } from "@/lib/feed-config/nexus-policy";

/**
 * The allow-list of every approved upstream, by id, for the Approver who edits them: PEP 503
 * names, sorted, or null for "all packages" (as the feed catalog shows them).
 */
export async function listUpstreamAllowLists(db: PrismaClient, actor: ActingUser): Promise<Map<string, string[] | null>> {
  requireRole(actor, "Feedgate.Approver");
  const upstreams = await db.upstreamSource.findMany({ where: { status: "approved" }, orderBy: { name: "asc" }, take: 200, select: { id: true, allowList: true } });
  return new Map(upstreams.map((u) => [u.id, allowListOf(u.allowList)]));
}

function allowListOf(value: unknown): string[] | null {
  return Array.isArray(value) ? [...new Set(value.filter((v): v is string => typeof v === "string").map(normalizePackageName))].sort() : null;
}
