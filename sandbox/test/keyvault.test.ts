import { rmSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { SecretClient } from "@azure/keyvault-secrets";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_TENANT_ID } from "@/prisma/demo-data";
import { listRecordedRequests, StaticTokenCredential, startTestSandbox, type TestSandbox } from "../testing";

/** The SDK, pointed at the sandbox's vault `name`, as Feedgate's sandbox Cloud does. */
function clientFor(sandbox: TestSandbox, vault: string, credential = new StaticTokenCredential()): SecretClient {
  return new SecretClient(`${sandbox.endpoints.keyVault}/${vault}`, credential, { disableChallengeResourceVerification: true, retryOptions: { maxRetries: 0 } });
}

describe("Key Vault secrets imitation", () => {
  let sandbox: TestSandbox;
  beforeAll(async () => {
    sandbox = await startTestSandbox();
  });
  afterAll(async () => sandbox?.stop());

  it("sets a secret and gets the latest version or a named one through @azure/keyvault-secrets", async () => {
    const tokens: { scopes: string | string[]; tenantId?: string }[] = [];
    const credential = new StaticTokenCredential();
    const recordingCredential = {
      getToken: (scopes: string | string[], options?: { tenantId?: string }) => {
        tokens.push({ scopes, tenantId: options?.tenantId });
        return credential.getToken();
      },
    };
    const client = new SecretClient(`${sandbox.endpoints.keyVault}/kv-feedgate`, recordingCredential, { disableChallengeResourceVerification: true });
    const first = await client.setSecret("nexus-admin", "first-value", { contentType: "text/plain", tags: { owner: "platform" } });
    expect(first).toMatchObject({ name: "nexus-admin", value: "first-value", properties: { vaultUrl: "https://kv-feedgate.vault.azure.net", contentType: "text/plain", enabled: true, tags: { owner: "platform" } } });
    expect(first.properties.version).toMatch(/^[0-9a-f]{32}$/);
    expect(first.properties.id).toBe(`https://kv-feedgate.vault.azure.net/secrets/nexus-admin/${first.properties.version}`);
    expect(first.properties.createdOn).toBeInstanceOf(Date);
    const second = await client.setSecret("nexus-admin", "second-value");

    expect(await client.getSecret("nexus-admin")).toMatchObject({ value: "second-value", properties: { version: second.properties.version } });
    expect(await client.getSecret("nexus-admin", { version: first.properties.version })).toMatchObject({ value: "first-value" });
    // Secret names are case-insensitive in Key Vault; the id keeps the name as it was set.
    expect((await client.getSecret("NEXUS-ADMIN")).properties.id).toContain("/secrets/nexus-admin/");
    // The challenge told the SDK which resource to ask a token for, and which tenant.
    expect(tokens[0]).toEqual({ scopes: ["https://vault.azure.net/.default"], tenantId: DEMO_TENANT_ID });

    // Vaults are separate.
    await expect(clientFor(sandbox, "kv-other").getSecret("nexus-admin")).rejects.toMatchObject({ statusCode: 404, code: "SecretNotFound" });
  });

  it("answers a missing secret or version with Key Vault's 404 SecretNotFound", async () => {
    const client = clientFor(sandbox, "kv-feedgate");
    const missing = await client.getSecret("no-such-secret").catch((e: unknown) => e);
    expect(missing).toMatchObject({ statusCode: 404, code: "SecretNotFound" });
    expect((missing as Error).message).toMatch(/^A secret with \(name\/id\) no-such-secret was not found in this key vault/);
    await client.setSecret("has-versions", "v");
    await expect(client.getSecret("has-versions", { version: "0123456789abcdef0123456789abcdef" })).rejects.toMatchObject({ statusCode: 404, code: "SecretNotFound", message: expect.stringContaining("has-versions/0123456789abcdef0123456789abcdef") });
  });

  it("refuses a disabled secret with 403", async () => {
    const client = clientFor(sandbox, "kv-feedgate");
    await client.setSecret("disabled-one", "v", { enabled: false });
    await expect(client.getSecret("disabled-one")).rejects.toMatchObject({ statusCode: 403, code: "Forbidden" });
  });

  it("challenges a request without a token with 401 and Key Vault's WWW-Authenticate", async () => {
    const res = await fetch(`${sandbox.endpoints.keyVault}/kv-feedgate/secrets/nexus-admin?api-version=7.4`);
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toBe(`Bearer authorization="https://login.microsoftonline.com/${DEMO_TENANT_ID}", resource="https://vault.azure.net"`);
    expect(await res.json()).toEqual({ error: { code: "Unauthorized", message: "AKV10000: Request is missing a Bearer or PoP token." } });
    // Raw REST with a token, an older api-version: the SecretBundle shape.
    const authed = await fetch(`${sandbox.endpoints.keyVault}/kv-feedgate/secrets/nexus-admin?api-version=7.4`, { headers: { authorization: "Bearer t" } });
    expect(authed.status).toBe(200);
    const bundle = (await authed.json()) as Record<string, unknown>;
    expect(Object.keys(bundle).sort()).toEqual(["attributes", "id", "tags", "value"]);
    expect(bundle).toMatchObject({ value: "second-value", id: expect.stringMatching(/^https:\/\/kv-feedgate\.vault\.azure\.net\/secrets\/nexus-admin\/[0-9a-f]{32}$/), attributes: { enabled: true, created: expect.any(Number), updated: expect.any(Number), recoveryLevel: "Recoverable+Purgeable" } });
  });

  it("checks api-version and names, as Key Vault does, with its error shape", async () => {
    const get = (p: string) => fetch(`${sandbox.endpoints.keyVault}${p}`, { headers: { authorization: "Bearer t" } });
    expect((await get("/kv-feedgate/secrets/nexus-admin")).status).toBe(400);
    const banana = await get("/kv-feedgate/secrets/nexus-admin?api-version=banana");
    expect(banana.status).toBe(400);
    expect(await banana.json()).toMatchObject({ error: { code: "BadParameter" } });
    expect((await get("/kv-feedgate/secrets/bad_name?api-version=7.4")).status).toBe(400);
    expect((await get("/kv-feedgate/secrets/nexus-admin/not-a-version?api-version=7.4")).status).toBe(400);
  });

  it("records requests without the secret value", async () => {
    await clientFor(sandbox, "kv-feedgate").setSecret("recorded", "never-in-the-record");
    const puts = await listRecordedRequests(sandbox.endpoints.keyVault, { service: "keyVault", method: "PUT" });
    expect(puts.length).toBeGreaterThan(0);
    expect(JSON.stringify(puts)).not.toContain("never-in-the-record");
    // The record is shared: any sandbox server answers for the Key Vault's requests too.
    expect((await listRecordedRequests(sandbox.endpoints.nexus, { service: "keyVault" })).length).toBeGreaterThan(0);
  });
});

describe("Key Vault secrets across a restart", () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), "feedgate-keyvault-"));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it("keeps vaults, secrets and their versions in state.json, and the vault's port", async () => {
    const first = await startTestSandbox({ dataDir, persistState: true, snapshotDebounceMs: 20 });
    let version: string | undefined;
    const endpoint = first.endpoints.keyVault;
    try {
      version = (await clientFor(first, "kv-persist").setSecret("pat", "kept-value")).properties.version;
    } finally {
      await first.stop();
    }
    const second = await startTestSandbox({ dataDir, persistState: true, snapshotDebounceMs: 20 });
    try {
      expect(second.endpoints.keyVault).toBe(endpoint);
      expect(await clientFor(second, "kv-persist").getSecret("pat", { version })).toMatchObject({ value: "kept-value" });
    } finally {
      await second.stop();
    }
  });
});
