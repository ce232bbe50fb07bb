/**
 * "Test connection" against the sandbox cloud: its Nexus, its Key Vault and its Azure Artifacts.
 * Whatever fails, the sandbox Nexus' real admin password must appear in no detail.
 */
import { createServer, type AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Cloud } from "@/lib/cloud/cloud";
import { loadSandboxCloud } from "@/lib/cloud/load-cloud";
import { listRecordedRequests, SANDBOX_NEXUS_SECRET_URI, startTestSandbox, type TestSandbox } from "@/testing/sandbox";
import { testFeedHostConnection, type FeedHostCheckResult, type FeedHostToTest } from "./test-connection";

const WRONG_ENV = "FEEDGATE_TEST_WRONG_NEXUS_PASSWORD";
const MISSING_SECRET_REF = "https://kv-feedgate-sandbox.vault.azure.net/secrets/no-such-secret";

describe("testFeedHostConnection against the sandbox", () => {
  let sandbox: TestSandbox;
  let cloud: Cloud;
  let nexus: FeedHostToTest;
  const results: FeedHostCheckResult[] = [];
  const run = async (host: FeedHostToTest) => {
    const result = await testFeedHostConnection(cloud, host);
    results.push(result);
    return result;
  };
  const check = (result: FeedHostCheckResult, name: string) => result.checks.find((c) => c.name === name);

  beforeAll(async () => {
    sandbox = await startTestSandbox();
    cloud = loadSandboxCloud(sandbox.endpoints);
    nexus = { kind: "nexus", baseUrl: sandbox.endpoints.nexus, credentialRef: SANDBOX_NEXUS_SECRET_URI, organization: null, project: null, caCertificate: null };
    process.env[WRONG_ENV] = "definitely-not-the-password";
  });
  afterAll(async () => {
    delete process.env[WRONG_ENV];
    await sandbox?.stop();
  });

  it("passes every check for the sandbox Nexus with its Key Vault reference, reading the secret once", async () => {
    const since = (await listRecordedRequests(sandbox.endpoints.keyVault)).at(-1)?.seq ?? 0;
    const result = await run(nexus);
    expect(result.checks.map((c) => [c.name, c.ok])).toEqual([
      ["reachable", true],
      ["credentials", true],
      ["version", true],
    ]);
    expect(result.ok).toBe(true);
    expect(result.version).toBe("3.94.0-02 (OSS)");
    expect(check(result, "version")?.detail).toBe("Nexus 3.94.0-02 (OSS)");
    expect(check(result, "credentials")?.detail).toContain(SANDBOX_NEXUS_SECRET_URI);
    // One resolution serves the Nexus client and the scrub (a challenge 401 before it does not count).
    const reads = await listRecordedRequests(sandbox.endpoints.keyVault, { service: "keyVault", method: "GET", sinceSeq: since });
    expect(reads.filter((r) => r.status === 200).map((r) => r.path)).toEqual(["/kv-feedgate-sandbox/secrets/nexus-admin-password/"]);
  });

  it("fails the credentials check, naming the reference, for a Key Vault secret that does not exist", async () => {
    const result = await run({ ...nexus, credentialRef: MISSING_SECRET_REF });
    expect(result.ok).toBe(false);
    expect(check(result, "reachable")?.ok).toBe(true);
    expect(check(result, "credentials")).toMatchObject({ ok: false, detail: expect.stringContaining(MISSING_SECRET_REF) });
    expect(check(result, "credentials")?.detail).toMatch(/does not exist \(404/);
  });

  it("fails the credentials check for a wrong password from an env: reference", async () => {
    const result = await run({ ...nexus, credentialRef: `env:${WRONG_ENV}` });
    expect(result.ok).toBe(false);
    expect(check(result, "reachable")?.ok).toBe(true);
    expect(check(result, "credentials")).toMatchObject({ ok: false, detail: expect.stringContaining("401") });
    expect(JSON.stringify(result)).not.toContain("definitely-not-the-password");
  });

  it("fails the reachable check for a URL nobody answers", async () => {
    const result = await run({ ...nexus, baseUrl: "https://127.0.0.1:1" });
    expect(result.ok).toBe(false);
    expect(check(result, "reachable")).toMatchObject({ ok: false, detail: expect.stringContaining("https://127.0.0.1:1") });
    expect(check(result, "credentials")?.ok).toBe(false);
    // Port 1 is one fetch refuses outright ("bad port"); a closed ephemeral port is a refused connection.
    const closed = await closedPort();
    const refused = await run({ ...nexus, baseUrl: `https://127.0.0.1:${closed}` });
    expect(check(refused, "reachable")).toMatchObject({ ok: false, detail: expect.stringContaining("ECONNREFUSED") });
  });

  it("passes for the sandbox's Azure Artifacts with its PAT, and fails the credentials check with a wrong one", async () => {
    const host = cloud.artifactsHost();
    const artifacts: FeedHostToTest = { kind: "artifacts", baseUrl: host.baseUrl, credentialRef: host.credentialRef, organization: "contoso", project: "vision", caCertificate: null };
    const good = await run(artifacts);
    expect(good.checks.map((c) => [c.name, c.ok])).toEqual([
      ["reachable", true],
      ["credentials", true],
    ]);
    const bad = await run({ ...artifacts, credentialRef: `env:${WRONG_ENV}` });
    expect(check(bad, "credentials")).toMatchObject({ ok: false, detail: expect.stringContaining(`env:${WRONG_ENV}`) });
    expect(JSON.stringify([good, bad])).not.toContain(sandbox.artifactsPat);
  });

  it("never puts the real password into a detail", () => {
    expect(results.length).toBeGreaterThanOrEqual(5);
    for (const result of results) for (const c of result.checks) expect(c.detail).not.toContain(sandbox.nexusAdminPassword);
    expect(JSON.stringify(results)).not.toContain(sandbox.nexusAdminPassword);
  });
});

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
