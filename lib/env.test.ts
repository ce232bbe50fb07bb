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

  it("never echoes a password from a database URL", () => {
    expect(() => parseEnv({ DATABASE_URL: "mysql://root:hunter2@db/x" })).toThrow(/mysql:\/\/root:\*\*\*@db\/x/);
  });
});
