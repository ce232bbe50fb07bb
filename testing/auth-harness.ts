/**
 * Integration-test harness for authentication: a throwaway migrated and seeded database, the real
 * sandbox identity provider (oidc-provider) on a free port serving a key set the test owns, the
 * app's env pointed at both, and helpers that call the route handlers exactly as a browser would.
 */
import { createHash, randomBytes } from "node:crypto";
import { exportJWK, generateKeyPair, SignJWT, type JWK, type JWTPayload } from "jose";
import { afterAll, beforeAll } from "vitest";
import type { DbProvider } from "@/lib/db/adapter";
import { disconnectDb, type PrismaClient } from "@/lib/db/client";
import { resetEnvCache } from "@/lib/env";
import { CLIENT_ADDRESS_HEADER } from "@/lib/http/client-address";
import { DEMO_TENANT_ID, DEMO_USERS, type DemoUser } from "@/prisma/demo-data";
import { seedDemoData } from "@/prisma/seed";
import { startSandboxIdp, type SandboxIdp } from "@/sandbox/idp/sandbox-idp";
import { createTestDatabase, type TestDatabase } from "./test-database";

export const APP_URL = "http://localhost:3999";
export const TEST_SESSION_SECRET = "test-session-secret-0123456789-abcdefghijklmnop";
const SANDBOX_CLIENT_ID = "3f5a7c9e-0d1b-4c2e-8f6a-0000feed0001";

export interface AuthHarness {
  db: PrismaClient;
  idp: SandboxIdp;
  /** The provider's private signing key, so tests can mint valid and invalid tokens alike. */
  signingKey: CryptoKey;
  kid: string;
  user(name: string): DemoUser;
}

export function useAuthHarness(provider: DbProvider): AuthHarness {
  const handle = {} as AuthHarness & { database: TestDatabase };
  beforeAll(async () => {
    const database = await createTestDatabase(provider);
    await seedDemoData(database.db);
    const { privateKey } = await generateKeyPair("RS256", { extractable: true });
    const kid = "test-key";
    const jwk: JWK = { ...(await exportJWK(privateKey)), kid, alg: "RS256", use: "sig" };
    const idp = await startSandboxIdp({
      port: 0,
      clientId: SANDBOX_CLIENT_ID,
      redirectUris: [`${APP_URL}/signin`],
      tenantId: DEMO_TENANT_ID,
      users: DEMO_USERS,
      signingKeys: { keys: [jwk] },
    });
    Object.assign(process.env, {
      DATABASE_URL: database.url,
      APP_URL,
      SESSION_SECRET: TEST_SESSION_SECRET,
      SANDBOX_IDP_ISSUER: idp.issuer,
      SIGN_IN_RATE_LIMIT_PER_MINUTE: "1000",
      LOG_LEVEL: "silent",
    });
    delete process.env.ENTRA_TENANT_ID;
    resetEnvCache();
    await disconnectDb();
    Object.assign(handle, { database, db: database.db, idp, signingKey: privateKey, kid });
  });
  afterAll(async () => {
    await disconnectDb();
    await handle.idp?.close();
    await handle.database?.drop();
  });
  handle.user = (name: string) => {
    const u = DEMO_USERS.find((d) => d.name === name);
    if (!u) throw new Error(`no demo user ${name}`);
    return u;
  };
  return handle;
}

/** Claims the sandbox provider puts in an id_token for this user. */
export function idTokenClaims(h: AuthHarness, user: DemoUser, nonce: string): JWTPayload {
  return {
    sub: user.oid,
    oid: user.oid,
    tid: DEMO_TENANT_ID,
    name: user.name,
    preferred_username: user.email,
    email: user.email,
    roles: user.roles,
    nonce,
    aud: SANDBOX_CLIENT_ID,
    iss: h.idp.issuer,
  };
}

export async function signIdToken(h: AuthHarness, claims: JWTPayload, options: { key?: CryptoKey; kid?: string; iat?: number; exp?: number } = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT(claims)
    .setProtectedHeader({ alg: "RS256", kid: options.kid ?? h.kid, typ: "JWT" })
    .setIssuedAt(options.iat ?? now)
    .setExpirationTime(options.exp ?? now + 3600)
    .sign(options.key ?? h.signingKey);
}

/** The client address requests get unless a test names another. */
export const DEFAULT_CLIENT_ADDRESS = "203.0.113.10";

/**
 * A request as the portal's own page would send it (same Origin, cookies attached), arriving as
 * the portal server (scripts/server.ts) hands it to the app: with X-Feedgate-Client-Address set
 * from the socket. `headers` adds what a client sent on top (forged X-Forwarded-For, say).
 */
export function appRequest(path: string, init: { method?: string; cookie?: string; origin?: string | null; body?: unknown; ip?: string; headers?: Record<string, string> } = {}): Request {
  const headers = new Headers(init.headers);
  headers.set(CLIENT_ADDRESS_HEADER, init.ip ?? DEFAULT_CLIENT_ADDRESS);
  if (init.origin !== null) headers.set("origin", init.origin ?? APP_URL);
  if (init.cookie) headers.set("cookie", init.cookie);
  if (init.body !== undefined) headers.set("content-type", "application/json");
  return new Request(new URL(path, APP_URL), { method: init.method ?? "GET", headers, body: init.body === undefined ? undefined : JSON.stringify(init.body) });
}

/** `name=value` pairs of a response's Set-Cookie headers, ready for a Cookie header. */
export function cookiesFrom(res: Response): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of res.headers.getSetCookie()) {
    const [pair] = line.split(";");
    const i = pair?.indexOf("=") ?? -1;
    if (pair && i > 0) out[pair.slice(0, i)] = pair.slice(i + 1);
  }
  return out;
}

/** Step 1 of sign-in through the real route: a nonce and the cookie that remembers it. */
export async function startSignIn(ip?: string): Promise<{ nonce: string; cookie: string }> {
  const { POST } = await import("@/app/api/auth/nonce/route");
  const res = await POST(appRequest("/api/auth/nonce", { method: "POST", ip }));
  if (res.status !== 200) throw new Error(`nonce route answered ${res.status}`);
  const { nonce } = (await res.json()) as { nonce: string };
  const value = cookiesFrom(res)["feedgate-signin-nonce"];
  if (!value) throw new Error("nonce route set no cookie");
  return { nonce, cookie: `feedgate-signin-nonce=${value}` };
}

/** Step 2: posts an id_token to the token exchange, as the sign-in page does. */
export async function exchangeToken(idToken: string, nonceCookie: string | undefined, init: { origin?: string | null; ip?: string; headers?: Record<string, string>; graphAccessToken?: string } = {}): Promise<Response> {
  const { POST } = await import("@/app/api/auth/session/route");
  const { graphAccessToken, ...rest } = init;
  return POST(appRequest("/api/auth/session", { method: "POST", cookie: nonceCookie, body: graphAccessToken === undefined ? { idToken } : { idToken, graphAccessToken }, ...rest }));
}

/** The Microsoft Graph scope the sign-in page asks for, so overage groups can be read. */
export const GRAPH_GROUPS_SCOPE = "https://graph.microsoft.com/GroupMember.Read.All";

/**
 * A real authorization-code + PKCE sign-in at the sandbox provider, as MSAL does it: /auth, the
 * account picker's POST, the resume, then /token. Returns the tokens the provider issued.
 */
export async function signInAtIdp(h: AuthHarness, name: string, nonce: string, scopes: string[] = ["openid", "profile", "email", GRAPH_GROUPS_SCOPE]): Promise<{ idToken: string; accessToken: string }> {
  const jar = new Map<string, string>();
  const go = async (url: string, init: RequestInit = {}) => {
    const res = await fetch(url, { ...init, redirect: "manual", headers: { ...(init.headers as Record<string, string>), cookie: [...jar].map(([k, v]) => `${k}=${v}`).join("; ") } });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(";");
      const i = pair?.indexOf("=") ?? -1;
      if (pair && i > 0) jar.set(pair.slice(0, i), pair.slice(i + 1));
    }
    return res;
  };
  const next = (res: Response) => new URL(res.headers.get("location") ?? "", h.idp.issuer).toString();
  const verifier = randomBytes(32).toString("base64url");
  const redirectUri = `${APP_URL}/signin`;
  const auth = new URL(`${h.idp.issuer}/auth`);
  const params = { client_id: SANDBOX_CLIENT_ID, redirect_uri: redirectUri, response_type: "code", scope: scopes.join(" "), nonce, state: "s", code_challenge: createHash("sha256").update(verifier).digest("base64url"), code_challenge_method: "S256" };
  for (const [k, v] of Object.entries(params)) auth.searchParams.set(k, v);
  const interaction = next(await go(auth.toString()));
  const login = await go(`${interaction}/login`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ oid: h.user(name).oid }).toString() });
  const callback = new URL(next(await go(next(login))));
  const code = callback.searchParams.get("code");
  if (!code) throw new Error(`no code: ${callback.toString()}`);
  const token = await go(`${h.idp.issuer}/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "authorization_code", code, redirect_uri: redirectUri, client_id: SANDBOX_CLIENT_ID, code_verifier: verifier }).toString(),
  });
  const body = (await token.json()) as { id_token?: string; access_token?: string; error_description?: string };
  if (!body.id_token || !body.access_token) throw new Error(`token endpoint: ${token.status} ${body.error_description ?? ""}`);
  return { idToken: body.id_token, accessToken: body.access_token };
}

/**
 * Signs a seeded user in through both routes and returns the Cookie header of their session.
 * `claims` overrides id_token claims (say `roles`, for a sign-in after a role was removed).
 */
export async function sessionCookieFor(h: AuthHarness, name: string, claims: JWTPayload = {}, ip?: string): Promise<string> {
  const { nonce, cookie } = await startSignIn(ip);
  const res = await exchangeToken(await signIdToken(h, { ...idTokenClaims(h, h.user(name), nonce), ...claims }), cookie, { ip });
  if (res.status !== 200) throw new Error(`sign-in of ${name} answered ${res.status}: ${await res.text()}`);
  const session = Object.entries(cookiesFrom(res)).find(([k, v]) => k.includes("feedgate-session") && v);
  if (!session) throw new Error("no session cookie");
  return `${session[0]}=${session[1]}`;
}

/** The Session id a session Cookie header names (the cookie is encrypted; this opens it). */
export async function sessionIdOf(cookie: string): Promise<string> {
  const { openSession } = await import("@/lib/auth/session-cookie");
  const value = cookie.slice(cookie.indexOf("=") + 1);
  const opened = await openSession(decodeURIComponent(value));
  if (!opened) throw new Error("the cookie does not open");
  return opened.session.sid;
}

/** POST /api/auth/signout exactly as the account menu sends it: same origin, no body, or `{ everywhere: true }`. */
export async function signOutThroughMenu(cookie: string, scope: "here" | "everywhere" = "here"): Promise<Response> {
  const { POST } = await import("@/app/api/auth/signout/route");
  return POST(appRequest("/api/auth/signout", { method: "POST", cookie, body: scope === "everywhere" ? { everywhere: true } : undefined }));
}
