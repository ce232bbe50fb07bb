import { AppError } from "@/lib/errors";

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * An in-memory token bucket per key. It lives in this process only: with several instances the
 * effective limit multiplies, which is acceptable for a sign-in brake (not a quota).
 * The client IP comes from X-Forwarded-For, which a client talking to Next directly can forge,
 * so a global bucket (10x the per-IP rate) caps what forged addresses can achieve.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  constructor(private readonly perMinute: () => number) {}

  take(key: string, weight = 1): boolean {
    const capacity = this.perMinute() * weight;
    const now = Date.now();
    const b = this.buckets.get(key) ?? { tokens: capacity, at: now };
    b.tokens = Math.min(capacity, b.tokens + ((now - b.at) / 60_000) * capacity);
    b.at = now;
    if (b.tokens < 1) {
      this.buckets.set(key, b);
      return false;
    }
    b.tokens -= 1;
    this.buckets.set(key, b);
    if (this.buckets.size > 10_000) this.prune(now);
    return true;
  }

  /** Throws a 429 AppError when the caller's IP, or everyone together, is over the limit. */
  enforce(headers: Headers): void {
    if (!this.take(`ip:${clientIp(headers)}`) || !this.take("global", 10)) {
      throw new AppError("rate_limited", "Too many sign-in attempts. Wait a minute and try again.");
    }
  }

  private prune(now: number) {
    for (const [k, b] of this.buckets) if (now - b.at > 120_000) this.buckets.delete(k);
  }
}

export function clientIp(headers: Headers): string {
  return headers.get("x-forwarded-for")?.split(",")[0]?.trim() || headers.get("x-real-ip") || "unknown";
}
