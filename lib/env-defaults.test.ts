import { describe, expect, it } from "vitest";
import { parseEnv } from "./env";

describe("defaults that follow DATA_DIR and PORT", () => {
  it("puts the SQLite file in DATA_DIR when DATABASE_URL is unset", () => {
    expect(parseEnv({}).DATABASE_URL).toBe("file:./data/feedgate.db");
    expect(parseEnv({ DATA_DIR: "/tmp/fg-restart" }).DATABASE_URL).toBe("file:/tmp/fg-restart/feedgate.db");
    expect(parseEnv({ DATA_DIR: "/tmp/fg-restart/" }).DATABASE_URL).toBe("file:/tmp/fg-restart/feedgate.db");
    expect(parseEnv({ DATA_DIR: "./var/state" }).DATABASE_URL).toBe("file:./var/state/feedgate.db");
    expect(parseEnv({ DATA_DIR: "data/e2e", DATABASE_URL: "" }).DATABASE_URL).toBe("file:./data/e2e/feedgate.db");
  });

  it("keeps an explicit DATABASE_URL (e2e sets its own)", () => {
    expect(parseEnv({ DATA_DIR: "data/e2e", DATABASE_URL: "file:./data/e2e/feedgate.db" }).DATABASE_URL).toBe("file:./data/e2e/feedgate.db");
    expect(parseEnv({ DATA_DIR: "/srv/x", DATABASE_URL: "postgresql://u:p@db/feedgate" }).DATABASE_URL).toBe("postgresql://u:p@db/feedgate");
  });

  it("gives the sandbox cloud fixed ports beside PORT, each overridable and validated by name", () => {
    const e = parseEnv({ PORT: "3300" });
    expect([e.SANDBOX_ARM_PORT, e.SANDBOX_AML_PORT, e.SANDBOX_AML_DATA_PLANE_PORT, e.SANDBOX_NEXUS_PORT, e.SANDBOX_ARTIFACTS_PORT, e.SANDBOX_BLOB_PORT]).toEqual([3302, 3303, 3304, 3305, 3306, 3307]);
    expect(e.SANDBOX_CONTAINER_REGISTRY_PORT).toBe(3308);
    expect(parseEnv({ SANDBOX_NEXUS_PORT: "8443" }).SANDBOX_NEXUS_PORT).toBe(8443);
    expect(() => parseEnv({ SANDBOX_BLOB_PORT: "70000" })).toThrow(/^Invalid configuration: SANDBOX_BLOB_PORT .*\(got "70000"\)$/);
    expect(() => parseEnv({ SANDBOX_CONTAINER_REGISTRY_PORT: "0" })).toThrow(/^Invalid configuration: SANDBOX_CONTAINER_REGISTRY_PORT /);
    expect(parseEnv({}).STALENESS_CHECK_INTERVAL_MS).toBe(21_600_000);
    expect(() => parseEnv({ STALENESS_CHECK_INTERVAL_MS: "10" })).toThrow(/^Invalid configuration: STALENESS_CHECK_INTERVAL_MS /);
  });
});
