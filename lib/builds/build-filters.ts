/**
 * The builds dashboard's view state: filters, search, sort and cursor. One zod schema parses the
 * page's search params, the REST API's query string and the filter form, so a shared link, a
 * reload and an API call all mean the same thing. Pure: no server-only, the form uses it too.
 */
import { z } from "zod";

export const BUILD_STATUSES = ["QUEUED", "PROVISIONING_ACR", "RUNNING", "SUCCEEDED", "FAILED", "CANCELLED"] as const;
export const FAILURE_CLASSES = [
  "PACKAGE_NOT_FOUND",
  "FEED_AUTH",
  "FEED_POLICY",
  "NETWORK_TIMEOUT",
  "DOCKERFILE_ERROR",
  "BASE_IMAGE_PULL",
  "REGISTRY_OR_COMPUTE",
  "UNKNOWN",
] as const;
export const BUILD_SORTS = ["newest", "oldest"] as const;
export type BuildStatusValue = (typeof BUILD_STATUSES)[number];
export type FailureClassValue = (typeof FAILURE_CLASSES)[number];

export const STATUS_LABELS: Record<BuildStatusValue, string> = {
  QUEUED: "Queued",
  PROVISIONING_ACR: "Provisioning registry",
  RUNNING: "Running",
  SUCCEEDED: "Succeeded",
  FAILED: "Failed",
  CANCELLED: "Cancelled",
};

export const FAILURE_CLASS_LABELS: Record<FailureClassValue, string> = {
  PACKAGE_NOT_FOUND: "Package not found",
  FEED_AUTH: "Feed authentication",
  FEED_POLICY: "Feed policy",
  NETWORK_TIMEOUT: "Network timeout",
  DOCKERFILE_ERROR: "Dockerfile error",
  BASE_IMAGE_PULL: "Base image pull",
  REGISTRY_OR_COMPUTE: "Registry or compute",
  UNKNOWN: "Unknown",
};

const blankToUndefined = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : Array.isArray(v) ? v[0] : v);
const optional = <T extends z.ZodType>(schema: T) => z.preprocess(blankToUndefined, schema.optional());
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date like 2026-11-27");

export const buildFiltersSchema = z.object({
  team: optional(z.string().max(64)),
  workspace: optional(z.string().max(64)),
  status: optional(z.enum(BUILD_STATUSES)),
  failureClass: optional(z.enum(FAILURE_CLASSES)),
  /** Inclusive first day (UTC) of queuedAt. */
  from: optional(isoDate),
  /** Inclusive last day (UTC) of queuedAt. */
  to: optional(isoDate),
  /** Environment name contains this text. */
  q: optional(z.string().trim().max(100)),
  sort: z.preprocess(blankToUndefined, z.enum(BUILD_SORTS).default("newest")),
  cursor: optional(z.string().max(200)),
  limit: z.preprocess(blankToUndefined, z.coerce.number().int().min(1).max(200).default(50)),
});
export type BuildFilters = z.infer<typeof buildFiltersSchema>;

/** The params that change the result set (all but cursor and limit), in a stable order. */
export const FILTER_KEYS = ["team", "workspace", "status", "failureClass", "from", "to", "q", "sort"] as const;

/** Search params for a view: default values are left out so URLs stay short and stable. */
export function toSearchParams(filters: Partial<BuildFilters>): URLSearchParams {
  const out = new URLSearchParams();
  for (const key of [...FILTER_KEYS, "cursor"] as const) {
    const value = filters[key];
    if (value === undefined || value === "" || (key === "sort" && value === "newest")) continue;
    out.set(key, String(value));
  }
  if (filters.limit !== undefined && filters.limit !== 50) out.set("limit", String(filters.limit));
  return out;
}

/** Parses a search-params record (page props) or URLSearchParams (route handlers). */
export function parseBuildFilters(input: URLSearchParams | Record<string, string | string[] | undefined>) {
  const record = input instanceof URLSearchParams ? Object.fromEntries(input.entries()) : input;
  return buildFiltersSchema.safeParse(record);
}
