import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listRecordedRequests, sandboxServicePrincipal, sandboxToken, startTestSandbox, type TestSandbox } from "../testing";
import { DEBIAN_PYTHON, hermeticPythonEnv } from "./real-pip";

const run = promisify(execFile);
const SUBSCRIPTION = "00000000-0000-4000-8000-00000000feed";
const SCRIPT = path.join(import.meta.dirname, "python", "azure_sdk_roundtrip.py");
const TEMPLATE = path.resolve(import.meta.dirname, "../../lib/infra/templates/network-isolated-workspace.json");

type RoundTrip = {
  credential: string;
  resourceGroup: { id: string; name: string; location: string; tags: Record<string, string>; provisioningState: string };
  resourceGroupExists: boolean;
  deployment: { name: string; provisioningState: string; outputs: Record<string, string>; pollerStatus: string };
  deploymentOperations: { provisioningState: string; resourceType: string | null; resourceName: string | null }[];
  workspace: { name: string; type: string; publicNetworkAccess: string; discoveryUrl: string };
  workspacesInGroup: string[];
  seededWorkspaces: [string, string][];
  container: { id: string; name: string; description: string; tags: Record<string, string> };
  createdVersions: { name: string; image: string; condaFile: string; osType: string }[];
  gotVersion: { id: string; name: string; description: string; image: string };
  gotContainer: { name: string; latestVersion: string | null; description: string };
  listedVersions: string[];
  listedContainers: string[];
};

/** Debian's Azure SDK for Python (python3-azure: azure-mgmt-resource 22, azure-mgmt-machinelearningservices 2.0.0b1) against the sandbox. */
describe("Debian's Azure SDK for Python against the sandbox", () => {
  let sandbox: TestSandbox;
  let home: string;
  let result: RoundTrip;
  let stderr: string;

  /** Runs the script with Debian's python, the sandbox's endpoints and `extra` in a hermetic environment; returns its JSON line. */
  const python = async <T>(extra: Record<string, string>): Promise<{ out: T; stderr: string }> => {
    const env = {
      ...hermeticPythonEnv(home),
      REQUESTS_CA_BUNDLE: sandbox.endpoints.caCertFile,
      SANDBOX_ARM: sandbox.endpoints.arm,
      SANDBOX_SCOPE: `${sandbox.endpoints.arm}/.default`,
      SANDBOX_SUBSCRIPTION: SUBSCRIPTION,
      SANDBOX_TEMPLATE: TEMPLATE,
      ...extra,
    };
    const r = await run(DEBIAN_PYTHON, ["-I", SCRIPT], { env, timeout: 240_000, maxBuffer: 16 * 1024 * 1024 }).catch((error: { stdout?: string; stderr?: string; message: string }) => {
      throw new Error(`python failed: ${error.message}\n${error.stdout ?? ""}\n${error.stderr ?? ""}`);
    });
    return { out: JSON.parse(r.stdout.trim().split("\n").pop() ?? "") as T, stderr: r.stderr };
  };

  beforeAll(async () => {
    sandbox = await startTestSandbox({ seedWorkspaces: true });
    home = mkdtempSync(path.join(tmpdir(), "h-python-sdk-"));
    // azure.identity's ClientSecretCredential signs in as the sandbox's service principal at its token endpoint.
    const sp = sandboxServicePrincipal(sandbox);
    ({ out: result, stderr } = await python<RoundTrip>({ SANDBOX_TENANT: sp.tenantId, SANDBOX_CLIENT_ID: sp.clientId, SANDBOX_CLIENT_SECRET: sp.clientSecret, SANDBOX_AUTHORITY: sandbox.endpoints.loginEndpoint }));
  }, 300_000);
  afterAll(async () => {
    if (home) rmSync(home, { recursive: true, force: true });
    await sandbox?.stop();
  });

  it("creates a resource group and deploys the network-isolated workspace template through the SDK's LRO poller", () => {
    expect(stderr).not.toMatch(/Traceback/);
    expect(result.resourceGroup).toEqual({ id: `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-python-sdk`, name: "rg-python-sdk", location: "westeurope", tags: { client: "python3-azure" }, provisioningState: "Succeeded" });
    expect(result.resourceGroupExists).toBe(true);
    expect(result.deployment).toMatchObject({ name: "python-sdk-workspace", provisioningState: "Succeeded", pollerStatus: "Succeeded" });
    expect(Object.keys(result.deployment.outputs).sort()).toEqual(["trainingSubnetId", "vnetName", "workspaceName"]);
    expect(result.deployment.outputs.trainingSubnetId).toMatch(new RegExp(`^/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-python-sdk/providers/Microsoft\\.Network/virtualNetworks/[^/]+/subnets/`, "i"));
    const types = result.deploymentOperations.map((o) => o.resourceType);
    for (const type of ["Microsoft.Resources/deployments", "Microsoft.KeyVault/vaults", "Microsoft.Storage/storageAccounts", "Microsoft.ContainerRegistry/registries", "Microsoft.Insights/components", "Microsoft.MachineLearningServices/workspaces", "Microsoft.Network/privateEndpoints"]) {
      expect(types).toContain(type);
    }
    expect(new Set(result.deploymentOperations.map((o) => o.provisioningState))).toEqual(new Set(["Succeeded"]));
  });

  it("reads the deployed workspace and lists the seeded ones with the Azure ML client", () => {
    expect(result.workspace).toMatchObject({ name: result.deployment.outputs.workspaceName, type: "Microsoft.MachineLearningServices/workspaces", publicNetworkAccess: "Disabled" });
    expect(result.workspace.discoveryUrl).toMatch(/^https:\/\//);
    expect(result.workspacesInGroup).toEqual([result.deployment.outputs.workspaceName]);
    expect(result.seededWorkspaces).toEqual([["mlw-nlp-nocompute", "Disabled"], ["mlw-sandbox-public", "Enabled"], ["mlw-vision-isolated", "Disabled"]]);
  });

  it("creates, reads and lists environment containers and versions, following nextLinks", () => {
    const ws = `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-python-sdk/providers/Microsoft.MachineLearningServices/workspaces/${result.deployment.outputs.workspaceName}`;
    expect(result.container).toEqual({ id: `${ws}/environments/python-sdk-env`, name: "python-sdk-env", description: "made by python3-azure", tags: { client: "python" } });
    expect(result.createdVersions.map((v) => v.name)).toEqual(["1", "2"]);
    expect(result.createdVersions[0]).toMatchObject({ image: "mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu20.04:latest", osType: "Linux" });
    expect(result.createdVersions[0]?.condaFile).toContain("tinycore==1.1.0");
    expect(result.gotVersion).toEqual({ id: `${ws}/environments/python-sdk-env/versions/2`, name: "2", description: "version 2", image: "mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu20.04:latest" });
    expect(result.gotContainer).toMatchObject({ name: "python-sdk-env", description: "made by python3-azure" });
    expect(result.listedVersions).toEqual(["1", "2"]);
    expect(result.listedContainers).toEqual(["python-sdk-env"]);
  });

  it("got its token from the sandbox's token endpoint with MSAL, without Azure's instance discovery", async () => {
    expect(result.credential).toBe("ClientSecretCredential");
    const sp = sandboxServicePrincipal(sandbox);
    const identity = await listRecordedRequests(sandbox.endpoints.arm, { service: "arm", pathRegex: "oauth2|well-known|discovery" });
    expect(identity.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual(expect.arrayContaining([`GET /${sp.tenantId}/v2.0/.well-known/openid-configuration 200`, `POST /${sp.tenantId}/oauth2/v2.0/token 200`]));
    expect(identity.some((r) => r.path.includes("/common/discovery/instance"))).toBe(false);
    // One token served the whole run (MSAL caches it), asked for the sandbox ARM's scope.
    const tokens = identity.filter((r) => r.path.endsWith("/oauth2/v2.0/token"));
    expect(tokens).toHaveLength(1);
    const form = Object.fromEntries(new URLSearchParams(String(tokens[0]?.body)));
    expect(form).toMatchObject({ grant_type: "client_credentials", client_id: sp.clientId, client_secret: "***" });
    expect(form.scope?.split(" ")).toContain(`${sandbox.endpoints.arm}/.default`);
  });

  it("takes a token handed to a minimal credential, and refuses one that is not the sandbox's with ARM's error", async () => {
    const passed = await python<{ credential: string; status: number; name?: string }>({ SANDBOX_PROBE: "rg-python-sdk", SANDBOX_TOKEN: await sandboxToken(sandbox) });
    expect(passed.out).toEqual({ credential: "PassedTokenCredential", status: 200, name: "rg-python-sdk", scopesAsked: [`${sandbox.endpoints.arm}/.default`] });
    const bogus = await python<{ credential: string; status: number; code: string; error: string }>({ SANDBOX_PROBE: "rg-python-sdk", SANDBOX_TOKEN: "not-a-sandbox-token" });
    expect(bogus.out).toMatchObject({ credential: "PassedTokenCredential", status: 401, error: "ClientAuthenticationError" });
    expect(bogus.out.code).toMatch(/^InvalidAuthenticationToken/);
  }, 300_000);

  it("sent the SDKs' own api-versions, user agents and the bearer token for the sandbox's scope", async () => {
    const requests = await listRecordedRequests(sandbox.endpoints.arm, { service: "arm" });
    const deploymentPut = requests.find((r) => r.method === "PUT" && /\/deployments\/python-sdk-workspace$/i.test(r.path));
    expect(deploymentPut?.query["api-version"]).toBe("2022-09-01");
    expect(deploymentPut?.headers["user-agent"]).toMatch(/azsdk-python-(azure-)?mgmt-resource\/22\.0\.0 Python\/3\.11/);
    const versionPuts = requests.filter((r) => r.method === "PUT" && /\/environments\/python-sdk-env\/versions\/[12]$/.test(r.path));
    expect(versionPuts).toHaveLength(2);
    for (const put of versionPuts) {
      expect(put.query["api-version"]).toBe("2022-10-01");
      expect(put.headers["user-agent"]).toMatch(/azsdk-python-(azure-)?mgmt-machinelearningservices\/2\.0\.0b1/);
    }
    const pages = requests.filter((r) => r.method === "GET" && /\/environments\/python-sdk-env\/versions$/.test(r.path));
    expect(pages.length).toBeGreaterThanOrEqual(2);
    expect(requests.every((r) => r.status < 500)).toBe(true);
    // Every ARM/Azure ML call carried a bearer token (the recorder masks its value); the sign-in calls had none.
    expect(new Set(requests.filter((r) => r.path.startsWith("/subscriptions/")).map((r) => r.headers.authorization))).toEqual(new Set(["Bearer ***"]));
  });
});
