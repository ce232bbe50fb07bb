import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ConfigError, parseEnv } from "@/lib/env";
import { createCredentialResolver, credentialRefProblem, CredentialReferenceError, parseCredentialRef, resolveCredentialRef } from "./credentials";

/** Never asked for a token in these tests (no vault answers); a stand-in for the Cloud's identity. */
const unusedCredential = { getToken: () => Promise.resolve({ token: "unused", expiresOnTimestamp: Date.now() + 3_600_000 }) };

const VERSION = "0123456789abcdef0123456789abcdef";

describe("parseCredentialRef", () => {
  it("reads env:, file: and Key Vault secret URIs", () => {
    expect(parseCredentialRef("env:NEXUS_ADMIN_PASSWORD")).toEqual({ kind: "env", name: "NEXUS_ADMIN_PASSWORD" });
    expect(parseCredentialRef("file:/run/secrets/nexus")).toEqual({ kind: "file", path: "/run/secrets/nexus" });
    expect(parseCredentialRef("https://kv-feedgate.vault.azure.net/secrets/nexus-admin")).toEqual({
      kind: "keyVault",
      vaultName: "kv-feedgate",
      suffix: "vault.azure.net",
      vaultUrl: "https://kv-feedgate.vault.azure.net",
      secretName: "nexus-admin",
      version: undefined,
    });
    expect(parseCredentialRef(`https://KV-Feedgate.vault.azure.net/secrets/Nexus-Admin/${VERSION.toUpperCase()}`)).toMatchObject({ vaultName: "kv-feedgate", vaultUrl: "https://kv-feedgate.vault.azure.net", secretName: "Nexus-Admin", version: VERSION });
  });

  it("accepts the sovereign clouds' vault suffixes", () => {
    expect(parseCredentialRef("https://abc.vault.azure.cn/secrets/pat")).toMatchObject({ vaultUrl: "https://abc.vault.azure.cn", suffix: "vault.azure.cn" });
    expect(parseCredentialRef(`https://abc.vault.usgovcloudapi.net/secrets/pat/${VERSION}`)).toMatchObject({ vaultUrl: "https://abc.vault.usgovcloudapi.net", version: VERSION });
  });

  it("accepts the limits of vault and secret names", () => {
    expect(parseCredentialRef(`https://${"a".repeat(24)}.vault.azure.net/secrets/${"s".repeat(127)}`)).toMatchObject({ kind: "keyVault" });
    expect(parseCredentialRef("https://abc.vault.azure.net/secrets/1")).toMatchObject({ secretName: "1" });
  });

  it.each([
    ["another host", "https://kv.example.com/secrets/x"],
    ["a host that only ends like a vault", "https://kv.vault.azure.net.evil.example/secrets/x"],
    ["a vault suffix without a vault name", "https://vault.azure.net/secrets/x"],
    ["a dotted vault name", "https://a.b.vault.azure.net/secrets/x"],
    ["http", "http://kv-feedgate.vault.azure.net/secrets/x"],
    ["a port", "https://kv-feedgate.vault.azure.net:444/secrets/x"],
    ["credentials in the URL", "https://user:pw@kv-feedgate.vault.azure.net/secrets/x"],
    ["a vault name too short", "https://kv.vault.azure.net/secrets/x"],
    ["a vault name too long", `https://${"a".repeat(25)}.vault.azure.net/secrets/x`],
    ["an underscore in the vault name", "https://kv_feedgate.vault.azure.net/secrets/x"],
    ["a secret name too long", `https://kv-feedgate.vault.azure.net/secrets/${"s".repeat(128)}`],
    ["an underscore in the secret name", "https://kv-feedgate.vault.azure.net/secrets/nexus_admin"],
    ["no secret name", "https://kv-feedgate.vault.azure.net/secrets/"],
    ["a key, not a secret", "https://kv-feedgate.vault.azure.net/keys/x"],
    ["a short version", "https://kv-feedgate.vault.azure.net/secrets/x/0123abcd"],
    ["a version that is not hex", `https://kv-feedgate.vault.azure.net/secrets/x/${"g".repeat(32)}`],
    ["a path after the version", `https://kv-feedgate.vault.azure.net/secrets/x/${VERSION}/more`],
    ["a trailing slash", "https://kv-feedgate.vault.azure.net/secrets/x/"],
    ["a query", "https://kv-feedgate.vault.azure.net/secrets/x?api-version=7.4"],
    ["a fragment", "https://kv-feedgate.vault.azure.net/secrets/x#y"],
    ["a keyvault: prefix", "keyvault:https://kv-feedgate.vault.azure.net/secrets/x"],
    ["an unknown scheme", "vault:secret"],
    ["no scheme", "hunter2"],
    ["nothing", ""],
    ["env: with a lower-case name", "env:nexus_password"],
    ["env: with no name", "env:"],
    ["file: with no path", "file:"],
  ])("refuses %s", (_what, ref) => {
    expect(() => parseCredentialRef(ref)).toThrow(CredentialReferenceError);
    expect(credentialRefProblem(ref)).toEqual(expect.any(String));
  });

  it.each([
    "https://kv-feedgate.vault.azure.net/secrets/x\n",
    "https://kv-feedgate.vault.azure.net/secrets/x\nhttps://evil.example/",
    "env:NEXUS_PASSWORD\n",
    "file:/run/secrets/nexus\n",
    "file:/run/secrets/a\rb",
    "env:A\u0000",
  ])("refuses a control character in %j", (ref) => {
    expect(() => parseCredentialRef(ref)).toThrow(/control character/);
  });

  it("refuses spaces around a reference", () => {
    expect(() => parseCredentialRef(" env:A")).toThrow(/spaces/);
  });

  it("names the accepted forms for an unknown scheme, and never echoes a whole unknown value", () => {
    expect(credentialRefProblem("hunter2-the-password")).toMatch(/env:NAME, file:\/path or https:\/\/<vault>\.vault\.azure\.net\/secrets\/<name>/);
    expect(credentialRefProblem("hunter2-the-password")).not.toContain("hunter2");
  });
});

describe("resolving references", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "feedgate-credentials-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("reads env: and file: references", async () => {
    const file = path.join(dir, "pw");
    writeFileSync(file, "s3cret\n");
    await expect(resolveCredentialRef("env:PW", { PW: "from-env" })).resolves.toBe("from-env");
    await expect(resolveCredentialRef(`file:${file}`)).resolves.toBe("s3cret");
    await expect(resolveCredentialRef("env:MISSING", {})).rejects.toThrow(/not set on the worker/);
    await expect(resolveCredentialRef(`file:${path.join(dir, "missing")}`)).rejects.toThrow(/cannot read/);
  });

  it("leaves Key Vault references to the Cloud's resolver", async () => {
    await expect(resolveCredentialRef("https://kv-feedgate.vault.azure.net/secrets/x")).rejects.toThrow(/resolved through the Cloud/);
    const resolve = createCredentialResolver({ credential: unusedCredential, env: { PW: "from-env" } });
    await expect(resolve("env:PW")).resolves.toBe("from-env");
  });

  it("says why a vault cannot be read, without more than the reference", async () => {
    // Nothing listens on port 9 of 127.0.0.1: a network failure, which the job runner retries.
    const resolve = createCredentialResolver({ credential: unusedCredential, vaultEndpoint: ({ vaultName }) => `https://127.0.0.1:9/${vaultName}`, disableChallengeResourceVerification: true });
    const error = await resolve("https://kv-feedgate.vault.azure.net/secrets/x").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(CredentialReferenceError);
    expect((error as Error).message).toMatch(/^Key Vault could not be read for https:\/\/kv-feedgate\.vault\.azure\.net\/secrets\/x/);
  });
});

describe("configuration", () => {
  it("accepts a Key Vault secret URI for NEXUS_CREDENTIAL_REF and AZURE_DEVOPS_CREDENTIAL_REF", () => {
    const env = parseEnv({ NEXUS_CREDENTIAL_REF: "https://kv-feedgate.vault.azure.net/secrets/nexus-admin", AZURE_DEVOPS_CREDENTIAL_REF: `https://kv-feedgate.vault.azure.net/secrets/ado-pat/${VERSION}` });
    expect(env.NEXUS_CREDENTIAL_REF).toBe("https://kv-feedgate.vault.azure.net/secrets/nexus-admin");
    expect(env.AZURE_DEVOPS_CREDENTIAL_REF).toBe(`https://kv-feedgate.vault.azure.net/secrets/ado-pat/${VERSION}`);
    expect(parseEnv({}).NEXUS_CREDENTIAL_REF).toBe("env:NEXUS_ADMIN_PASSWORD");
  });

  it.each([
    ["NEXUS_CREDENTIAL_REF", "https://kv.example.com/secrets/x"],
    ["AZURE_DEVOPS_CREDENTIAL_REF", "vault:ado"],
    ["AZURE_DEVOPS_CREDENTIAL_REF", "env:A\nB"],
  ])("refuses %s=%j naming the variable and the accepted forms", (variable, value) => {
    const error = (() => {
      try {
        parseEnv({ [variable]: value });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(new RegExp(`^Invalid configuration: ${variable} must be env:NAME, file:/path or https://<vault>\\.vault\\.azure\\.net/secrets/<name>\\[/<version>\\]`));
  });
});
