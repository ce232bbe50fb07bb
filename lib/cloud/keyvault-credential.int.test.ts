/**
 * A Nexus host whose credential reference is a Key Vault secret URI, end to end in the sandbox:
 * the password lives only in the sandbox's Key Vault, the database holds the URI, and the Cloud
 * resolves it through @azure/keyvault-secrets (challenge, token, GET) to reach Nexus.
 */
import { SecretClient } from "@azure/keyvault-secrets";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Cloud } from "@/lib/cloud/cloud";
import { loadSandboxCloud } from "@/lib/cloud/load-cloud";
import { CredentialReferenceError } from "@/lib/cloud/credentials";
import { DEMO_NEXUS_HOST } from "@/prisma/demo-data";
import { seedDemoData } from "@/prisma/seed";

import { listRecordedRequests, SANDBOX_NEXUS_SECRET_URI, sandboxCredential, startTestSandbox, type TestSandbox } from "@/testing/sandbox";
import { createTestDatabase, type TestDatabase } from "@/testing/test-database";

const NEXUS_SECRET_REF = "https://kv-feedgate-int.vault.azure.net/secrets/nexus-admin-password";

describe("a Nexus host with a Key Vault credential reference", () => {
  let sandbox: TestSandbox;
  let t: TestDatabase;
  let cloud: Cloud;
  let versionOne = "";

  beforeAll(async () => {
    sandbox = await startTestSandbox();
    t = await createTestDatabase("sqlite");
    // The vault holds a stale password first, then the real one: the latest version must win.
    const vault = new SecretClient(`${sandbox.endpoints.keyVault}/kv-feedgate-int`, sandboxCredential(sandbox), { disableChallengeResourceVerification: true });
    versionOne = (await vault.setSecret("nexus-admin-password", "an-old-password")).properties.version ?? "";
    await vault.setSecret("nexus-admin-password", sandbox.nexusAdminPassword);
    await seedDemoData(t.db, { nexusBaseUrl: sandbox.endpoints.nexus, nexusCredentialRef: NEXUS_SECRET_REF });
    cloud = loadSandboxCloud(sandbox.endpoints);
  });
  afterAll(async () => {
    await t?.drop();
    await sandbox?.stop();
  });

  it("lists and creates repositories through cloud.nexusFor with the host as the database holds it", async () => {
    const host = await t.db.feedHost.findUniqueOrThrow({ where: { name: DEMO_NEXUS_HOST.name } });
    expect(host.credentialRef).toBe(NEXUS_SECRET_REF);
    const since = (await listRecordedRequests(sandbox.endpoints.nexus)).at(-1)?.seq ?? 0;

    const nexus = await cloud.nexusFor(host);
    const { created } = await nexus.ensureProxy({ name: "kv-int-pypi", format: "pypi", remoteUrl: "https://pypi.org/" });
    expect(created).toBe(true);
    expect((await nexus.listRepositories()).map((r) => r.name)).toContain("kv-int-pypi");

    // The SDK's challenge flow: one request without a token (401), then the same with one.
    const vaultCalls = await listRecordedRequests(sandbox.endpoints.keyVault, { service: "keyVault", method: "GET", sinceSeq: since });
    expect(vaultCalls.map((r) => [r.path, r.status])).toEqual([
      ["/kv-feedgate-int/secrets/nexus-admin-password/", 401],
      ["/kv-feedgate-int/secrets/nexus-admin-password/", 200],
    ]);
  });

  it("refuses with a person-readable error, and no secret, when the reference names the wrong version or secret", async () => {
    const host = await t.db.feedHost.findUniqueOrThrow({ where: { name: DEMO_NEXUS_HOST.name } });
    // The old version resolves, but Nexus refuses it: the credential really came from the vault.
    const stale = await cloud.nexusFor({ ...host, credentialRef: `${NEXUS_SECRET_REF}/${versionOne}` });
    await expect(stale.listRepositories()).rejects.toMatchObject({ details: { service: "nexus", status: 401 } });

    const missing = await cloud.nexusFor({ ...host, credentialRef: "https://kv-feedgate-int.vault.azure.net/secrets/no-such-secret" }).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(CredentialReferenceError);
    expect((missing as Error).message).toBe("The credential reference https://kv-feedgate-int.vault.azure.net/secrets/no-such-secret names a Key Vault secret (or version) that does not exist (404 SecretNotFound).");
    await expect(cloud.nexusFor({ ...host, credentialRef: "https://kv-feedgate-int.example.com/secrets/x" })).rejects.toBeInstanceOf(CredentialReferenceError);
  });

  it("starts with the sandbox Nexus' admin password in its own vault, so an admin can type one URI", async () => {
    const host = await t.db.feedHost.findUniqueOrThrow({ where: { name: DEMO_NEXUS_HOST.name } });
    expect(await cloud.resolveCredentialRef(SANDBOX_NEXUS_SECRET_URI)).toBe(sandbox.nexusAdminPassword);
    const nexus = await cloud.nexusFor({ ...host, credentialRef: SANDBOX_NEXUS_SECRET_URI });
    expect(Array.isArray(await nexus.listRepositories())).toBe(true);
  });

  it("keeps the password out of the database", async () => {
    const rows = await t.db.feedHost.findMany();
    expect(JSON.stringify(rows)).not.toContain(sandbox.nexusAdminPassword);
  });
});
