/**
 * Feedgate's app roles, exactly as Entra app roles name them (the `roles` claim), and what each
 * may open. Pure and shared by server code, the shell's navigation and lib/env.ts.
 */
export const ROLES = ["Feedgate.Requester", "Feedgate.Approver", "Feedgate.Admin"] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_LABELS: Record<Role, string> = {
  "Feedgate.Requester": "Requester",
  "Feedgate.Approver": "Approver",
  "Feedgate.Admin": "Admin",
};

/** Portal sections; each maps to the roles that may use it. */
export type Section = "overview" | "requests" | "feeds" | "approvals" | "builds" | "admin";

const SECTION_ROLES: Record<Section, readonly Role[]> = {
  overview: ROLES,
  // Requesters work inside their teams; Admins look after every team's feeds and builds.
  requests: ["Feedgate.Requester", "Feedgate.Admin"],
  feeds: ["Feedgate.Requester", "Feedgate.Admin"],
  builds: ["Feedgate.Requester", "Feedgate.Admin"],
  approvals: ["Feedgate.Approver"],
  admin: ["Feedgate.Admin"],
};

export function isRole(value: unknown): value is Role {
  return typeof value === "string" && (ROLES as readonly string[]).includes(value);
}

export function hasAnyRole(roles: readonly Role[], allowed: readonly Role[]): boolean {
  return roles.some((r) => allowed.includes(r));
}

export function canUseSection(roles: readonly Role[], section: Section): boolean {
  return hasAnyRole(roles, SECTION_ROLES[section]);
}

/**
 * The roles a verified token grants: app roles from `roles`, plus roles mapped from group ids in
 * `groups` when ROLE_GROUP_MAP is configured. Unknown values are ignored, never errors.
 */
export function rolesFromClaims(claims: { roles?: unknown; groups?: unknown }, groupMap: Record<string, Role>): Role[] {
  const granted = new Set<Role>();
  for (const r of asStringArray(claims.roles)) if (isRole(r)) granted.add(r);
  for (const g of asStringArray(claims.groups)) {
    const mapped = groupMap[g];
    if (mapped) granted.add(mapped);
  }
  return ROLES.filter((r) => granted.has(r));
}

function asStringArray(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}
