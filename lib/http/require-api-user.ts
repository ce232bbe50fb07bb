import "server-only";
import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { assertSameOrigin, isSafeMethod } from "@/lib/http/same-origin";
import { getLogger } from "@/lib/logger";
import type { ActingUser } from "@/lib/auth/acting-user";
import { requireUser } from "@/lib/auth/require-user";
import { TokenRejectedError } from "@/lib/auth/token-rejected-error";
import { verifyAccessToken } from "@/lib/auth/verify-access-token";

/**
 * The caller of a REST route, by one rule:
 *  - a request with an `Authorization` header is authenticated by its bearer access token alone
 *    (verifyAccessToken; any other scheme is a 401) and needs no Origin check: another site's page
 *    cannot make a browser send that header, so such a request cannot be forged cross-site;
 *  - any other request is authenticated by the session cookie, and unless it is GET or HEAD it
 *    must come from the portal's own origin (assertSameOrigin), because browsers attach cookies
 *    to cross-site requests too.
 * Both resolve to the same ActingUser, so the domain layer authorizes them identically.
 */
export async function requireApiUser(request: Request): Promise<ActingUser> {
  const header = request.headers.get("authorization");
  if (header) return verifyBearer(header);
  if (!isSafeMethod(request.method)) assertSameOrigin(request.headers);
  return requireUser(request);
}

async function verifyBearer(header: string): Promise<ActingUser> {
  const match = /^Bearer\s+([\w-]+\.[\w-]+\.[\w-]+)$/i.exec(header.trim());
  if (!match?.[1]) throw new AppError("invalid_token", "Send an OAuth access token as `Authorization: Bearer <token>`.");
  try {
    return await verifyAccessToken(getDb(), match[1]);
  } catch (error) {
    if (!(error instanceof TokenRejectedError)) throw error;
    getLogger().warn({ reason: error.reason }, "access token rejected");
    throw new AppError("invalid_token", "The access token could not be verified: it may have expired, or it was issued for another audience.");
  }
}
