import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetEnvCache } from "@/lib/env";
import { appRequest, exchangeToken, idTokenClaims, signIdToken, startSignIn, useAuthHarness, cookiesFrom } from "@/testing/auth-harness";
import { testProviders } from "@/testing/test-database";

const FLOOD_MS = 10_000;
const TARGET_PER_SECOND = 1000;
const MAX_IN_FLIGHT = 256;
const LIMIT = 20;

/**
 * The outside probe's lock-out: one machine floods the sign-in endpoints with a fresh forged
 * X-Forwarded-For on every request. Requests arrive as the portal server hands them to the app,
 * X-Feedgate-Client-Address set from the socket (the attacker's one real address); the portal
 * server's own header handling is tested over real sockets in lib/http/client-address.test.ts
 * and scripts/server.test.ts.
 */
for (const provider of testProviders()) {
  describe(`a sign-in flood from one address locks out nobody else (${provider})`, () => {
    const h = useAuthHarness(provider);
    beforeAll(() => {
      process.env.SIGN_IN_RATE_LIMIT_PER_MINUTE = String(LIMIT);
      resetEnvCache();
    });
    afterAll(() => {
      process.env.SIGN_IN_RATE_LIMIT_PER_MINUTE = "1000";
      resetEnvCache();
    });

    it(`~${TARGET_PER_SECOND} forged-address requests a second for ${FLOOD_MS / 1000} s: the attacker is limited, a real sign-in from elsewhere succeeds`, async () => {
      const attacker = provider === "sqlite" ? "198.51.100.66" : "198.51.100.67";
      const person = provider === "sqlite" ? "203.0.113.50" : "203.0.113.51";
      const nonceRoute = await import("@/app/api/auth/nonce/route");
      const sessionRoute = await import("@/app/api/auth/session/route");
      const stats = { sent: 0, done: 0, refused: 0, allowed: 0, other: 0, inFlight: 0, sentDuringSignIn: 0 };
      let isSigningIn = false;
      let forged = 0;

      const attack = async (i: number) => {
        const headers = { "x-forwarded-for": `10.${(forged >> 16) & 255}.${(forged >> 8) & 255}.${forged++ & 255}` };
        const res =
          i % 2 === 0
            ? await nonceRoute.POST(appRequest("/api/auth/nonce", { method: "POST", ip: attacker, headers }))
            : await sessionRoute.POST(appRequest("/api/auth/session", { method: "POST", ip: attacker, headers, body: { idToken: "x.y.z" } }));
        if (res.status === 429) stats.refused++;
        else if (res.status === 200 || res.status === 401) stats.allowed++;
        else stats.other++;
      };

      const start = Date.now();
      const flood = (async () => {
        while (Date.now() - start < FLOOD_MS) {
          const due = Math.floor(((Date.now() - start) * TARGET_PER_SECOND) / 1000);
          while (stats.sent < due && stats.inFlight < MAX_IN_FLIGHT) {
            stats.inFlight++;
            if (isSigningIn) stats.sentDuringSignIn++;
            void attack(stats.sent++).finally(() => {
              stats.inFlight--;
              stats.done++;
            });
          }
          await new Promise((resolve) => setImmediate(resolve));
        }
        while (stats.inFlight > 0) await new Promise((resolve) => setTimeout(resolve, 5));
      })();

      // The real person signs in once the flood is under way and the attacker is already refused.
      while (!(stats.refused > 0 && stats.sent >= 2000) && Date.now() - start < FLOOD_MS) await new Promise((resolve) => setTimeout(resolve, 5));
      expect(Date.now() - start, "the flood never got going").toBeLessThan(FLOOD_MS);
      isSigningIn = true;
      const { nonce, cookie } = await startSignIn(person);
      const signedIn = await exchangeToken(await signIdToken(h, idTokenClaims(h, h.user("Alice Chen"), nonce)), cookie, { ip: person });
      isSigningIn = false;
      const signInBody = await signedIn.text();
      await flood;
      const seconds = (Date.now() - start) / 1000;
      console.info(`${provider}: ${stats.sent} attacker requests in ${seconds.toFixed(1)} s (${Math.round(stats.sent / seconds)}/s): ${stats.refused} refused, ${stats.allowed} let through; ${stats.sentDuringSignIn} sent while the real sign-in ran`);

      expect(signedIn.status, signInBody).toBe(200);
      const session = cookiesFrom(signedIn)["feedgate-session"];
      expect(session).toBeTruthy();
      const { GET } = await import("@/app/api/v1/me/route");
      expect((await GET(appRequest("/api/v1/me", { cookie: `feedgate-session=${session}` }))).status).toBe(200);

      expect(stats.other).toBe(0);
      expect(stats.sent).toBeGreaterThanOrEqual(2000);
      expect(stats.sentDuringSignIn).toBeGreaterThan(0);
      // Fixed windows per minute: the attacker gets LIMIT per window the flood touched, no more.
      const windows = Math.floor(Date.now() / 60_000) - Math.floor(start / 60_000) + 1;
      expect(stats.allowed).toBeLessThanOrEqual(LIMIT * windows);
      expect(stats.refused).toBe(stats.sent - stats.allowed);
      // And the database saw a write per request only until the address was known to be at its limit.
      const buckets = await h.db.rateLimitBucket.findMany({ where: { key: { startsWith: `sign-in:${attacker}:` } } });
      expect(buckets.reduce((n, b) => n + b.count, 0)).toBeLessThanOrEqual(LIMIT * windows);
    });
  });
}
