import { NextResponse } from "next/server";
import { mintNonce, NONCE_COOKIE, nonceCookieOptions } from "@/lib/auth/sign-in-nonce";
import { signInRateLimiter } from "@/lib/http/sign-in-rate-limit";
import { publicRoute } from "@/lib/http/api-route";

export const dynamic = "force-dynamic";

/** Step 1 of sign-in: a fresh nonce for MSAL's loginRedirect, remembered in an HttpOnly cookie. */
export const POST = publicRoute(async ({ request }) => {
  await signInRateLimiter.enforce(request.headers);
  const { nonce, cookie } = await mintNonce();
  const res = NextResponse.json({ nonce });
  res.cookies.set(NONCE_COOKIE, cookie, nonceCookieOptions());
  return res;
});
