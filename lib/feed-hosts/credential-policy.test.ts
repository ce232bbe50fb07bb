import { describe, expect, it } from "vitest";
import { CONFIG_VARIABLE_NAMES } from "@/lib/env";
import { credentialPolicyProblem } from "./credential-policy";

const policy = { envPrefixes: ["NEXUS_", "ADO_", "AZURE_DEVOPS_", "FEED_HOST_"], secretsDir: "/run/secrets/", ownVariables: new Set(CONFIG_VARIABLE_NAMES) };

describe("which credential references an Admin may give a feed host", () => {
  it("allows Key Vault secrets, approved env: prefixes and files inside the secrets folder", () => {
    for (const ref of ["https://kv-platform.vault.azure.net/secrets/nexus-admin", "env:NEXUS_ADMIN_PASSWORD", "env:ADO_PAT", "env:FEED_HOST_WEST", "file:/run/secrets/nexus"]) {
      expect(credentialPolicyProblem(ref, policy), ref).toBeUndefined();
    }
  });

  it("refuses the worker's own secrets: Feedgate's configuration, other variables, files elsewhere or climbing out", () => {
    expect(CONFIG_VARIABLE_NAMES).toEqual(expect.arrayContaining(["DATABASE_URL", "SESSION_SECRET", "NEXUS_CREDENTIAL_REF"]));
    expect(credentialPolicyProblem("env:DATABASE_URL", policy)).toMatch(/Feedgate's own configuration/);
    expect(credentialPolicyProblem("env:SESSION_SECRET", policy)).toMatch(/Feedgate's own configuration/);
    // A configuration variable with an approved prefix is still Feedgate's own.
    expect(credentialPolicyProblem("env:NEXUS_CREDENTIAL_REF", policy)).toMatch(/Feedgate's own configuration/);
    expect(credentialPolicyProblem("env:AZURE_CLIENT_SECRET", policy)).toMatch(/starting with NEXUS_, ADO_, AZURE_DEVOPS_, FEED_HOST_/);
    expect(credentialPolicyProblem("file:/proc/self/environ", policy)).toMatch(/inside \/run\/secrets\//);
    expect(credentialPolicyProblem("file:/run/secrets/../../etc/passwd", policy)).toMatch(/without "\.\."/);
    expect(credentialPolicyProblem("file:run/secrets/x", policy)).toBeDefined();
  });
});
