import type { SandboxRequest, SandboxResponse } from "../core/http";
import { armError } from "./arm-state";
import { type ProviderResourceType, findResourceType, isKnownLocation, locationNames } from "./providers";

const API_VERSION = /^\d{4}-\d{2}-\d{2}(-[a-z]+)?$/i;
const JSON_MEDIA = /^(application\/(json|[\w.+-]+\+json)|text\/json)$/i;

/**
 * What ARM's front door refuses before any resource provider sees the request: a body that is not
 * JSON by its media type (415) and an api-version the addressed resource type does not have (400).
 * Runs after the credentials check; `/metadata/endpoints` only needs a well-formed version.
 */
export function armPreflight(req: SandboxRequest): SandboxResponse | undefined {
  if (["PUT", "POST", "PATCH"].includes(req.method) && req.body.length > 0) {
    const media = (req.headers["content-type"] ?? "").split(";")[0]?.trim() ?? "";
    if (media && !JSON_MEDIA.test(media)) return armError(415, "UnsupportedMediaType", `The content media type '${media}' is not supported. Only 'application/json' is supported.`);
  }
  const version = req.url.searchParams.get("api-version") ?? "";
  const fullType = routeResourceType(req.path);
  const found = fullType ? findResourceType(fullType) : undefined;
  const type = found?.type ?? (fullType && found ? nearestType(fullType) : undefined);
  if (!API_VERSION.test(version)) {
    return armError(400, "InvalidApiVersionParameter", `The api-version '${version}' is invalid. The supported versions are '${(type?.apiVersions ?? []).join(",") || "yyyy-MM-dd"}'.`);
  }
  if (!type || !fullType || type.apiVersions.some((v) => v.toLowerCase() === version.toLowerCase())) return undefined;
  if (found?.provider.namespace === "Microsoft.Resources") {
    return armError(400, "InvalidApiVersionParameter", `The api-version '${version}' is invalid. The supported versions are '${type.apiVersions.join(",")}'.`);
  }
  return noRegisteredProvider(fullType, version, type);
}

export type PlannedCheck = { type: string; name: string; apiVersion?: string; location?: string };

/** Deployment preflight: every resource's namespace, type, api-version and location must exist. */
export function checkTemplateResource(r: PlannedCheck): { code: string; message: string } | undefined {
  const found = findResourceType(r.type);
  const namespace = r.type.split("/")[0] ?? "";
  if (!found) return { code: "InvalidResourceNamespace", message: `The resource namespace '${namespace}' is invalid.` };
  const type = found.type;
  const shortType = r.type.split("/").slice(1).join("/");
  if (!type) return { code: "InvalidResourceType", message: `The resource type '${shortType}' could not be found in the namespace '${found.provider.namespace}' for api version '${r.apiVersion ?? ""}'.` };
  if (!r.apiVersion || !type.apiVersions.some((v) => v.toLowerCase() === r.apiVersion?.toLowerCase())) {
    return noRegisteredProvider(r.type, r.apiVersion ?? "", type, r.location).json.error;
  }
  if (r.location !== undefined && !isKnownLocation(r.location, type)) {
    return {
      code: "LocationNotAvailableForResourceType",
      message: `The provided location '${r.location}' is not available for resource type '${r.type}'. List of available regions for the resource type is '${locationNames(type).join(",")}'.`,
    };
  }
  return undefined;
}

function noRegisteredProvider(fullType: string, version: string, type: ProviderResourceType, location?: string) {
  const shortType = fullType.split("/").slice(1).join("/");
  return armError(
    400,
    "NoRegisteredProviderFound",
    `No registered resource provider found for location '${location ?? ""}' and API version '${version}' for type '${shortType}'. The supported api-versions are '${type.apiVersions.join(", ")}'. The supported locations are '${locationNames(type).join(", ")}'.`,
  );
}

/** The catalog entry of a type or, for an action or a child the table does not list, of its closest parent. */
function nearestType(fullType: string): ProviderResourceType | undefined {
  const parts = fullType.split("/");
  for (let n = parts.length - 1; n >= 2; n--) {
    const type = findResourceType(parts.slice(0, n).join("/"))?.type;
    if (type) return type;
  }
  return undefined;
}

/** The resource type an ARM path addresses, as `Namespace/type[/child…]`; undefined where none applies. */
export function routeResourceType(path: string): string | undefined {
  const p = path.replace(/\/+$/, "");
  const sub = "/subscriptions/[^/]+";
  const rg = `${sub}/resourcegroups/[^/]+`;
  const is = (pattern: string) => new RegExp(`^${pattern}$`, "i").test(p);
  if (is("/subscriptions") || is(sub)) return "Microsoft.Resources/subscriptions";
  if (is("/tenants")) return "Microsoft.Resources/tenants";
  if (is("/providers(/[^/]+)?") || is(`${sub}/providers(/[^/]+(/register)?)?`)) return "Microsoft.Resources/providers";
  if (is(`${sub}/resources`) || is(`${rg}/resources`)) return "Microsoft.Resources/resources";
  if (is(`${sub}/resourcegroups`) || is(rg) || is(`${rg}/exportTemplate`)) return "Microsoft.Resources/resourceGroups";
  if (is(`${sub}/operationresults/.+`)) return "Microsoft.Resources/operationresults";
  if (is(`${rg}/deployments/.+`)) return "Microsoft.Resources/deployments";
  const m = new RegExp(`^${sub}(?:/resourcegroups/[^/]+)?/providers/([^/]+)/(.+)$`, "i").exec(p);
  if (!m?.[1] || !m[2]) return undefined;
  // Types sit at even positions of the rest: type/name/childType/childName/…
  const types = m[2].split("/").filter((_, i) => i % 2 === 0);
  return [m[1], ...types].join("/");
}
