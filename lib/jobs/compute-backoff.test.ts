import { describe, expect, it } from "vitest";
import { computeBackoff, MAX_RETRY_AFTER_MS } from "@/lib/jobs/compute-backoff";
import { readRetryAfterMs, RetryableStepError } from "@/lib/jobs/job-errors";

const policy = { baseMs: 1_000, capMs: 30_000 };

describe("computeBackoff", () => {
  it("doubles the ceiling per failure up to the cap, with full jitter below it", () => {
    expect([1, 2, 3, 4, 5, 6, 10].map((n) => computeBackoff(n, policy, undefined, () => 0.999999))).toEqual([
      999, 1_999, 3_999, 7_999, 15_999, 29_999, 29_999,
    ]);
    expect(computeBackoff(4, policy, undefined, () => 0)).toBe(0);
    const samples = Array.from({ length: 500 }, () => computeBackoff(3, policy));
    expect(Math.min(...samples)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...samples)).toBeLessThan(4_000);
    // Spread out, not clustered at the ceiling.
    expect(new Set(samples.map((s) => Math.floor(s / 1_000))).size).toBe(4);
  });

  it("never retries before a server's Retry-After, and caps absurd values", () => {
    expect(computeBackoff(1, policy, 12_000, () => 0.5)).toBe(12_000);
    expect(computeBackoff(6, policy, 2_000, () => 0.9)).toBe(27_000);
    expect(computeBackoff(1, policy, 7 * 24 * 3_600_000, () => 0)).toBe(MAX_RETRY_AFTER_MS);
  });

  it("reads retryAfterMs from typed errors and from cloud errors' details", () => {
    expect(readRetryAfterMs(new RetryableStepError("busy", { retryAfterMs: 5_000 }))).toBe(5_000);
    expect(readRetryAfterMs(Object.assign(new Error("429"), { details: { retryAfterMs: 1_500 } }))).toBe(1_500);
    expect(readRetryAfterMs(Object.assign(new Error("x"), { retryAfterMs: -1 }))).toBeUndefined();
    expect(readRetryAfterMs(new Error("plain"))).toBeUndefined();
    expect(readRetryAfterMs("nope")).toBeUndefined();
  });
});
