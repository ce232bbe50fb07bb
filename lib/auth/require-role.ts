import { ForbiddenError } from "@/lib/errors";
import { hasAnyRole, type Role } from "./roles";

/** Throws ForbiddenError (403) unless the user holds one of `allowed`. Domain functions call this first. */
export function requireRole(user: { roles: readonly Role[] }, ...allowed: Role[]): void {
  if (!hasAnyRole(user.roles, allowed)) throw new ForbiddenError();
}

export function isAdmin(user: { roles: readonly Role[] }): boolean {
  return user.roles.includes("Feedgate.Admin");
}

/**
 * The `where` fragment that limits a team-owned table to what the user may see: every team for
 * Admins, otherwise only the teams they belong to (none at all for a user without a team).
 */
export function teamScope(user: { roles: readonly Role[]; teamIds: readonly string[] }): { teamId?: { in: string[] } } {
  return isAdmin(user) ? {} : { teamId: { in: [...user.teamIds] } };
}
