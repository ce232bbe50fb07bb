import { NextResponse } from "next/server";
import { z } from "zod";
import { completeSignIn, recordRejectedToken } from "@/lib/sessions/complete-sign-in";
import { GROUPS_STEP_COOKIE, groupsStepCookieOptions } from "@/lib/auth/groups-step";
import { sealSession, sessionCookieName, sessionCookieOptions } from "@/lib/auth/session-cookie";
import { NONCE_COOKIE, nonceCookieOptions, readNonce } from "@/lib/auth/sign-in-nonce";
import { signInRateLimiter } from "@/lib/http/sign-in-rate-limit";
import { TokenRejectedError } from "@/lib/auth/token-rejected-error";
import { resolveOverageGroups } from "@/lib/auth/graph-groups";
import { verifyIdToken } from "@/lib/auth/verify-id-token";
import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { clientAddressOf } from "@/lib/http/client-address";
import { correlationIdOf, errorResponse } from "@/lib/http/route-response";
import { assertSameOrigin } from "@/lib/http/same-origin";

export const dynamic = "force-dynamic";

const bodySchema = z.object({
  idToken: z.string().min(1).max(16_384),
  /** Only on groups overage: the person's Microsoft Graph token (GroupMember.Read.All), used once and never stored. */
  graphAccessToken: z.string().min(1).max(16_384).regex(/^[\w.-]+$/).optional(),
});

/**
 * Step 2 of sign-in: the page posts the id_token MSAL received, once. It is verified here (never
 * trusted from the browser), then exchanged for our own session cookie. The nonce cookie is
 * cleared whatever the outcome, a refused Origin included, so each nonce serves a single attempt;
 * that is why this route maps its own errors (errorResponse) instead of going through publicRoute.
 */
export async function POST(request: Request) {
  const correlationId = correlationIdOf(request.headers);
  const meta = { correlationId, ip: clientAddressOf(request.headers) };
  let res: NextResponse | Response;
  try {
    assertSameOrigin(request.headers);
    await signInRateLimiter.enforce(request.headers);
    const body = bodySchema.safeParse(await request.json().catch(() => null));
    if (!body.success) throw new AppError("invalid_input", "Send the id_token as JSON: { idToken, graphAccessToken? }.");
    const nonce = await readNonce(request);
    let identity;
    try {
      identity = await verifyIdToken(body.data.idToken, nonce);
    } catch (error) {
      if (error instanceof TokenRejectedError) await recordRejectedToken(getDb(), body.data.idToken, error.reason, meta);
      throw error;
    }
    // Groups overage without a Graph token: sign in with the memberships the person has, and
    // ask the browser for a Graph token (the groups step, POST /api/auth/groups).
    const groupsNeeded = identity.groups === undefined && !body.data.graphAccessToken;
    if (identity.groups === undefined) identity = { ...identity, groups: await resolveOverageGroups(body.data.graphAccessToken, identity.oid) };
    const { session, roles } = await completeSignIn(getDb(), identity, meta);
    const ok = NextResponse.json({ user: { name: session.name, roles }, ...(groupsNeeded ? { groups: "needed" } : {}) }, { headers: { "Cache-Control": "no-store" } });
    ok.cookies.set(sessionCookieName(), await sealSession(session), sessionCookieOptions());
    if (groupsNeeded) ok.cookies.set(GROUPS_STEP_COOKIE, "1", groupsStepCookieOptions());
    res = ok;
  } catch (error) {
    res = errorResponse(error, correlationId);
  }
  res.headers.append("Set-Cookie", `${NONCE_COOKIE}=; Path=${nonceCookieOptions().path}; Max-Age=0; HttpOnly; SameSite=Lax`);
  return res;
}
