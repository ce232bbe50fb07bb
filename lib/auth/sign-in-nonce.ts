import "server-only";
import { randomBytes } from "node:crypto";
import { jwtVerify, SignJWT } from "jose";
import { env } from "@/lib/env";
import { deriveKey } from "./derive-key";
import { readCookie } from "./get-session";

/**
 * The nonce binds an id_token to the browser that started the sign-in: the server mints it into
 * a short-lived HttpOnly cookie, the page hands the same value to MSAL's loginRedirect, and the
 * token exchange accepts only a token carrying it. A token stolen elsewhere cannot be replayed.
 */
export const NONCE_COOKIE = "feedgate-signin-nonce";
const NONCE_TTL_SECONDS = 10 * 60;

export function nonceCookieOptions(maxAge = NONCE_TTL_SECONDS) {
  const url = new URL(env.APP_URL);
  return { httpOnly: true, sameSite: "lax" as const, secure: url.protocol === "https:", path: "/api/auth", maxAge };
}

export async function mintNonce(): Promise<{ nonce: string; cookie: string }> {
  const nonce = randomBytes(24).toString("base64url");
  // Signed so a cookie planted by a sibling subdomain cannot choose the nonce.
  const cookie = await new SignJWT({ n: nonce }).setProtectedHeader({ alg: "HS256" }).setIssuedAt().setExpirationTime(`${NONCE_TTL_SECONDS}s`).sign(deriveKey("sign-in-nonce-v1"));
  return { nonce, cookie };
}

/** The nonce this browser was given, or undefined when the cookie is missing, forged or expired. */
export async function readNonce(request: Request): Promise<string | undefined> {
  const value = readCookie(request.headers.get("cookie"), NONCE_COOKIE);
  if (!value) return undefined;
  try {
    const { payload } = await jwtVerify(value, deriveKey("sign-in-nonce-v1"), { algorithms: ["HS256"] });
    return typeof payload.n === "string" ? payload.n : undefined;
  } catch {
    return undefined;
  }
}
