/** Every action the audit trail records; the Admin page offers these as filters. */
export const AUDIT_ACTIONS = [
  "auth.sign_in",
  "auth.sign_in_rejected",
  "auth.sign_out",
  "upstream.approved",
  "upstream.declined",
  "config.changed",
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];
