import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type AddressInfo, type Server } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { readFileSync } from "node:fs";
import { ResourceManagementClient } from "@azure/arm-resources";
import { DeploymentsClient } from "@azure/arm-resourcesdeployments";
import { ClientSecretCredential, type AccessToken, type TokenCredential } from "@azure/identity";
import type { FaultRuleInput } from "./core/faults";
import type { RecordedRequest } from "./core/recorder";
import type { InstalledPackages } from "./aml/image-build";
import { type RunningSandbox, type SandboxOptions, startSandbox } from "./main";

/**
 * A TokenCredential that always returns the same bearer token: for the servers that accept any
 * (Key Vault, Artifacts, the AML data plane). ARM and Azure ML check tokens: use sandboxCredential.
 */
export class StaticTokenCredential implements TokenCredential {
  constructor(private readonly token = "sandbox-token") {}

  getToken(): Promise<AccessToken> {
    return Promise.resolve({ token: this.token, expiresOnTimestamp: Date.now() + 3600_000 });
  }
}

export type TestSandbox = RunningSandbox & { dataDir: string; stop: () => Promise<void> };

type SandboxLike = Pick<RunningSandbox, "endpoints">;

/** The seeded service principal of a sandbox (from its servicePrincipalFile, as a user would read it). */
export function sandboxServicePrincipal(sandbox: SandboxLike): { tenantId: string; clientId: string; clientSecret: string } {
  return JSON.parse(readFileSync(sandbox.endpoints.servicePrincipalFile, "utf8")) as { tenantId: string; clientId: string; clientSecret: string };
}

/**
 * @azure/identity's ClientSecretCredential signed in as the sandbox's service principal at its
 * token endpoint (the ARM server): real tokens that ARM and Azure ML accept.
 */
export function sandboxCredential(sandbox: SandboxLike): TokenCredential {
  const sp = sandboxServicePrincipal(sandbox);
  return new ClientSecretCredential(sp.tenantId, sp.clientId, sp.clientSecret, { authorityHost: sandbox.endpoints.loginEndpoint, disableInstanceDiscovery: true });
}

/** The ARM SDK clients (resource groups and resources; deployments) of one subscription, signed in with sandboxCredential. */
export function sandboxArmClients(sandbox: SandboxLike, subscriptionId: string): { resources: ResourceManagementClient; deployments: DeploymentsClient } {
  const credential = sandboxCredential(sandbox);
  const options = { endpoint: sandbox.endpoints.arm };
  return { resources: new ResourceManagementClient(credential, subscriptionId, options), deployments: new DeploymentsClient(credential, subscriptionId, options) };
}

/** A bearer token for raw requests to ARM/Azure ML (client credentials against the sandbox's v2.0 token endpoint). */
export async function sandboxToken(sandbox: SandboxLike, scope = `${sandbox.endpoints.arm}/.default`): Promise<string> {
  const sp = sandboxServicePrincipal(sandbox);
  const res = await fetch(`${sandbox.endpoints.loginEndpoint}/${sp.tenantId}/oauth2/v2.0/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "client_credentials", client_id: sp.clientId, client_secret: sp.clientSecret, scope }),
  });
  if (!res.ok) throw new Error(`sandbox token endpoint -> ${res.status}: ${await res.text()}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

/** `{ authorization: "Bearer <a real sandbox token>" }` for raw fetches to ARM/Azure ML. */
export async function sandboxAuthHeader(sandbox: SandboxLike): Promise<{ authorization: string }> {
  return { authorization: `Bearer ${await sandboxToken(sandbox)}` };
}

/**
 * Starts a sandbox on ephemeral ports in a temporary data dir, fast paced, in memory, sharing the
 * CA that the test global setup created (SANDBOX_CA_DIR) so that NODE_EXTRA_CA_CERTS already
 * trusts it. With `dataDir` (and usually `persistState` and fixed `ports`), it uses that folder and
 * leaves it in place on stop, so a second sandbox can start from it.
 */
export async function startTestSandbox(options: SandboxOptions = {}): Promise<TestSandbox> {
  const isOwnDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? mkdtempSync(path.join(tmpdir(), "feedgate-sandbox-"));
  const sandbox = await startSandbox({
    caDir: process.env.SANDBOX_CA_DIR,
    ...options,
    dataDir,
    pace: { armStepMs: 5, buildStepMs: 5, ...options.pace },
  });
  return {
    ...sandbox,
    dataDir,
    stop: async () => {
      await sandbox.close();
      if (isOwnDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Ports free right now on 127.0.0.1 (the OS hands out distinct ephemeral ones), for fixed-port tests. */
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: count }, () => new Promise<Server>((resolve, reject) => {
      const server = createServer();
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => resolve(server));
    })),
  );
  const ports = servers.map((s) => (s.address() as AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  return ports;
}

export type RequestFilter = { service?: string; method?: string; path?: string; pathRegex?: string; sinceSeq?: number };

/** Queries the sandbox's request record over its admin endpoint (any sandbox server answers). */
export async function listRecordedRequests(baseUrl: string, filter: RequestFilter = {}): Promise<RecordedRequest[]> {
  const url = new URL("/_sandbox/requests", baseUrl);
  for (const [k, v] of Object.entries(filter)) if (v !== undefined) url.searchParams.set(k, String(v));
  const res = await fetch(url);
  if (!res.ok) throw new Error(`GET ${url.toString()} -> ${res.status}`);
  const body = (await res.json()) as { value: RecordedRequest[] };
  return body.value;
}

/**
 * What the sandbox's simulated image build installed (its own record, not its log), by the build's
 * status location (`…/imageBuilds/{id}`, as EnvironmentBuild.statusLocation keeps it).
 */
export async function getInstalledPackages(sandbox: SandboxLike, statusLocation: string): Promise<InstalledPackages | null> {
  const id = /\/imageBuilds\/([^/?]+)/.exec(statusLocation)?.[1];
  if (!id) throw new Error(`Not an image build status location: ${statusLocation}`);
  const res = await fetch(new URL(`/sandbox/imageBuilds/${encodeURIComponent(id)}/installed`, sandbox.endpoints.amlDataPlane), { headers: await sandboxAuthHeader(sandbox) });
  if (!res.ok) throw new Error(`GET installed packages of image build ${id} -> ${res.status}`);
  const body = (await res.json()) as { installed: InstalledPackages | null };
  return body.installed;
}

export async function addFault(baseUrl: string, rule: FaultRuleInput): Promise<string> {
  const res = await fetch(new URL("/_sandbox/faults", baseUrl), { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(rule) });
  if (res.status !== 201) throw new Error(`POST /_sandbox/faults -> ${res.status}: ${await res.text()}`);
  const body = (await res.json()) as { value: { id: string }[] };
  return body.value[0]?.id ?? "";
}

export async function clearFaults(baseUrl: string): Promise<void> {
  await fetch(new URL("/_sandbox/faults", baseUrl), { method: "DELETE" });
}

export function basicAuth(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;
}

/** The standard body of a Nexus pypi/conda proxy create request. */
export function nexusProxyBody(name: string, remoteUrl: string, format: "pypi" | "conda" = "pypi"): Record<string, unknown> {
  return {
    name,
    online: true,
    storage: { blobStoreName: "default", strictContentTypeValidation: true },
    proxy: { remoteUrl, contentMaxAge: 1440, metadataMaxAge: 1440 },
    negativeCache: { enabled: true, timeToLive: 1440 },
    httpClient: { blocked: false, autoBlock: true },
    ...(format === "pypi" ? { pypi: { indexPath: "/simple" } } : {}),
  };
}
