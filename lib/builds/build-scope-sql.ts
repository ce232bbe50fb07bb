import "server-only";
import { Prisma } from "@/generated/prisma/client";
import type { ActingUser } from "@/lib/auth/acting-user";
import { isAdmin } from "@/lib/auth/require-role";
import type { BuildFilters } from "./build-filters";
import { likePattern } from "./search-names";

/** Matches no row: a member of no team, or a search that resolved to no names. */
export const NOTHING = Prisma.sql`1 = 0`;

/**
 * buildScopeWhere's team, workspace and search parts as raw SQL over "EnvironmentBuild", for the
 * dashboard queries Prisma cannot express well: the user's teams first (authorization), then
 * the view's. Dates and outcome are left to the caller.
 *
 * With names (a search resolved through the name index), SQLite is told not to use a team index
 * (the unary `+` takes the column out of index selection): a team holds a quarter of a fleet and
 * SQLite, without statistics, would walk it with a table read per row, where the
 * (environmentName, queuedAt, status, teamId, …) index reads only the names' builds and covers
 * the team check. PostgreSQL plans from its statistics and gets the plain column.
 */
export function scopeSql(actor: ActingUser, filters: Partial<BuildFilters>, names: string[] | null, isPostgres: boolean): Prisma.Sql[] {
  const team = names && !isPostgres ? Prisma.sql`+"teamId"` : Prisma.sql`"teamId"`;
  const conditions: Prisma.Sql[] = [];
  if (!isAdmin(actor)) conditions.push(actor.teamIds.length ? Prisma.sql`${team} IN (${Prisma.join([...actor.teamIds])})` : NOTHING);
  if (filters.team) conditions.push(Prisma.sql`${team} = ${filters.team}`);
  if (filters.workspace) conditions.push(Prisma.sql`"workspaceId" = ${filters.workspace}`);
  if (names) conditions.push(names.length ? Prisma.sql`"environmentName" IN (${Prisma.join(names)})` : NOTHING);
  else if (filters.q) conditions.push(Prisma.sql`"environmentName" LIKE ${likePattern(filters.q)} ESCAPE '\\'`);
  return conditions;
}

export function queuedWithin(from: Date, to: Date, isPostgres: boolean): Prisma.Sql[] {
  return [Prisma.sql`"queuedAt" >= ${sqlTime(from, isPostgres)}`, Prisma.sql`"queuedAt" < ${sqlTime(to, isPostgres)}`];
}

/** A DateTime parameter for raw SQL: SQLite keeps DateTime as ISO text with an explicit offset, so compare like with like. */
export function sqlTime(d: Date, isPostgres: boolean): Date | string {
  return isPostgres ? d : d.toISOString().replace("Z", "+00:00");
}

export function statusText(isPostgres: boolean): Prisma.Sql {
  return isPostgres ? Prisma.sql`"status"::text` : Prisma.sql`"status"`;
}
