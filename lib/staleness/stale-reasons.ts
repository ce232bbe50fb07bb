/**
 * Why an environment version is stale, as stored in Environment.staleReasons and shown on the
 * dashboard, the build page and in notifications. Pure: the client renders these too.
 */
import { z } from "zod";

export const STALE_REASON_KINDS = ["base-image", "banned", "revoked", "yanked"] as const;
export type StaleReasonKind = (typeof STALE_REASON_KINDS)[number];

export const staleReasonSchema = z.object({
  kind: z.enum(STALE_REASON_KINDS),
  /** What the reason names: the base image (base-image), the package (banned, yanked), the upstream's name (revoked). */
  subject: z.string().min(1).max(300),
  /** One sentence a person can act on, e.g. "The base image has a newer digest (sha256:ab12… → sha256:cd34…)." */
  detail: z.string().min(1).max(500),
});
export type StaleReason = z.infer<typeof staleReasonSchema>;

export const staleReasonsSchema = z.array(staleReasonSchema).max(50);

export const STALE_REASON_LABELS: Record<StaleReasonKind, string> = {
  "base-image": "Base image updated",
  banned: "Package banned",
  revoked: "Upstream revoked",
  yanked: "Package yanked",
};

/** The stored Json as reasons; anything unreadable reads as no reasons rather than failing a page. */
export function readStaleReasons(value: unknown): StaleReason[] {
  const parsed = staleReasonsSchema.safeParse(value);
  return parsed.success ? parsed.data : [];
}
