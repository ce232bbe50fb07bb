import { z } from "zod";
import { AUDIT_ACTIONS } from "@/lib/audit/audit-actions";
import { calendarDaySchema } from "@/lib/validation/calendar-day";

const blank = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);

/** The Admin audit page's filter form (GET search params), validated field by field. */
export const auditFilterSchema = z.object({
  action: z.preprocess(blank, z.enum(AUDIT_ACTIONS).optional()),
  actor: z.preprocess(blank, z.string().trim().max(200).optional()),
  from: z.preprocess(blank, calendarDaySchema.optional()),
  to: z.preprocess(blank, calendarDaySchema.optional()),
  before: z.preprocess(blank, z.coerce.number({ error: "must be an event number" }).int("must be an event number").positive("must be an event number").max(Number.MAX_SAFE_INTEGER).optional()),
});
// Partial: every filter is optional, whatever the schema's defaults and transforms make of a key.
export type AuditFilter = Partial<z.infer<typeof auditFilterSchema>>;

/**
 * The filter from a link, and what was wrong with it: an invalid field is named and left out
 * (so the page still shows the trail), never passed on to a query as an Invalid Date.
 */
export function parseAuditFilter(params: Record<string, string | undefined>): { filter: AuditFilter; issues: string[] } {
  const filter: Record<string, unknown> = {};
  const issues: string[] = [];
  for (const [key, field] of Object.entries(auditFilterSchema.shape)) {
    const parsed = field.safeParse(params[key]);
    if (parsed.success) {
      if (parsed.data !== undefined) filter[key] = parsed.data;
    } else issues.push(`${key} ${parsed.error.issues[0]?.message ?? "is invalid"}`);
  }
  return { filter: filter as AuditFilter, issues };
}
