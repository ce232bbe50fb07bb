import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type AddressInfo, type Server } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import type { AccessToken, TokenCredential } from "@azure/identity";
import type { FaultRuleInput } from "./core/faults";
import type { RecordedRequest } from "./core/recorder";
import { type RunningSandbox, type SandboxOptions, startSandbox } from "./main";

/** A TokenCredential that always returns the same bearer token (the sandbox accepts any). */
export class StaticTokenCredential implements TokenCredential {
  constructor(private readonly token = "sandbox-token") {}

  getToken(): Promise<AccessToken> {
    return Promise.resolve({ token: this.token, expiresOnTimestamp: Date.now() + 3600_000 });
  }
}

export type TestSandbox = RunningSandbox & { dataDir: string; stop: () => Promise<void> };

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
