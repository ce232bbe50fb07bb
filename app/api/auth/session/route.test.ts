import { exportJWK, generateKeyPair } from "jose";
import { describe, expect, it } from "vitest";
import {
  appRequest,
  cookiesFrom,
  exchangeToken,
  idTokenClaims,
  signIdToken,
  startSignIn,
  useAuthHarness,
  type AuthHarness,
} from "@/testing/auth-harness";
import { testProviders } from "@/testing/test-database";

for (const provider of testProviders()) {
  describe(`token exchange (${provider})`, () => {
    const h = useAuthHarness(provider);

    async function rejectedCount() {
      return h.db.auditEvent.count({ where: { action: "auth.sign_in_rejected" } });
    }

    /** Sends a token built from a fresh nonce; expects 401, no session cookie and one new audit event. */
    async function expectRejected(build: (nonce: string) => Promise<string>, reason: RegExp) {
      const before = await rejectedCount();
      const { nonce, cookie } = await startSignIn();
      const res = await exchangeToken(await build(nonce), cookie);
      expect(res.status).toBe(401);
      expect((await res.json()) as unknown).toMatchObject({ error: { code: "invalid_token" } });
      expect(Object.keys(cookiesFrom(res)).some((k) => k.includes("feedgate-session"))).toBe(false);
      expect(await rejectedCount()).toBe(before + 1);
      const event = await h.db.auditEvent.findFirst({ where: { action: "auth.sign_in_rejected" }, orderBy: { id: "desc" } });
      expect(JSON.stringify(event?.after)).toMatch(reason);
    }

    it("accepts a token from the provider's key, sets the session cookie and audits the sign-in", async () => {
      const { nonce, cookie } = await startSignIn();
      const res = await exchangeToken(await signIdToken(h, idTokenClaims(h, h.user("Alice Chen"), nonce)), cookie);
      expect(res.status).toBe(200);
      const setCookie = res.headers.getSetCookie().find((c) => c.startsWith("feedgate-session="));
      expect(setCookie).toMatch(/HttpOnly/i);
      expect(setCookie).toMatch(/SameSite=lax/i);
      const alice = await h.db.user.findUniqueOrThrow({ where: { entraOid: h.user("Alice Chen").oid } });
      expect(alice.lastRoles).toEqual(["Feedgate.Requester"]);
      expect(await h.db.auditEvent.count({ where: { action: "auth.sign_in", actorOid: alice.entraOid } })).toBe(1);
    });

    it("rejects a token forged with another key", async () => {
      const { privateKey } = await generateKeyPair("RS256");
      await expectRejected((n) => signIdToken(h, idTokenClaims(h, h.user("Alice Chen"), n), { key: privateKey }), /signature|JWKS|ERR_J/);
    });

    it("rejects a token signed with another key that reuses the provider's kid", async () => {
      const { privateKey } = await generateKeyPair("RS256");
      await expectRejected((n) => signIdToken(h, idTokenClaims(h, h.user("Alice Chen"), n), { key: privateKey, kid: h.kid }), /signature/);
    });

    it("rejects an expired token", async () => {
      const now = Math.floor(Date.now() / 1000);
      await expectRejected((n) => signIdToken(h, idTokenClaims(h, h.user("Alice Chen"), n), { iat: now - 7200, exp: now - 3600 }), /ERR_JWT_EXPIRED/);
    });

    it("rejects a token that is not yet valid", async () => {
      const nbf = Math.floor(Date.now() / 1000) + 3600;
      await expectRejected((n) => signIdToken(h, { ...idTokenClaims(h, h.user("Alice Chen"), n), nbf }), /nbf/);
    });

    it("rejects a token for another audience", async () => {
      await expectRejected((n) => signIdToken(h, { ...idTokenClaims(h, h.user("Alice Chen"), n), aud: "some-other-app" }), /aud/);
    });

    it("rejects a token from another issuer", async () => {
      await expectRejected((n) => signIdToken(h, { ...idTokenClaims(h, h.user("Alice Chen"), n), iss: "https://login.microsoftonline.com/evil/v2.0" }), /iss/);
    });

    it("rejects alg: none", async () => {
      await expectRejected(async (n) => {
        const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
        const now = Math.floor(Date.now() / 1000);
        return `${enc({ alg: "none", typ: "JWT" })}.${enc({ ...idTokenClaims(h, h.user("Alice Chen"), n), iat: now, exp: now + 600 })}.`;
      }, /ERR_JOSE_ALG_NOT_ALLOWED|ERR_JWS_INVALID/);
    });

    it("rejects an HS256 token keyed with the provider's public key (algorithm confusion)", async () => {
      const { SignJWT } = await import("jose");
      const publicJwk = await exportJWK(h.signingKey);
      const secret = new TextEncoder().encode(JSON.stringify({ e: publicJwk.e, kty: publicJwk.kty, n: publicJwk.n }));
      await expectRejected(
        (n) => new SignJWT(idTokenClaims(h, h.user("Alice Chen"), n)).setProtectedHeader({ alg: "HS256", kid: h.kid }).setIssuedAt().setExpirationTime("1h").sign(secret),
        /ERR_JOSE_ALG_NOT_ALLOWED/,
      );
    });

    it("rejects a valid token whose roles claim was edited", async () => {
      await expectRejected(async (n) => {
        const [header, payload, signature] = (await signIdToken(h, idTokenClaims(h, h.user("Alice Chen"), n))).split(".");
        const claims = JSON.parse(Buffer.from(payload ?? "", "base64url").toString()) as Record<string, unknown>;
        claims.roles = ["Feedgate.Admin", "Feedgate.Approver"];
        return `${header}.${Buffer.from(JSON.stringify(claims)).toString("base64url")}.${signature}`;
      }, /signature/);
    });

    it("rejects a token whose nonce is not this browser's", async () => {
      await expectRejected(() => signIdToken(h, idTokenClaims(h, h.user("Alice Chen"), "nonce-from-another-browser")), /nonce/);
    });

    it("rejects a valid token without the nonce cookie, and a nonce used twice", async () => {
      const before = await rejectedCount();
      const { nonce, cookie } = await startSignIn();
      const token = await signIdToken(h, idTokenClaims(h, h.user("Alice Chen"), nonce));
      expect((await exchangeToken(token, undefined)).status).toBe(401);
      const first = await exchangeToken(token, cookie);
      expect(first.status).toBe(200);
      // The response clears the nonce cookie, so a browser cannot replay it.
      expect(first.headers.getSetCookie().some((c) => c.startsWith("feedgate-signin-nonce=;") && /Max-Age=0/.test(c))).toBe(true);
      expect(await rejectedCount()).toBe(before + 1);
    });

    it("rejects a token issued too long ago even if not expired", async () => {
      const now = Math.floor(Date.now() / 1000);
      await expectRejected((n) => signIdToken(h, idTokenClaims(h, h.user("Alice Chen"), n), { iat: now - 3000, exp: now + 600 }), /iat/);
    });

    it("refuses people without a Feedgate role (403) and audits it", async () => {
      const { nonce, cookie } = await startSignIn();
      const res = await exchangeToken(await signIdToken(h, { ...idTokenClaims(h, h.user("Alice Chen"), nonce), roles: [] }), cookie);
      expect(res.status).toBe(403);
      const event = await h.db.auditEvent.findFirst({ where: { action: "auth.sign_in_rejected" }, orderBy: { id: "desc" } });
      expect(JSON.stringify(event?.after)).toMatch(/no Feedgate role/);
    });

    it("refuses a cross-origin exchange", async () => {
      const { nonce, cookie } = await startSignIn();
      const token = await signIdToken(h, idTokenClaims(h, h.user("Alice Chen"), nonce));
      expect((await exchangeToken(token, cookie, { origin: "https://evil.example" })).status).toBe(403);
      expect((await exchangeToken(token, cookie, { origin: null })).status).toBe(403);
    });

    it("rate-limits the exchange per client IP", async () => {
      process.env.SIGN_IN_RATE_LIMIT_PER_MINUTE = "5";
      const { resetEnvCache } = await import("@/lib/env");
      resetEnvCache();
      // Counts live in each run's database; a fresh address per run keeps the runs apart all the same.
      const ip = `198.51.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
      try {
        const statuses: number[] = [];
        for (let i = 0; i < 7; i++) statuses.push((await exchangeToken("x.y.z", undefined, { ip })).status);
        expect(statuses.slice(0, 5).every((s) => s !== 429)).toBe(true);
        expect(statuses.slice(5)).toEqual([429, 429]);
        // A forged X-Forwarded-For changes nothing: only the portal server's header counts.
        expect((await exchangeToken("x.y.z", undefined, { ip, headers: { "x-forwarded-for": "192.0.2.200" } })).status).toBe(429);
        // Another address is unaffected.
        expect((await exchangeToken("x.y.z", undefined, { ip: "203.0.113.9" })).status).not.toBe(429);
      } finally {
        process.env.SIGN_IN_RATE_LIMIT_PER_MINUTE = "1000";
        resetEnvCache();
      }
    });

    it("sign-out clears the cookie and audits it", async () => {
      const { sessionCookieFor } = await import("@/testing/auth-harness");
      const cookie = await sessionCookieFor(h, "Bilal Okafor");
      const { POST } = await import("@/app/api/auth/signout/route");
      const res = await POST(appRequest("/api/auth/signout", { method: "POST", cookie }));
      expect(res.status).toBe(204);
      expect(res.headers.getSetCookie().some((c) => c.startsWith("feedgate-session=;") && /Max-Age=0/.test(c))).toBe(true);
      expect(await h.db.auditEvent.count({ where: { action: "auth.sign_out", actorOid: h.user("Bilal Okafor").oid } })).toBe(1);
    });
  });
}

export type { AuthHarness };
