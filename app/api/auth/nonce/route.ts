import { NextResponse } from "next/server";
import { mintNonce, NONCE_COOKIE, nonceCookieOptions } from "@/lib/auth/sign-in-nonce";
import { signInRateLimiter } from "@/lib/auth/sign-in-rate-limit";
import { assertSameOrigin } from "@/lib/http/same-origin";
import { respond } from "@/lib/http/route-response";

export const dynamic = "force-dynamic";

/** Step 1 of sign-in: a fresh nonce for MSAL's loginRedirect, remembered in an HttpOnly cookie. */
export async function POST(request: Request) {
  return respond(request, async () => {
    assertSameOrigin(request.headers);
    signInRateLimiter.enforce(request.headers);
    const { nonce, cookie } = await mintNonce();
    const res = NextResponse.json({ nonce }, { headers: { "Cache-Control": "no-store" } });
    res.cookies.set(NONCE_COOKIE, cookie, nonceCookieOptions());
    return res;
  });
}
