/**
 * One error type for every cloud call, so the job runner can decide: retry (and when),
 * or stop with a message a person can act on.
 */
export class CloudError extends Error {
  override name = "CloudError";
  constructor(
    message: string,
    readonly details: {
      service: "arm" | "aml" | "nexus" | "artifacts" | "blob" | "containerRegistry";
      status?: number;
      code?: string;
      /** From Retry-After, when the service sent one. */
      retryAfterMs?: number;
      /** Worth trying again: throttling, 5xx, dropped connections, timeouts. */
      isTransient: boolean;
    },
  ) {
    super(message);
  }
}

export function isTransientStatus(status: number | undefined): boolean {
  return status === undefined || status === 408 || status === 429 || status >= 500;
}

/** Retry-After is either delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** fetch() says only "fetch failed"; the cause says why (ECONNREFUSED, a certificate error, a timeout). */
export function describeFetchError(error: unknown): string {
  const e = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e?.name === "TimeoutError") return "timed out";
  const cause = e?.cause?.code ?? e?.cause?.message;
  return cause ? `${e.message ?? "fetch failed"}: ${cause}` : (e?.message ?? String(error));
}
