import { unstable_doesMiddlewareMatch } from "next/experimental/testing/server";
import { NextRequest } from "next/server";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { resetEnvCache } from "@/lib/env";
import { config, proxy } from "@/proxy";
import { sealSession, type SessionPayload } from "./session-cookie";

const session: SessionPayload = { sid: "s1", uid: "u1", oid: "o1", name: "Alice Chen", email: "a@x", authTime: Math.floor(Date.now() / 1000) };

describe("proxy.ts", () => {
  beforeEach(() => {
    vi.stubEnv("SESSION_SECRET", "p".repeat(40));
    vi.stubEnv("APP_URL", "http://localhost:3000");
    vi.stubEnv("ENTRA_TENANT_ID", "");
    resetEnvCache();
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllEnvs();
    resetEnvCache();
  });

  const request = (cookie?: string, path = "/feeds") =>
    new NextRequest(`http://localhost:3000${path}`, { headers: { ...(cookie ? { cookie: `feedgate-session=${cookie}` } : {}), "x-correlation-id": "client-chosen-id" } });

  it("sets a fresh nonce CSP and replaces a client-sent correlation id", async () => {
    const a = await proxy(request());
    const b = await proxy(request());
    const csp = a.headers.get("content-security-policy") ?? "";
    expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'/);
    expect(csp).toContain("connect-src 'self' http://localhost:3001");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toBe(b.headers.get("content-security-policy"));
    expect(a.headers.get("x-correlation-id")).not.toBe("client-chosen-id");
    expect(a.headers.get("strict-transport-security")).toBeNull();
  });

  it("runs on prefetches too, so they get a CSP and a server-made correlation id", async () => {
    for (const headers of [{ "next-router-prefetch": "1" }, { purpose: "prefetch" }, { "sec-purpose": "prefetch" }, {}]) {
      for (const url of ["http://localhost:3000/builds", "http://localhost:3000/api/v1/me", "http://localhost:3000/"]) {
        expect(unstable_doesMiddlewareMatch({ config, url, headers }), `${url} ${JSON.stringify(headers)}`).toBe(true);
      }
    }
    expect(unstable_doesMiddlewareMatch({ config, url: "http://localhost:3000/_next/static/chunks/app.js" })).toBe(false);
    const res = await proxy(new NextRequest("http://localhost:3000/builds", { headers: { "next-router-prefetch": "1", "x-correlation-id": "client-chosen-id" } }));
    expect(res.headers.get("content-security-policy")).toMatch(/script-src 'self' 'nonce-/);
    expect(res.headers.get("x-correlation-id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("adds HSTS when the portal is served over https", async () => {
    vi.stubEnv("APP_URL", "https://feedgate.contoso.example");
    resetEnvCache();
    const res = await proxy(new NextRequest("https://feedgate.contoso.example/"));
    expect(res.headers.get("strict-transport-security")).toMatch(/max-age=\d+/);
    expect(res.headers.get("content-security-policy")).toContain("upgrade-insecure-requests");
  });

  it("rolls a session older than a minute and leaves a fresh one alone", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const value = await sealSession(session);
    expect((await proxy(request(value))).headers.getSetCookie()).toEqual([]);
    vi.setSystemTime(Date.now() + 5 * 60_000);
    const rolled = (await proxy(request(value))).headers.getSetCookie();
    expect(rolled).toHaveLength(1);
    expect(rolled[0]).toMatch(/^feedgate-session=[^;]+;.*HttpOnly/i);
    expect(rolled[0]).not.toContain(value);
  });

  it("deletes a cookie that does not open, and never touches the auth routes' cookies", async () => {
    expect((await proxy(request("garbage"))).headers.getSetCookie()[0]).toMatch(/^feedgate-session=;.*Max-Age=0/i);
    expect((await proxy(request("garbage", "/api/auth/signout"))).headers.getSetCookie()).toEqual([]);
  });
});
