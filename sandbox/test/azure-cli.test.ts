/**
 * The real Azure CLI (Debian's azure-cli 2.45, msal 1.21, msrestazure) against the sandbox started
 * as `npm run sandbox` starts it: a cloud registered from the ARM endpoint alone, a service
 * principal and a managed identity signing in at the sandbox's Entra, a resource group, a
 * deployment of Feedgate's own template, what-if, and the resource list. CI installs `az`
 * (scripts/ensure-tools.ts); without it this test fails rather than skips.
 */
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SandboxEndpoints } from "../main";
import { listRecordedRequests } from "../testing";
import { hermeticPythonEnv } from "./real-pip";

const run = promisify(execFile);
const SUB = "00000000-0000-4000-8000-00000000feed";
const TEMPLATE = path.resolve("lib/infra/templates/network-isolated-workspace.json");
const AZ_TIMEOUT_MS = 180_000;

type AzResult = { code: number; stdout: string; stderr: string };

describe("the Azure CLI against the sandbox (az 2.45, sandbox as a process)", () => {
  let dir: string;
  let child: ChildProcess | undefined;
  let endpoints: SandboxEndpoints;
  let sp: { tenantId: string; clientId: string; clientSecret: string };

  /** Runs az with its own config dir, trusting only the sandbox's CA; never throws (tests look at the code). */
  const az = async (args: string[], options: { configDir?: string; env?: Record<string, string> } = {}): Promise<AzResult> => {
    const home = path.join(dir, "home");
    const env = {
      ...hermeticPythonEnv(home),
      AZURE_CONFIG_DIR: path.join(dir, options.configDir ?? "az"),
      REQUESTS_CA_BUNDLE: endpoints.caCertFile,
      AZURE_CORE_COLLECT_TELEMETRY: "false",
      AZURE_CORE_ONLY_SHOW_ERRORS: "true",
      AZURE_CORE_NO_COLOR: "true",
      ...options.env,
    };
    return run("az", args, { env, timeout: AZ_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024 }).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (error: { code?: number | string; stdout?: string; stderr?: string; message: string }) => {
        if (error.code === "ENOENT") throw new Error("The Azure CLI (az) is not installed: run `npm run ensure-tools` (scripts/ensure-tools.ts) or apt-get install azure-cli");
        return { code: typeof error.code === "number" ? error.code : -1, stdout: error.stdout ?? "", stderr: error.stderr ?? error.message };
      },
    );
  };
  const azJson = async <T>(args: string[], options?: Parameters<typeof az>[1]): Promise<T> => {
    const result = await az([...args, "-o", "json"], options);
    if (result.code !== 0) throw new Error(`az ${args.join(" ")} exited ${result.code}: ${result.stderr}`);
    return JSON.parse(result.stdout) as T;
  };

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "feedgate-az-"));
    const dataDir = path.join(dir, "sandbox");
    mkdirSync(path.join(dir, "home"), { recursive: true });
    // The test run's CA (which NODE_EXTRA_CA_CERTS trusts), so this process can read the sandbox's request record.
    if (process.env.SANDBOX_CA_DIR) cpSync(path.join(process.env.SANDBOX_CA_DIR, "tls"), path.join(dataDir, "tls"), { recursive: true });
    const proc = spawn(process.execPath, ["--import", "tsx", "sandbox/main.ts"], {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, SANDBOX_DATA_DIR: dataDir, SANDBOX_PERSIST_STATE: "false" },
    });
    child = proc;
    let stderr = "";
    proc.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    endpoints = await new Promise<SandboxEndpoints>((resolve, reject) => {
      let out = "";
      const timer = setTimeout(() => reject(new Error(`the sandbox process printed no endpoints within 90 s: ${stderr}`)), 90_000);
      proc.stdout.on("data", (d: Buffer) => {
        out += d.toString();
        const line = out.split("\n")[0];
        if (out.includes("\n") && line) {
          clearTimeout(timer);
          resolve(JSON.parse(line) as SandboxEndpoints);
        }
      });
      proc.once("exit", (code) => reject(new Error(`the sandbox process exited with ${code}: ${stderr}`)));
    });
    sp = JSON.parse(readFileSync(endpoints.servicePrincipalFile, "utf8")) as typeof sp;
    // Deployments at test pace (the process defaults to 1.5 s per resource step).
    const pace = await fetch(`${endpoints.arm}/_sandbox/pace`, { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify({ armStepMs: 5 }) });
    expect(pace.status).toBe(200);
    const version = await az(["version", "-o", "json"]);
    expect(version.code, version.stderr).toBe(0);
  }, 150_000);

  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child?.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it("registers the sandbox from its ARM endpoint alone and signs in as its service principal", async () => {
    const register = await az(["cloud", "register", "-n", "FeedgateSandbox", "--endpoint-resource-manager", `${endpoints.arm}/`]);
    expect(register.code, register.stderr).toBe(0);
    expect((await az(["cloud", "set", "-n", "FeedgateSandbox"])).code).toBe(0);
    const cloud = await azJson<{ endpoints: Record<string, string | null> }>(["cloud", "show", "-n", "FeedgateSandbox"]);
    expect(cloud.endpoints).toMatchObject({ resourceManager: `${endpoints.arm}/`, activeDirectory: `${endpoints.arm}/adfs/`, activeDirectoryResourceId: "https://management.core.windows.net/" });

    const since = (await listRecordedRequests(endpoints.arm)).at(-1)?.seq ?? 0;
    const accounts = await azJson<Record<string, unknown>[]>(["login", "--service-principal", "-u", sp.clientId, "-p", sp.clientSecret, "--tenant", sp.tenantId]);
    expect(accounts).toEqual([expect.objectContaining({ id: SUB, tenantId: sp.tenantId, isDefault: true, cloudName: "FeedgateSandbox", user: { name: sp.clientId, type: "servicePrincipal" } })]);
    const calls = await listRecordedRequests(endpoints.arm, { sinceSeq: since });
    expect(calls.map((c) => `${c.method} ${c.path}`)).toEqual(expect.arrayContaining(["GET /adfs/.well-known/openid-configuration", "POST /adfs/oauth2/token", "GET /subscriptions"]));
    expect(calls.find((c) => c.path === "/subscriptions")?.headers.authorization).toBe("Bearer ***");
    expect(JSON.stringify(calls)).not.toContain(sp.clientSecret);
  }, AZ_TIMEOUT_MS);

  it("refuses a wrong client secret with Entra's error", async () => {
    expect((await az(["cloud", "register", "-n", "FeedgateSandbox", "--endpoint-resource-manager", `${endpoints.arm}/`], { configDir: "az-wrong" })).code).toBe(0);
    expect((await az(["cloud", "set", "-n", "FeedgateSandbox"], { configDir: "az-wrong" })).code).toBe(0);
    const wrong = await az(["login", "--service-principal", "-u", sp.clientId, "-p", "not-the-secret", "--tenant", sp.tenantId], { configDir: "az-wrong" });
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toMatch(/AADSTS7000215: Invalid client secret provided/);
  }, AZ_TIMEOUT_MS);

  it("creates a resource group, deploys Feedgate's network-isolated workspace template, previews it with what-if and lists what it made", async () => {
    const group = await azJson<Record<string, unknown>>(["group", "create", "-n", "rg-cli", "-l", "eastus"]);
    expect(group).toMatchObject({ id: `/subscriptions/${SUB}/resourceGroups/rg-cli`, location: "eastus", properties: { provisioningState: "Succeeded" } });

    const deployment = await azJson<{ properties: { provisioningState: string; outputs: Record<string, { value: string }> } }>(["deployment", "group", "create", "-g", "rg-cli", "-n", "ws", "-f", TEMPLATE, "-p", "prefix=cli"]);
    expect(deployment.properties.provisioningState).toBe("Succeeded");
    const workspace = deployment.properties.outputs.workspaceName?.value ?? "";
    const vnet = deployment.properties.outputs.vnetName?.value ?? "";
    expect(workspace).toMatch(/^mlw-cli-/);
    expect(deployment.properties.outputs.trainingSubnetId?.value).toBe(`/subscriptions/${SUB}/resourceGroups/rg-cli/providers/Microsoft.Network/virtualNetworks/${vnet}/subnets/snet-training`);

    // Deployed already, so the same template changes nothing.
    const whatIf = await azJson<{ status: string; changes: { resourceId: string; changeType: string }[] }>(["deployment", "group", "what-if", "-g", "rg-cli", "-f", TEMPLATE, "-p", "prefix=cli", "--no-pretty-print"]);
    expect(whatIf.status).toBe("Succeeded");
    expect(whatIf.changes.map((c) => c.resourceId)).toContain(`/subscriptions/${SUB}/resourceGroups/rg-cli/providers/Microsoft.MachineLearningServices/workspaces/${workspace}`);
    expect(new Set(whatIf.changes.map((c) => c.changeType))).toEqual(new Set(["NoChange"]));

    const resources = await azJson<{ id: string; name: string; type: string; resourceGroup?: string }[]>(["resource", "list", "-g", "rg-cli"]);
    const types = resources.map((r) => r.type);
    expect(types).toEqual(expect.arrayContaining(["Microsoft.MachineLearningServices/workspaces", "Microsoft.Network/virtualNetworks", "Microsoft.Storage/storageAccounts", "Microsoft.KeyVault/vaults"]));
    expect(resources.find((r) => r.type === "Microsoft.MachineLearningServices/workspaces")).toMatchObject({ name: workspace, resourceGroup: "rg-cli" });
    // Top-level resources only, as ARM lists them: no subnets.
    expect(types).not.toContain("Microsoft.Network/virtualNetworks/subnets");
  }, AZ_TIMEOUT_MS * 2);

  it("signs in with the sandbox's managed identity (az login --identity, App Service's MSI_ENDPOINT/MSI_SECRET)", async () => {
    const msi = { APPSETTING_WEBSITE_SITE_NAME: "feedgate-sandbox", MSI_ENDPOINT: endpoints.identityEndpoint, MSI_SECRET: readFileSync(endpoints.identityHeaderFile, "utf8") };
    const options = { configDir: "az-identity", env: msi };
    expect((await az(["cloud", "register", "-n", "FeedgateSandbox", "--endpoint-resource-manager", `${endpoints.arm}/`], options)).code).toBe(0);
    expect((await az(["cloud", "set", "-n", "FeedgateSandbox"], options)).code).toBe(0);
    const accounts = await azJson<Record<string, unknown>[]>(["login", "--identity"], options);
    expect(accounts).toEqual([expect.objectContaining({ id: SUB, tenantId: sp.tenantId, user: { assignedIdentityInfo: "MSI", name: "systemAssignedIdentity", type: "servicePrincipal" } })]);
    const group = await azJson<Record<string, unknown>>(["group", "show", "-n", "rg-cli"], options);
    expect(group).toMatchObject({ name: "rg-cli", location: "eastus" });
    const calls = await listRecordedRequests(endpoints.arm, { path: "/msi/token" });
    expect(calls.length).toBeGreaterThan(0);
    expect(calls.every((c) => c.query["api-version"] === "2017-09-01" && c.headers.secret === "***")).toBe(true);
  }, AZ_TIMEOUT_MS);
});
