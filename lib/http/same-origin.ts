import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";

/**
 * Mutating requests must come from the portal's own pages: the Origin header has to equal
 * APP_URL's origin. Browsers always send Origin on POST, so a missing one is refused too.
 * This backs up SameSite=Lax cookies and Next's own Server Action origin check.
 */
export function assertSameOrigin(headers: Headers): void {
  const origin = headers.get("origin");
  if (origin !== new URL(env.APP_URL).origin) throw new AppError("cross_origin", "This request must come from the Feedgate portal itself.");
}

/** GET and HEAD change nothing, so a cross-site request with them can do no harm. */
export function isSafeMethod(method: string): boolean {
  return method === "GET" || method === "HEAD";
}
