import "server-only";
import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { getLogger } from "@/lib/logger";
import type { ActingUser } from "./acting-user";
import { requireUser } from "./require-user";
import { TokenRejectedError } from "./token-rejected-error";
import { verifyAccessToken } from "./verify-access-token";

/**
 * The caller of a REST route: a bearer access token when the request carries one (automation,
 * users or apps), the session cookie otherwise (the portal's own pages). Both resolve to the same
 * ActingUser, so the domain layer authorizes them identically.
 */
export async function requireApiUser(request: Request): Promise<ActingUser> {
  const header = request.headers.get("authorization");
  if (!header) return requireUser(request);
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
