import "server-only";
import type { BackoffPolicy } from "@/lib/jobs/define-job";

/** A server may ask for a long pause, but a runaway header must not park a job for days. */
export const MAX_RETRY_AFTER_MS = 60 * 60 * 1000;

/**
 * Exponential backoff with full jitter (a uniform pick in [0, min(cap, base·2^(n-1))]), so
 * workers that failed together do not retry together. A Retry-After from the server is a floor.
 * @param failures how many times the step has failed so far, counting this failure (≥ 1)
 */
export function computeBackoff(
  failures: number,
  policy: BackoffPolicy,
  retryAfterMs?: number,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** Math.max(0, failures - 1));
  const jittered = Math.floor(random() * ceiling);
  const floor = retryAfterMs === undefined ? 0 : Math.min(retryAfterMs, MAX_RETRY_AFTER_MS);
  return Math.max(jittered, floor);
}
