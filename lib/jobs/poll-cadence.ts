/**
 * How often to poll something long-running (an ARM deployment, an image build): often while it
 * is young, since most finish quickly or fail early, then less and less, as the chance that the
 * next poll shows the end falls. The interval is a fifth of the time the thing has run, never
 * below the first interval (`floorMs`, JOB_POLL_MS) nor above POLL_CAP_FACTOR times it (60 s at
 * the default 2 s), and never before the service's Retry-After.
 *
 * At the default that is 79 polls in a thing's first hour (5 in its first 10 s, 19 more until
 * the interval reaches its cap at 5 min, then one a minute), against 1,800 at a fixed 2 s.
 */
import "server-only";
import { MAX_RETRY_AFTER_MS } from "@/lib/jobs/compute-backoff";

/** The interval as a share of the time the thing has been running. */
export const POLL_GROWTH = 0.2;
/** The longest interval, in first intervals. */
export const POLL_CAP_FACTOR = 30;

/** The wait before the next poll of something that has been running for `ageMs`. */
export function pollDelay(ageMs: number, floorMs: number, retryAfterMs?: number): number {
  const adaptive = Math.min(floorMs * POLL_CAP_FACTOR, Math.max(floorMs, Math.max(0, ageMs) * POLL_GROWTH));
  const server = retryAfterMs === undefined ? 0 : Math.min(Math.max(0, retryAfterMs), MAX_RETRY_AFTER_MS);
  return Math.round(Math.max(adaptive, server));
}

/**
 * Whether the poll at `ageMs` should also fetch what is worth fetching only every `every` polls
 * (ARM's operation list, next to the deployment's status). Stateless: the fetches have their own
 * schedule (at 0, then `every` poll intervals after each), and a poll fetches when one of those
 * times fell since the poll before it. So about one poll in `every` fetches, and the first does.
 */
export function isEveryNthPoll(ageMs: number, floorMs: number, every: number): boolean {
  const previous = previousPollAge(ageMs, floorMs);
  for (let at = 0; at <= ageMs; at += every * pollDelay(at, floorMs)) if (at > previous) return true;
  return false;
}

/** The age of the poll before the one at `ageMs`, on the schedule of pollDelay. */
function previousPollAge(ageMs: number, floorMs: number): number {
  const grown = ageMs / (1 + POLL_GROWTH);
  if (grown * POLL_GROWTH < floorMs) return ageMs - floorMs;
  if (grown * POLL_GROWTH > floorMs * POLL_CAP_FACTOR) return ageMs - floorMs * POLL_CAP_FACTOR;
  return grown;
}
