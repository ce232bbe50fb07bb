/**
 * Runs before every page and API request:
 *  - a per-request nonce and the Content-Security-Policy built on it (Next applies the nonce to
 *    its own scripts, so no 'unsafe-inline' is needed for scripts);
 *  - a correlation id for logs, audit events and error messages (a client-sent one is replaced);
 *  - HSTS when the portal is served over https;
 *  - the rolling session: a valid cookie is re-issued with a fresh idle timeout, an invalid one
 *    is deleted. This is convenience, not authorization: it re-seals the same payload (the same
 *    Session id) without looking at the Session table, so it can never bring back a session that
 *    was signed out or revoked; every page, action and route handler checks the row and the
 *    roles itself (loadActingUser).
 */
import { randomBytes, randomUUID } from "node:crypto";
import { NextResponse, type NextRequest } from "next/server";
import { getIdentityConfig } from "@/lib/auth/identity-config";
import { isDueForRefresh, openSession, sealSession, sessionCookieName, sessionCookieOptions } from "@/lib/auth/session-cookie";
import { env } from "@/lib/env";

export async function proxy(request: NextRequest) {
  const nonce = randomBytes(18).toString("base64");
  const correlationId = randomUUID();
  const csp = contentSecurityPolicy(nonce);
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("x-nonce", nonce);
  requestHeaders.set("content-security-policy", csp);
  requestHeaders.set("x-correlation-id", correlationId);
  // Lets the portal layout send people back to the page they asked for after signing in.
  requestHeaders.set("x-feedgate-path", `${request.nextUrl.pathname}${request.nextUrl.search}`);

  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set("content-security-policy", csp);
  response.headers.set("x-correlation-id", correlationId);
  if (new URL(env.APP_URL).protocol === "https:") {
    response.headers.set("strict-transport-security", "max-age=63072000; includeSubDomains");
  }
  await rollSession(request, response);
  return response;
}

async function rollSession(request: NextRequest, response: NextResponse) {
  // The auth routes set or clear the cookie themselves; a second Set-Cookie would race them.
  if (request.nextUrl.pathname.startsWith("/api/auth/")) return;
  const name = sessionCookieName();
  const value = request.cookies.get(name)?.value;
  if (!value) return;
  const opened = await openSession(value);
  if (!opened) {
    response.cookies.set(name, "", { ...sessionCookieOptions(), maxAge: 0 });
  } else if (isDueForRefresh(opened.issuedAt)) {
    response.cookies.set(name, await sealSession(opened.session), sessionCookieOptions());
  }
}

function contentSecurityPolicy(nonce: string): string {
  const isDev = process.env.NODE_ENV === "development";
  const isHttps = new URL(env.APP_URL).protocol === "https:";
  // MSAL calls the identity provider's token endpoint with fetch from the page.
  const idp = new URL(getIdentityConfig().issuer).origin;
  return [
    "default-src 'self'",
    // React needs eval in development only, for its error overlays.
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${isDev ? " 'unsafe-eval'" : ""}`,
    `style-src 'self' 'nonce-${nonce}'`,
    `style-src-elem 'self' 'nonce-${nonce}'`,
    // Style attributes (React's style prop, Next's own markup) cannot carry a nonce; they
    // cannot run script either, so only attributes get 'unsafe-inline', never <style> elements.
    "style-src-attr 'unsafe-inline'",
    "img-src 'self' blob: data:",
    "font-src 'self'",
    `connect-src 'self' ${idp}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    ...(isHttps ? ["upgrade-insecure-requests"] : []),
  ].join("; ");
}

/**
 * Every page and API request, prefetches included: a prefetch that skipped the proxy would carry
 * no CSP and could bring its own X-Correlation-Id into the audit trail. Only build assets skip it.
 */
export const config = {
  matcher: ["/((?!_next/static|_next/image|favicon.ico).*)"],
};
