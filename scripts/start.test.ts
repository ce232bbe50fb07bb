import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import path from "node:path";
import { describe, expect, it } from "vitest";

const require = createRequire(import.meta.url);
const root = path.resolve(import.meta.dirname, "..");

describe("npm start with bad configuration", () => {
  it("exits non-zero with one line that names DATABASE_URL and no stack trace", () => {
    const r = spawnSync(process.execPath, [require.resolve("tsx/cli"), "scripts/start.ts"], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: "mysql://x" },
      encoding: "utf8",
      timeout: 30_000,
    });
    expect(r.status).not.toBe(0);
    const lines = r.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain("DATABASE_URL");
    expect(r.stderr).not.toMatch(/\bat .+:\d+:\d+/);
    expect(r.stdout).not.toContain("applying database migrations");
  });
});
