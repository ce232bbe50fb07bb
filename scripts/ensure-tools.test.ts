import { spawnSync } from "node:child_process";
import { mkdtempSync, symlinkSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";

const require = createRequire(import.meta.url);
const root = path.resolve(import.meta.dirname, "..");
const run = (env: Record<string, string>) =>
  spawnSync(process.execPath, [require.resolve("tsx/cli"), "scripts/ensure-tools.ts"], { cwd: root, env: { ...process.env, ...env }, encoding: "utf8" });

describe("npm test's tool check", () => {
  it("passes when Chromium and shellcheck are there", () => {
    const r = run({});
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
  });

  it("stops with one line naming what to install when it cannot install it itself", () => {
    // A PATH with node alone (no apt-get, no shellcheck), and a Chromium that is not there.
    const bin = mkdtempSync(path.join(tmpdir(), "feedgate-bare-path-"));
    symlinkSync(process.execPath, path.join(bin, "node"));
    const r = run({ CHROMIUM_PATH: "/nonexistent/chromium", PATH: bin });
    expect(r.status).toBe(1);
    const lines = r.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^npm test needs Chromium \(\/nonexistent\/chromium\)( and shellcheck)?: run `sudo apt-get install -y chromium( shellcheck)?` \(or set CHROMIUM_PATH to a Chromium binary\), then npm test again\.$/);
  });
});
