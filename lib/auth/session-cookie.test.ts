import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { resetEnvCache } from "@/lib/env";
import { isDueForRefresh, openSession, sealSession, sessionCookieName, sessionCookieOptions, type SessionPayload } from "./session-cookie";

const session = (authTime = Math.floor(Date.now() / 1000)): SessionPayload => ({
  sid: "s1",
  uid: "u1",
  oid: "oid-1",
  name: "Alice Chen",
  email: "alice@contoso.example",
  authTime,
});

describe("session cookie", () => {
  beforeEach(() => {
    vi.stubEnv("SESSION_SECRET", "a".repeat(40));
    vi.stubEnv("APP_URL", "http://localhost:3000");
    vi.stubEnv("SESSION_IDLE_MINUTES", "30");
    vi.stubEnv("SESSION_MAX_HOURS", "12");
    resetEnvCache();
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllEnvs();
    resetEnvCache();
  });

  it("round-trips and is encrypted (no claim readable in the value)", async () => {
    const value = await sealSession(session());
    expect(value.split(".")).toHaveLength(5);
    expect(Buffer.from(value.replaceAll(".", ""), "base64url").toString("latin1")).not.toContain("Alice");
    expect((await openSession(value))?.session).toEqual(session(session().authTime));
  });

  it("rejects a tampered value, and one sealed with another secret", async () => {
    const value = await sealSession(session());
    const parts = value.split(".");
    parts[3] = `${parts[3]?.slice(0, -2)}AA`;
    expect(await openSession(parts.join("."))).toBeNull();
    vi.stubEnv("SESSION_SECRET", "b".repeat(40));
    resetEnvCache();
    expect(await openSession(value)).toBeNull();
  });

  it("expires after the idle timeout and can never outlive the maximum age", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const value = await sealSession(session());
    vi.setSystemTime(Date.now() + 31 * 60_000);
    expect(await openSession(value)).toBeNull();
    // Rolling renewals stop at SESSION_MAX_HOURS after sign-in.
    const old = session(Math.floor(Date.now() / 1000) - 12 * 3600 + 5);
    const renewed = await sealSession(old);
    expect(await openSession(renewed)).not.toBeNull();
    vi.setSystemTime(Date.now() + 10_000);
    expect(await openSession(renewed)).toBeNull();
  });

  it("is due for refresh after a minute", () => {
    const now = Math.floor(Date.now() / 1000);
    expect(isDueForRefresh(now - 10)).toBe(false);
    expect(isDueForRefresh(now - 61)).toBe(true);
  });

  it("is HttpOnly and Lax everywhere, Secure with the __Host- prefix outside localhost", () => {
    expect(sessionCookieName()).toBe("feedgate-session");
    expect(sessionCookieOptions()).toMatchObject({ httpOnly: true, sameSite: "lax", secure: false, path: "/" });
    vi.stubEnv("APP_URL", "https://feedgate.contoso.example");
    resetEnvCache();
    expect(sessionCookieName()).toBe("__Host-feedgate-session");
    expect(sessionCookieOptions()).toMatchObject({ httpOnly: true, sameSite: "lax", secure: true });
  });
});
