import "server-only";
import { z } from "zod";
import type { ActingUser } from "@/lib/auth/acting-user";
import type { PrismaClient } from "@/lib/db/client";

/** What a signed-in person in no team is told: who can add them, and what to give them. */
export interface TeamlessGuidance {
  admins: { name: string; email: string }[];
  oid: string;
  email: string;
}

const rolesSchema = z.array(z.string()).catch([]);
/** How many recently signed-in people are looked at to find Admins; Admins sign in often. */
const SCAN_LIMIT = 500;

/**
 * Null for anyone who can use the portal without a team: a member of one, an Approver (who
 * decides for every team) or an Admin. Admins are the people whose last sign-in carried the
 * Admin role (User.lastRoles: the token is the authority, this is only who to ask).
 */
export async function getTeamlessGuidance(db: PrismaClient, user: ActingUser): Promise<TeamlessGuidance | null> {
  if (user.teamIds.length > 0 || user.roles.some((r) => r === "Feedgate.Approver" || r === "Feedgate.Admin")) return null;
  const recent = await db.user.findMany({ where: { lastSignInAt: { not: null } }, orderBy: { lastSignInAt: "desc" }, take: SCAN_LIMIT, select: { name: true, email: true, lastRoles: true } });
  const admins = recent.filter((u) => rolesSchema.parse(u.lastRoles).includes("Feedgate.Admin")).slice(0, 5).map(({ name, email }) => ({ name, email }));
  return { admins, oid: user.oid, email: user.email };
}
