import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { missingToolsMessage, requiredTools } from "./ensure-tools";

const require = createRequire(import.meta.url);
const root = path.resolve(import.meta.dirname, "..");
const run = (env: Record<string, string>) =>
  spawnSync(process.execPath, [require.resolve("tsx/cli"), "scripts/ensure-tools.ts"], { cwd: root, env: { ...process.env, ...env }, encoding: "utf8" });

describe("npm test's tool check", () => {
  it("passes when Chromium, shellcheck, the Azure CLI and Debian's Python with the Azure SDK, pip and venv are there", () => {
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

  it("checks each Python package on its own: an interpreter that lacks only one names only its package", () => {
    const present = (tools: ReturnType<typeof requiredTools>) => Object.fromEntries(tools.map((t) => [t.debianPackage, t.isPresent()]));
    expect(present(requiredTools())).toMatchObject({ "azure-cli": true, "python3-azure": true, "python3-pip": true, "python3-venv": true });
    const dir = mkdtempSync(path.join(tmpdir(), "feedgate-fake-python-"));
    // Debian's python3, except that what `pattern` matches in its arguments fails as a missing module would.
    const pythonFailing = (name: string, pattern: string) => {
      const file = path.join(dir, name);
      writeFileSync(file, `#!/bin/sh\ncase "$*" in *"${pattern}"*) echo "No module named ${pattern}" >&2; exit 1;; esac\nexec /usr/bin/python3 "$@"\n`);
      chmodSync(file, 0o755);
      return file;
    };
    const cases = [["azure.mgmt.machinelearningservices", "python3-azure"], ["-m pip", "python3-pip"], ["ensurepip", "python3-venv"]] as const;
    for (const [pattern, pkg] of cases) {
      const status = present(requiredTools({ python: pythonFailing(pkg, pattern) }));
      expect(Object.entries(status).filter(([, ok]) => !ok).map(([p]) => p), pattern).toEqual([pkg]);
    }
    const none = requiredTools({ chromium: "/nonexistent/chromium", python: "/nonexistent/python3", az: "/nonexistent/az" });
    const missing = none.filter((t) => !t.isPresent());
    expect(missing.map((t) => t.debianPackage)).toEqual(["chromium", "azure-cli", "python3-azure", "python3-pip", "python3-venv"]);
    expect(missingToolsMessage(missing)).toBe(
      "npm test needs Chromium (/nonexistent/chromium), the Azure CLI (/nonexistent/az), the Azure SDK for /nonexistent/python3, pip for /nonexistent/python3 and venv for /nonexistent/python3: " +
        "run `sudo apt-get install -y chromium azure-cli python3-azure python3-pip python3-venv` (or set CHROMIUM_PATH to a Chromium binary), then npm test again.",
    );
  });
});
