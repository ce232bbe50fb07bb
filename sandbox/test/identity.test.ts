import { readFileSync } from "node:fs";
import { ResourceManagementClient } from "@azure/arm-resources";
import { ClientSecretCredential, DefaultAzureCredential } from "@azure/identity";
import { SignJWT, decodeJwt, generateKeyPair } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_TENANT_ID } from "@/prisma/demo-data";
import { listRecordedRequests, sandboxCredential, sandboxServicePrincipal, sandboxToken, startTestSandbox, type TestSandbox } from "../testing";

const SUB = "00000000-0000-4000-8000-00000000feed";

describe("the sandbox's Entra for machines: tokens, managed identity, and ARM's check of them", () => {
  let sandbox: TestSandbox;
  let sp: { tenantId: string; clientId: string; clientSecret: string };
  const form = (fields: Record<string, string>) => ({ method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams(fields) });
  const armGet = (token: string | undefined, base = sandbox.endpoints.arm) => fetch(`${base}/subscriptions/${SUB}/resourcegroups?api-version=2021-04-01`, { headers: token === undefined ? {} : { authorization: `Bearer ${token}` } });

  beforeAll(async () => {
    sandbox = await startTestSandbox();
    sp = sandboxServicePrincipal(sandbox);
  });
  afterAll(async () => sandbox?.stop());

  it("names the service principal and the managed identity in endpoints.json, in files only the owner can read", () => {
    expect(sandbox.endpoints).toMatchObject({ tenantId: DEMO_TENANT_ID, loginEndpoint: sandbox.endpoints.arm, identityEndpoint: `${sandbox.endpoints.arm}/msi/token` });
    expect(sp).toEqual({ tenantId: DEMO_TENANT_ID, clientId: expect.stringMatching(/^[0-9a-f-]{36}$/), clientSecret: expect.any(String) });
    expect(readFileSync(sandbox.endpoints.identityHeaderFile, "utf8")).toBe(sandbox.identity.managedIdentity.header);
  });

  it("signs a service principal in with client credentials (v2.0, through @azure/identity) and issues an Entra-shaped token that ARM accepts", async () => {
    const credential = new ClientSecretCredential(sp.tenantId, sp.clientId, sp.clientSecret, { authorityHost: sandbox.endpoints.loginEndpoint, disableInstanceDiscovery: true });
    const token = await credential.getToken("https://management.azure.com/.default");
    const claims = decodeJwt(token.token);
    expect(claims).toMatchObject({ aud: "https://management.azure.com/", iss: `https://sts.windows.net/${DEMO_TENANT_ID}/`, tid: DEMO_TENANT_ID, appid: sp.clientId, oid: expect.any(String), idtyp: "app" });
    expect((claims.exp ?? 0) * 1000).toBeGreaterThan(Date.now() + 50 * 60_000);
    expect(token.expiresOnTimestamp).toBeGreaterThan(Date.now() + 50 * 60_000);
    expect((await armGet(token.token)).status).toBe(200);
    // The SDKs' own scope for the sandbox (its ARM URL) works on both ARM servers.
    const client = new ResourceManagementClient(sandboxCredential(sandbox), SUB, { endpoint: sandbox.endpoints.aml });
    await expect(client.resourceGroups.createOrUpdate("rg-identity", { location: "eastus" })).resolves.toMatchObject({ name: "rg-identity" });
    // The secret never reaches the request record.
    const recorded = await listRecordedRequests(sandbox.endpoints.arm, { path: "/oauth2/v2.0/token" });
    expect(recorded.length).toBeGreaterThan(0);
    expect(JSON.stringify(recorded)).not.toContain(sp.clientSecret);
  });

  it("serves the v1 endpoint (resource=) and the CLI's scope, whose resource keeps its slash", async () => {
    const v1 = await fetch(`${sandbox.endpoints.arm}/${DEMO_TENANT_ID}/oauth2/token`, form({ grant_type: "client_credentials", client_id: sp.clientId, client_secret: sp.clientSecret, resource: "https://management.core.windows.net/" }));
    expect(v1.status).toBe(200);
    const body = (await v1.json()) as Record<string, string>;
    expect(body).toMatchObject({ token_type: "Bearer", resource: "https://management.core.windows.net/", expires_in: "3600", expires_on: expect.stringMatching(/^\d+$/) });
    expect(decodeJwt(body.access_token ?? "").aud).toBe("https://management.core.windows.net/");
    const cli = await sandboxToken(sandbox, "https://management.core.windows.net//.default");
    expect(decodeJwt(cli).aud).toBe("https://management.core.windows.net/");
    expect((await armGet(cli)).status).toBe(200);
    const discovery = (await (await fetch(`${sandbox.endpoints.arm}/${DEMO_TENANT_ID}/v2.0/.well-known/openid-configuration`)).json()) as Record<string, string>;
    expect(discovery.token_endpoint).toBe(`${sandbox.endpoints.arm}/${DEMO_TENANT_ID}/oauth2/v2.0/token`);
    const keys = (await (await fetch(discovery.jwks_uri ?? "")).json()) as { keys: { kty: string; d?: string }[] };
    expect(keys.keys).toEqual([expect.objectContaining({ kty: "RSA", use: "sig" })]);
    expect(keys.keys[0]?.d).toBeUndefined();
  });

  it("refuses a wrong secret, an unknown client, another grant and a scope without /.default, as Entra does", async () => {
    const token = (fields: Record<string, string>) => fetch(`${sandbox.endpoints.arm}/${DEMO_TENANT_ID}/oauth2/v2.0/token`, form({ grant_type: "client_credentials", scope: "https://management.azure.com/.default", ...fields }));
    const wrong = await token({ client_id: sp.clientId, client_secret: "not-it" });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({ error: "invalid_client", error_codes: [7000215], error_description: expect.stringMatching(/^AADSTS7000215: Invalid client secret provided/) });
    expect(await (await token({ client_id: "00000000-0000-0000-0000-000000000001", client_secret: "x" })).json()).toMatchObject({ error: "unauthorized_client", error_codes: [700016] });
    expect(await (await token({ grant_type: "password", client_id: sp.clientId, client_secret: sp.clientSecret })).json()).toMatchObject({ error: "unsupported_grant_type" });
    expect(await (await token({ client_id: sp.clientId, client_secret: sp.clientSecret, scope: "https://management.azure.com/user_impersonation" })).json()).toMatchObject({ error: "invalid_scope" });
    const otherTenant = await fetch(`${sandbox.endpoints.arm}/11111111-2222-3333-4444-555555555555/oauth2/v2.0/token`, form({ grant_type: "client_credentials", client_id: sp.clientId, client_secret: sp.clientSecret, scope: "https://management.azure.com/.default" }));
    expect(await otherTenant.json()).toMatchObject({ error_codes: [90002] });
  });

  it("answers a request without a valid token with ARM's 401s, on the ARM and Azure ML servers", async () => {
    const refusal = async (res: Response) => ({ status: res.status, www: res.headers.get("www-authenticate"), code: ((await res.json()) as { error: { code: string } }).error.code });
    const missing = await refusal(await armGet(undefined));
    expect(missing).toEqual({ status: 401, code: "AuthenticationFailed", www: expect.stringMatching(/^Bearer authorization_uri="https:\/\/127\.0\.0\.1:\d+\/[0-9a-f-]+", error="invalid_token", error_description="The authentication failed because of missing 'Authorization' header\."$/) });
    expect(await refusal(await armGet("sandbox-token"))).toMatchObject({ status: 401, code: "InvalidAuthenticationToken", www: expect.stringContaining('error="invalid_token"') });
    expect(await refusal(await armGet("sandbox-token", sandbox.endpoints.aml))).toMatchObject({ status: 401, code: "InvalidAuthenticationToken" });

    const appId = { appId: sp.clientId, objectId: sandbox.identity.servicePrincipal.objectId };
    const vaultToken = await sandboxToken(sandbox, "https://vault.azure.net/.default");
    const wrongAudience = await armGet(vaultToken);
    expect(wrongAudience.status).toBe(401);
    expect(((await wrongAudience.json()) as { error: { code: string; message: string } }).error).toMatchObject({ code: "InvalidAuthenticationTokenAudience", message: expect.stringContaining("'https://vault.azure.net/'") });

    const expired = await sandbox.identity.issue(appId, "https://management.azure.com/", -3600);
    const late = await armGet(expired);
    expect(late.status).toBe(401);
    expect(((await late.json()) as { error: { code: string; message: string } }).error).toMatchObject({ code: "ExpiredAuthenticationToken", message: expect.stringMatching(/^The access token expiry UTC time '.+' is earlier than current UTC time '.+'\.$/) });

    // The same claims signed with a key that is not the sandbox's.
    const { privateKey } = await generateKeyPair("RS256");
    const forged = await new SignJWT({ ...decodeJwt(await sandboxToken(sandbox)) }).setProtectedHeader({ alg: "RS256", typ: "JWT" }).sign(privateKey);
    expect(await refusal(await armGet(forged))).toMatchObject({ status: 401, code: "InvalidAuthenticationToken" });
    // The metadata endpoint and the token endpoints take no token.
    expect((await fetch(`${sandbox.endpoints.arm}/metadata/endpoints?api-version=2022-09-01`)).status).toBe(200);
  });

  it("gives DefaultAzureCredential the managed identity through App Service's IDENTITY_ENDPOINT, at once (no IMDS probe)", async () => {
    const saved = { IDENTITY_ENDPOINT: process.env.IDENTITY_ENDPOINT, IDENTITY_HEADER: process.env.IDENTITY_HEADER };
    process.env.IDENTITY_ENDPOINT = sandbox.endpoints.identityEndpoint;
    process.env.IDENTITY_HEADER = readFileSync(sandbox.endpoints.identityHeaderFile, "utf8");
    try {
      const since = (await listRecordedRequests(sandbox.endpoints.arm)).at(-1)?.seq ?? 0;
      const started = Date.now();
      const token = await new DefaultAzureCredential().getToken(`${sandbox.endpoints.arm}/.default`);
      expect(Date.now() - started).toBeLessThan(5_000);
      const claims = decodeJwt(token.token);
      expect(claims).toMatchObject({ aud: `${sandbox.endpoints.arm}/`, appid: sandbox.identity.managedIdentity.clientId, tid: DEMO_TENANT_ID });
      expect((await armGet(token.token)).status).toBe(200);
      const calls = await listRecordedRequests(sandbox.endpoints.arm, { path: "/msi/token", sinceSeq: since });
      expect(calls.map((c) => [c.method, c.query["api-version"], c.query.resource, c.headers["x-identity-header"]])).toEqual([["GET", "2019-08-01", sandbox.endpoints.arm, "***"]]);
    } finally {
      Object.assign(process.env, saved);
      for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k];
    }
  });

  it("answers the managed identity protocols as App Service does, and refuses a wrong secret", async () => {
    const header = sandbox.identity.managedIdentity.header;
    const url = (version: string) => `${sandbox.endpoints.identityEndpoint}?resource=${encodeURIComponent("https://management.azure.com/")}&api-version=${version}`;
    const current = await fetch(url("2019-08-01"), { headers: { "x-identity-header": header } });
    expect(current.status).toBe(200);
    expect(await current.json()).toEqual({ access_token: expect.any(String), expires_on: expect.stringMatching(/^\d+$/), resource: "https://management.azure.com/", token_type: "Bearer", client_id: sandbox.identity.managedIdentity.clientId });
    // msrestazure (az login --identity, MSI_ENDPOINT/MSI_SECRET) sends `secret`.
    expect((await fetch(url("2017-09-01"), { headers: { secret: header } })).status).toBe(200);
    expect((await fetch(url("2019-08-01"), { headers: { "x-identity-header": "nope" } })).status).toBe(401);
    expect((await fetch(url("2019-08-01"))).status).toBe(401);
    expect((await fetch(`${url("2019-08-01")}&client_id=00000000-0000-0000-0000-000000000009`, { headers: { "x-identity-header": header } })).status).toBe(400);
  });
});
