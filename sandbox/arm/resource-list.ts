import type { SandboxRequest, SandboxResponse } from "../core/http";
import { type ArmResource, type ArmState, armError } from "./arm-state";

/**
 * Resource lists as ARM answers them. `…/resources` (Resources_List, _ListByResourceGroup) holds
 * top-level resources only, in the GenericResourceExpanded shape (no properties; `$expand` adds
 * createdTime/changedTime/provisioningState); a list under a provider path (`…/providers/{ns}/{type}`,
 * at subscription or resource-group scope, or a child collection such as `…/virtualNetworks/v/subnets`)
 * is the resource provider's own list, full resources. Both page with `$top` and an absolute nextLink.
 */
export type ResourceScope = { subscriptionId: string; resourceGroup?: string };

/** `…/resources` at subscription or resource-group scope. */
export function listGenericResources(state: ArmState, req: SandboxRequest, scope: ResourceScope): SandboxResponse {
  const filter = parseResourceFilter(req.url.searchParams.get("$filter"));
  if (!filter.ok) return armError(400, "InvalidFilterInQueryString", `Invalid $filter '${req.url.searchParams.get("$filter")}' specified in the query string.`);
  const expand = new Set((req.url.searchParams.get("$expand") ?? "").split(",").map((s) => s.trim().toLowerCase()).filter(Boolean));
  const items = resourcesInScope(state, scope).filter((r) => isTopLevel(r) && filter.matches(r));
  return pageOf(req, items.map((r) => genericView(r, expand)));
}

/** `…/providers/{ns}/{type}[/{name}/{childType}…]`: the provider's list of that type in the scope (or under that parent). */
export function listByType(state: ArmState, req: SandboxRequest, scope: ResourceScope, typePath: string, view: (r: ArmResource) => Record<string, unknown>): SandboxResponse {
  const segments = typePath.split("/").filter(Boolean);
  const parentPath = segments.slice(0, -1).join("/").toLowerCase();
  const childType = (segments[segments.length - 1] ?? "").toLowerCase();
  const items = resourcesInScope(state, scope).filter((r) => {
    const rest = r.id.toLowerCase().slice(r.id.toLowerCase().indexOf("/providers/") + "/providers/".length);
    const parts = rest.split("/");
    if (parts.length !== segments.length + 1) return false;
    return parts.slice(0, -2).join("/") === parentPath && parts[parts.length - 2] === childType;
  });
  return pageOf(req, items.map(view));
}

function resourcesInScope(state: ArmState, scope: ResourceScope): ArmResource[] {
  const prefix = scopePrefix(scope);
  return [...state.resources.values()].filter((r) => r.id.toLowerCase().startsWith(prefix)).sort((a, b) => a.id.localeCompare(b.id));
}

function scopePrefix(scope: ResourceScope): string {
  const sub = `/subscriptions/${scope.subscriptionId}`.toLowerCase();
  return scope.resourceGroup ? `${sub}/resourcegroups/${scope.resourceGroup.toLowerCase()}/providers/` : `${sub}/resourcegroups/`;
}

/** `/subscriptions/s/resourceGroups/g/providers/{ns}/{type}/{name}` and nothing below it (no subnets, no extension resources). */
function isTopLevel(r: ArmResource): boolean {
  const m = /\/resourcegroups\/[^/]+\/providers\/(.+)$/i.exec(r.id);
  return m?.[1]?.split("/").length === 3;
}

function genericView(r: ArmResource, expand: Set<string>): Record<string, unknown> {
  return {
    id: r.id,
    name: r.name,
    type: r.type,
    ...(r.sku !== undefined ? { sku: r.sku } : {}),
    ...(r.kind !== undefined ? { kind: r.kind } : {}),
    ...(r.location ? { location: r.location } : {}),
    ...(r.identity !== undefined ? { identity: r.identity } : {}),
    ...(r.tags ? { tags: r.tags } : {}),
    ...(expand.has("createdtime") ? { createdTime: r.createdAt } : {}),
    ...(expand.has("changedtime") ? { changedTime: r.createdAt } : {}),
    ...(expand.has("provisioningstate") && typeof r.properties.provisioningState === "string" ? { provisioningState: r.properties.provisioningState } : {}),
  };
}

type ResourceFilter = { ok: true; matches: (r: ArmResource) => boolean } | { ok: false };

/**
 * The `$filter` clauses worth having here: `resourceType eq '…'`, `name eq '…'`, `location eq '…'` and
 * `resourceGroup eq '…'` (what `az resource list -g` sends to the subscription's list), joined by `and`.
 */
export function parseResourceFilter(filter: string | null): ResourceFilter {
  if (!filter?.trim()) return { ok: true, matches: () => true };
  const clauses = filter.split(/\s+and\s+/i).map((c) => /^\s*(resourceType|name|location|resourceGroup)\s+eq\s+'([^']*)'\s*$/i.exec(c));
  if (clauses.some((c) => !c)) return { ok: false };
  const tests = clauses.map((c) => {
    const field = (c?.[1] ?? "").toLowerCase();
    const value = (c?.[2] ?? "").toLowerCase();
    const of = (r: ArmResource): string => (field === "resourcetype" ? r.type : field === "name" ? r.name : field === "resourcegroup" ? (/\/resourcegroups\/([^/]+)/i.exec(r.id)?.[1] ?? "") : (r.location ?? ""));
    return (r: ArmResource) => of(r).toLowerCase() === value;
  });
  return { ok: true, matches: (r) => tests.every((t) => t(r)) };
}

function pageOf(req: SandboxRequest, items: Record<string, unknown>[]): SandboxResponse {
  const skip = Math.max(0, Number(req.url.searchParams.get("$skiptoken") ?? "0") || 0);
  const top = Math.max(0, Number(req.url.searchParams.get("$top") ?? "0") || 0) || 1000;
  const value = items.slice(skip, skip + top);
  const result: Record<string, unknown> = { value };
  if (skip + top < items.length) {
    const next = new URL(req.url.href);
    next.searchParams.set("$skiptoken", String(skip + top));
    result.nextLink = `${req.baseUrl}${next.pathname}${next.search}`;
  }
  return { status: 200, json: result };
}
