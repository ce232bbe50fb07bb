/**
 * The session cookie: an encrypted JWT (jose, `dir` + A256GCM) naming a server-side Session row
 * (`sid`) and who signed in. It is a pointer, not the authority: every request resolves the user
 * through the row (loadActingUser), so sign-out and "sign out everywhere" end a copied cookie at
 * once, and roles come from the row and the user's latest sign-in, never from the cookie.
 * Encrypted rather than only signed, so names stay private even in logs or browser storage dumps.
 * It is short-lived and rolling: proxy.ts re-seals the same payload as requests arrive, up to
 * SESSION_MAX_HOURS after sign-in. Pure (no server-only): proxy.ts uses it too.
 */
import { EncryptJWT, jwtDecrypt } from "jose";
import { z } from "zod";
import { ConfigError, env } from "@/lib/env";
import { deriveKey } from "./derive-key";

const sessionSchema = z.object({
  /** Session.id: the row every request checks is live. */
  sid: z.string().min(1),
  /** User.id in our database. */
  uid: z.string().min(1),
  oid: z.string().min(1),
  name: z.string(),
  email: z.string(),
  /** Sign-in time, seconds since the epoch; bounds rolling renewal. */
  authTime: z.number().int(),
});
export type SessionPayload = z.infer<typeof sessionSchema>;

/** Re-issue the cookie when it is older than this, so an active person never times out. */
const REFRESH_AFTER_SECONDS = 60;

export function sessionCookieName(): string {
  // __Host- pins the cookie to this exact origin and path, but browsers accept it only when Secure.
  return isSecureCookie() ? "__Host-feedgate-session" : "feedgate-session";
}

export function sessionCookieOptions() {
  return { httpOnly: true, sameSite: "lax" as const, secure: isSecureCookie(), path: "/", maxAge: env.SESSION_IDLE_MINUTES * 60 };
}

export async function sealSession(session: SessionPayload): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const maxEnd = session.authTime + env.SESSION_MAX_HOURS * 3600;
  return new EncryptJWT({ ...session })
    .setProtectedHeader({ alg: "dir", enc: "A256GCM", typ: "feedgate-session" })
    .setIssuedAt(now)
    .setExpirationTime(Math.min(now + env.SESSION_IDLE_MINUTES * 60, maxEnd))
    .encrypt(sessionKey());
}

/** The session in a cookie value, or null when missing, tampered with, expired or past its maximum age. */
export async function openSession(value: string | undefined): Promise<{ session: SessionPayload; issuedAt: number } | null> {
  if (!value) return null;
  try {
    const { payload } = await jwtDecrypt(value, sessionKey(), { keyManagementAlgorithms: ["dir"], contentEncryptionAlgorithms: ["A256GCM"], requiredClaims: ["exp", "iat"] });
    const session = sessionSchema.parse(payload);
    if (session.authTime + env.SESSION_MAX_HOURS * 3600 <= Math.floor(Date.now() / 1000)) return null;
    return { session, issuedAt: payload.iat ?? 0 };
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    return null;
  }
}

export function isDueForRefresh(issuedAt: number): boolean {
  return Math.floor(Date.now() / 1000) - issuedAt >= REFRESH_AFTER_SECONDS;
}

function sessionKey(): Uint8Array {
  return deriveKey("session-cookie-v1");
}

export function isSecureCookie(): boolean {
  const url = new URL(env.APP_URL);
  // Browsers treat http://localhost as a secure context but do not always keep Secure cookies on it.
  return url.protocol === "https:" || !["localhost", "127.0.0.1", "[::1]"].includes(url.hostname);
}
