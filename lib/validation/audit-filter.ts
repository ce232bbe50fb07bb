import { z } from "zod";
import { AUDIT_ACTIONS } from "@/lib/audit/audit-actions";

const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "use YYYY-MM-DD")
  .optional()
  .catch(undefined);

/** The Admin audit page's filter form (GET search params); bad values are dropped, not errors. */
export const auditFilterSchema = z.object({
  action: z.enum(AUDIT_ACTIONS).optional().catch(undefined),
  actor: z.string().trim().max(200).optional().transform((v) => v || undefined).catch(undefined),
  from: day,
  to: day,
  before: z.coerce.number().int().positive().optional().catch(undefined),
});
// Partial: every filter is optional, whatever the schema's defaults and transforms make of a key.
export type AuditFilter = Partial<z.infer<typeof auditFilterSchema>>;
