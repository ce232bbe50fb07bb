import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";

const require = createRequire(import.meta.url);
const root = path.resolve(import.meta.dirname, "..");

describe("npm start with bad configuration", () => {
  it.each([
    ["DATABASE_URL", "mysql://x"],
    ["TRUSTED_PROXIES", "10.0.0.0/8, the-load-balancer"],
  ])("exits non-zero with one line that names %s and no stack trace", (variable, value) => {
    const r = spawnSync(process.execPath, [require.resolve("tsx/cli"), "scripts/start.ts"], {
      cwd: root,
      env: { ...process.env, [variable]: value },
      encoding: "utf8",
      timeout: 30_000,
    });
    expect(r.status).not.toBe(0);
    const lines = r.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(variable);
    expect(r.stderr).not.toMatch(/\bat .+:\d+:\d+/);
    expect(r.stdout).not.toContain("applying database migrations");
  });
});

describe("npm start with a sandbox port taken", () => {
  it("exits non-zero with one line naming the port's variable, before starting anything", async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), "feedgate-start-port-"));
    const ports = await freePorts(7);
    const variables = ["SANDBOX_ARM_PORT", "SANDBOX_AML_PORT", "SANDBOX_AML_DATA_PLANE_PORT", "SANDBOX_NEXUS_PORT", "SANDBOX_ARTIFACTS_PORT", "SANDBOX_BLOB_PORT", "SANDBOX_CONTAINER_REGISTRY_PORT"];
    const holder = createServer();
    const taken = ports[3] ?? 0;
    await new Promise<void>((resolve) => holder.listen(taken, "127.0.0.1", resolve));
    try {
      const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, ...Object.fromEntries(variables.map((v, i) => [v, String(ports[i])])) };
      delete env.AZURE_SUBSCRIPTION_ID;
      delete env.DATABASE_URL;
      const r = await runStart(env);
      expect(r.status).not.toBe(0);
      const lines = r.stderr.trim().split("\n");
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain("SANDBOX_NEXUS_PORT");
      expect(lines[0]).toContain(`port ${taken} is already in use`);
      expect(r.stdout).not.toContain("sandbox cloud");
      expect(r.stdout).not.toContain("applying database migrations");
    } finally {
      holder.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

/** Async, so that this process keeps serving the held port while npm start probes it. */
function runStart(env: NodeJS.ProcessEnv): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [require.resolve("tsx/cli"), "scripts/start.ts"], { cwd: root, env });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
    child.on("exit", (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

function freePorts(count: number): Promise<number[]> {
  return Promise.all(
    Array.from({ length: count }, () => new Promise<ReturnType<typeof createServer>>((resolve) => {
      const s = createServer();
      s.listen(0, "127.0.0.1", () => resolve(s));
    })),
  ).then(async (servers) => {
    const ports = servers.map((s) => (s.address() as AddressInfo).port);
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
    return ports;
  });
}
