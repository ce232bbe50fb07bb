/** The check-staleness workflow's kind, payload and subjects. */
import { z } from "zod";

export const CHECK_STALENESS_KIND = "check-staleness";
/** The one long-lived watcher of the organisation. */
export const STALENESS_WATCH_SUBJECT = "staleness-watch";
/** A round's interval when the payload names none; workers pass STALENESS_CHECK_INTERVAL_MS (lib/env, the same default). */
export const STALENESS_CHECK_DEFAULT_MS = 21_600_000;

/** `everyMs`: a watcher that runs a round and waits that long, forever; `once`: one round now, then done. */
export const checkStalenessPayloadSchema = z.union([
  z.object({ everyMs: z.number().int().min(50).max(604_800_000).default(STALENESS_CHECK_DEFAULT_MS) }).strict(),
  z.object({ once: z.literal(true), reason: z.string().max(200).optional() }).strict(),
]);
export type CheckStalenessPayload = z.infer<typeof checkStalenessPayloadSchema>;

/** A one-off check's subject: unique, so a check requested during a running round is not lost. */
export function stalenessCheckNowSubject(id: string): string {
  return `staleness-check:${id}`;
}
