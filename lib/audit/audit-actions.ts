/** Every action the audit trail records; the Admin page offers these as filters. */
export const AUDIT_ACTIONS = [
  "auth.sign_in",
  "auth.sign_in_rejected",
  "auth.sign_out",
  "upstream.proposed",
  "upstream.approved",
  "upstream.declined",
  "upstream.revoked",
  "request.draft_saved",
  "request.submitted",
  "request.approved",
  "request.declined",
  "request.cancelled",
  "request.retried",
  "job.started",
  "job.cancelled",
  "job.retried",
  "build.retried",
  "feed.flagged",
  "config.changed",
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];
