import { describe, expect, it } from "vitest";
import { ConfigError, parseEnv } from "./env";

describe("parseEnv", () => {
  it("selects the embedded defaults when nothing is set", () => {
    const env = parseEnv({});
    expect(env.DATABASE_URL).toBe("file:./data/feedgate.db");
    expect(env.PORT).toBe(3000);
    expect(env.AZURE_SUBSCRIPTION_ID).toBeUndefined();
  });

  it("takes a PostgreSQL URL as the whole switch to PostgreSQL", () => {
    expect(parseEnv({ DATABASE_URL: "postgresql://u:p@db:5432/feedgate" }).DATABASE_URL).toBe("postgresql://u:p@db:5432/feedgate");
  });

  it("treats empty strings as unset", () => {
    expect(parseEnv({ DATABASE_URL: "", PORT: "" }).DATABASE_URL).toBe("file:./data/feedgate.db");
  });

  it.each([
    [{ DATABASE_URL: "mysql://x" }, /^Invalid configuration: DATABASE_URL must be file:/],
    [{ PORT: "seventy" }, /^Invalid configuration: PORT /],
    [{ AZURE_SUBSCRIPTION_ID: "not-a-guid" }, /^Invalid configuration: AZURE_SUBSCRIPTION_ID /],
    [{ APP_URL: "ftp://x" }, /^Invalid configuration: APP_URL /],
    [{ TRUSTED_PROXIES: "10.0.0.1, proxy.internal" }, /^Invalid configuration: TRUSTED_PROXIES .*"proxy\.internal" is neither/],
    [{ TRUSTED_PROXIES: "10.0.0.0/33" }, /^Invalid configuration: TRUSTED_PROXIES /],
    [{ TRUSTED_PROXIES: "fd00::/129" }, /^Invalid configuration: TRUSTED_PROXIES /],
    [{ TRUSTED_PROXIES: "300.1.1.1" }, /^Invalid configuration: TRUSTED_PROXIES /],
  ])("rejects %o with one line that names the variable", (source, message) => {
    let caught: unknown;
    try {
      parseEnv(source);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const text = (caught as Error).message;
    expect(text).toMatch(message);
    expect(text).not.toContain("\n");
  });

  it("reads TRUSTED_PROXIES as IPv4 and IPv6 addresses and ranges, IPv4-mapped ones as IPv4; none by default", () => {
    expect(parseEnv({}).TRUSTED_PROXIES).toEqual([]);
    const ranges = parseEnv({ TRUSTED_PROXIES: " 10.0.0.0/8, 192.0.2.7 ,fd00::/8,::ffff:127.0.0.1, 2001:db8::1 " }).TRUSTED_PROXIES;
    expect(ranges.map((r) => [r.family, r.prefix])).toEqual([
      [4, 8],
      [4, 32],
      [6, 8],
      [4, 32],
      [6, 128],
    ]);
  });

  it("refuses a plain-http Graph for a real tenant, where a person's Graph token would travel to it", () => {
    const tenant = { ENTRA_TENANT_ID: "9c1f0d4e-5b6a-4f7e-8d9c-0a1b2c3d4e5f", ENTRA_CLIENT_ID: "6f1c2e3d-4b5a-4c7d-8e9f-0a1b2c3d4e5f", SESSION_SECRET: "x".repeat(40) };
    expect(() => parseEnv({ ...tenant, GRAPH_BASE_URL: "http://graph.example" })).toThrow(/GRAPH_BASE_URL must be https when ENTRA_TENANT_ID is set/);
    expect(parseEnv({ ...tenant, GRAPH_BASE_URL: "https://graph.microsoft.us" }).GRAPH_BASE_URL).toBe("https://graph.microsoft.us");
    expect(parseEnv({ GRAPH_BASE_URL: "http://localhost:3001/graph" }).GRAPH_BASE_URL).toBe("http://localhost:3001/graph");
  });

  it("never echoes a password from a database URL", () => {
    expect(() => parseEnv({ DATABASE_URL: "mysql://root:hunter2@db/x" })).toThrow(/mysql:\/\/root:\*\*\*@db\/x/);
  });
});
