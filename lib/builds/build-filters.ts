/**
 * The builds dashboard's view state: filters, search, sort and cursor. One zod schema parses the
 * page's search params, the REST API's query string and the filter form, so a shared link, a
 * reload and an API call all mean the same thing. Pure: no server-only, the form uses it too.
 */
import { z } from "zod";
import { calendarDaySchema } from "@/lib/validation/calendar-day";

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
/** A checkbox or link flag: "1" or "true" (a form's checked box, a link), blank or absent for off. */
const flagSchema = z.preprocess((v) => {
  const value = blankToUndefined(v);
  if (value === true || value === "1" || value === "true" || value === "on") return true;
  return value === false || value === "0" || value === "false" ? undefined : value;
}, z.literal(true, { message: "must be 1 or left out" }).optional());
const cursorSchema = z.string().max(200).refine((v) => parseCursor(v) !== null, "is not a valid page cursor; start again from the first page");

export const buildFiltersSchema = z.object({
  team: optional(z.string().max(64)),
  workspace: optional(z.string().max(64)),
  status: optional(z.enum(BUILD_STATUSES)),
  failureClass: optional(z.enum(FAILURE_CLASSES)),
  /** Inclusive first day (UTC) of queuedAt. */
  from: optional(calendarDaySchema),
  /** Inclusive last day (UTC) of queuedAt. */
  to: optional(calendarDaySchema),
  /** Environment name contains this text. */
  q: optional(z.string().trim().max(100)),
  /** Only the newest succeeded build of each environment version that is stale and not superseded. */
  stale: flagSchema,
  sort: z.preprocess(blankToUndefined, z.enum(BUILD_SORTS).default("newest")),
  cursor: optional(cursorSchema),
  limit: z.preprocess(blankToUndefined, z.coerce.number().int().min(1).max(200).default(50)),
}).refine((f) => !f.from || !f.to || f.from <= f.to, { path: ["to"], message: "must not be before from" });
export type BuildFilters = z.infer<typeof buildFiltersSchema>;

/** The params that change the result set (all but cursor and limit), in a stable order. */
export const FILTER_KEYS = ["team", "workspace", "status", "failureClass", "from", "to", "q", "stale", "sort"] as const;

/** Search params for a view: default values are left out so URLs stay short and stable. */
export function toSearchParams(filters: Partial<BuildFilters>): URLSearchParams {
  const out = new URLSearchParams();
  for (const key of [...FILTER_KEYS, "cursor"] as const) {
    const value = filters[key];
    if (value === undefined || value === "" || (key === "sort" && value === "newest")) continue;
    out.set(key, value === true ? "1" : String(value));
  }
  if (filters.limit !== undefined && filters.limit !== 50) out.set("limit", String(filters.limit));
  return out;
}

/**
 * A keyset cursor: base64url of `<queuedAt ms>.<build id>`, or null when it is not one (a real
 * time within Date's range, an id of word characters).
 */
export function parseCursor(cursor: string): { queuedAt: Date; id: string } | null {
  const text = fromBase64Url(cursor);
  if (text === null) return null;
  const i = text.indexOf(".");
  if (i < 1) return null;
  const time = Number(text.slice(0, i));
  const id = text.slice(i + 1);
  const queuedAt = new Date(time);
  if (!/^\d+$/.test(text.slice(0, i)) || !Number.isSafeInteger(time) || Number.isNaN(queuedAt.getTime()) || !/^[\w-]{1,64}$/.test(id)) return null;
  return { queuedAt, id };
}

export function encodeCursor(row: { queuedAt: Date; id: string }): string {
  return btoa(`${row.queuedAt.getTime()}.${row.id}`).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

// atob/btoa rather than Buffer: the filter form runs this module in the browser too. Cursors are ASCII.
function fromBase64Url(value: string): string | null {
  if (!/^[A-Za-z0-9_-]*$/.test(value)) return null;
  try {
    return atob(value.replace(/-/g, "+").replace(/_/g, "/"));
  } catch {
    return null;
  }
}

/** The first problem of a failed parse, naming the parameter: "from must be a real date like 2026-11-27". */
export function describeFilterIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  return `${issue?.path.join(".") || "a filter"} ${issue?.message ?? "is invalid"}`;
}

/** Parses a search-params record (page props) or URLSearchParams (route handlers). */
export function parseBuildFilters(input: URLSearchParams | Record<string, string | string[] | undefined>) {
  const record = input instanceof URLSearchParams ? Object.fromEntries(input.entries()) : input;
  return buildFiltersSchema.safeParse(record);
}
