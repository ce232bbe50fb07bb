import { afterEach, describe, expect, it, vi } from "vitest";
import { resetEnvCache } from "@/lib/env";
import { getIdentityConfig, SANDBOX_CLIENT_ID } from "./identity-config";

describe("identity configuration", () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    resetEnvCache();
  });

  it("points at the Entra tenant's v2.0 issuer with the registered client id", () => {
    vi.stubEnv("ENTRA_TENANT_ID", "72f988bf-86f1-41af-91ab-2d7cd011db47");
    vi.stubEnv("ENTRA_CLIENT_ID", "0f0e0d0c-0000-4000-8000-000000000001");
    vi.stubEnv("SESSION_SECRET", "s".repeat(40));
    vi.stubEnv("APP_URL", "https://feedgate.contoso.example");
    resetEnvCache();
    expect(getIdentityConfig()).toEqual({
      mode: "entra",
      issuer: "https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0",
      clientId: "0f0e0d0c-0000-4000-8000-000000000001",
      redirectUri: "https://feedgate.contoso.example/signin",
      authority: "https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47",
    });
  });

  it("without a tenant, uses the sandbox provider on PORT + 1 of the portal's host name", () => {
    vi.stubEnv("ENTRA_TENANT_ID", "");
    vi.stubEnv("PORT", "3000");
    vi.stubEnv("APP_URL", "http://devbox.local:3000");
    vi.stubEnv("SANDBOX_IDP_PORT", "");
    vi.stubEnv("SANDBOX_IDP_ISSUER", "");
    resetEnvCache();
    expect(getIdentityConfig()).toEqual({
      mode: "sandbox",
      issuer: "http://devbox.local:3001",
      clientId: SANDBOX_CLIENT_ID,
      redirectUri: "http://devbox.local:3000/signin",
      // MSAL requires an https authority; it is never fetched because MSAL gets the metadata.
      authority: "https://devbox.local:3001",
    });
  });
});
