import { mkdtempSync, readFileSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, parseEnv } from "@/lib/env";
import { ensureSessionSecret } from "./embedded-session-secret";

describe("SESSION_SECRET", () => {
  it("is generated once into DATA_DIR in embedded mode, owner-readable only, and reused", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "feedgate-secret-"));
    const env = parseEnv({ DATA_DIR: dir });
    const first = ensureSessionSecret(env);
    expect(first.length).toBeGreaterThanOrEqual(32);
    expect(ensureSessionSecret(env)).toBe(first);
    expect(readFileSync(path.join(dir, "session-secret"), "utf8").trim()).toBe(first);
    expect(statSync(path.join(dir, "session-secret")).mode & 0o077).toBe(0);
  });

  it("is required with a real tenant, and so is the client id", () => {
    const tenant = "72f988bf-86f1-41af-91ab-2d7cd011db47";
    expect(() => parseEnv({ ENTRA_TENANT_ID: tenant, ENTRA_CLIENT_ID: "0f0e0d0c-0000-4000-8000-000000000001" })).toThrow(/SESSION_SECRET is required/);
    expect(() => parseEnv({ ENTRA_TENANT_ID: tenant, SESSION_SECRET: "x".repeat(32) })).toThrow(/ENTRA_CLIENT_ID is required/);
    expect(() => parseEnv({ ENTRA_TENANT_ID: "contoso.onmicrosoft.com" })).toThrow(/ENTRA_TENANT_ID must be the tenant's Directory \(tenant\) ID/);
    expect(() => parseEnv({ SESSION_SECRET: "short" })).toThrow(ConfigError);
    expect(parseEnv({ ROLE_GROUP_MAP: '{"g1":"Feedgate.Admin"}' }).ROLE_GROUP_MAP).toEqual({ g1: "Feedgate.Admin" });
    expect(() => parseEnv({ ROLE_GROUP_MAP: '{"g1":"Feedgate.God"}' })).toThrow(/ROLE_GROUP_MAP/);
    expect(() => parseEnv({ ROLE_GROUP_MAP: "not json" })).toThrow(/ROLE_GROUP_MAP must be a JSON object/);
  });
});
