/**
 * The sandbox's Entra ID for machines: OAuth2 client credentials for service principals (v2.0 and
 * v1 token endpoints, OIDC discovery, keys, instance discovery) and managed identity (App Service's
 * 2019-08-01 protocol and the older MSI 2017-09-01 one), all served by the ARM server, plus the
 * check ARM's front door makes of every bearer token (signature, issuer, audience, expiry).
 *
 * Tokens are RS256 JWTs with Entra's v1 access-token claims (aud, iss https://sts.windows.net/{tid}/,
 * iat/nbf/exp, tid, oid, sub, appid, appidacr, idtyp "app", ver "1.0"), signed with a key of the
 * sandbox's own. Error bodies follow Entra's (`{error, error_description: "AADSTS…", error_codes, …}`)
 * and ARM's (`InvalidAuthenticationToken`, …) from memory, not captures.
 */
import { createPublicKey, randomBytes, randomUUID, verify, type KeyObject } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { SignJWT, exportJWK, generateKeyPair, importJWK, type JWK } from "jose";
import type { Router, SandboxRequest, SandboxResponse } from "../core/http";
import { armError } from "../arm/arm-state";

/** Azure's two ARM audiences (what the Azure CLI and SDKs ask tokens for), with and without the slash. */
const AZURE_ARM_AUDIENCES = ["https://management.core.windows.net/", "https://management.azure.com/"];
const TOKEN_LIFETIME_S = 3600;
/** ARM lets a token be this late (clock skew), as Entra-protected APIs usually do. */
const CLOCK_SKEW_S = 300;
const MI_PATH = "/msi/token";

export type IdentityFiles = {
  /** `{tenantId, clientId, clientSecret}` of the seeded service principal (mode 0600). */
  servicePrincipalFile: string;
  /** The managed identity's secret header value (IDENTITY_HEADER / MSI_SECRET), mode 0600. */
  identityHeaderFile: string;
};

export type ServicePrincipal = { tenantId: string; clientId: string; clientSecret: string; objectId: string; displayName: string };
export type ManagedIdentity = { clientId: string; objectId: string; header: string };

type IdentityState = { signingKey: JWK; keyId: string; servicePrincipal: ServicePrincipal; managedIdentity: ManagedIdentity };

export type IdentityService = {
  tenantId: string;
  servicePrincipal: ServicePrincipal;
  managedIdentity: ManagedIdentity;
  files: IdentityFiles;
  /** Routes on the ARM server: token endpoints, discovery, keys, managed identity. */
  register(router: Router): void;
  /** True for the paths above (they take no bearer token and no api-version). */
  isIdentityPath(path: string): boolean;
  /** ARM's check of the Authorization header: undefined when the token is good, else ARM's 401. */
  checkArmToken(req: SandboxRequest, armUrls: () => string[]): SandboxResponse | undefined;
  /** A token as the token endpoint would issue it (tests). */
  issue(principal: { appId: string; objectId: string }, audience: string, lifetimeS?: number): Promise<string>;
};

export async function createIdentityService(options: { dataDir: string; tenantId: string; loginUrl: () => string }): Promise<IdentityService> {
  const dir = path.join(options.dataDir, "identity");
  mkdirSync(dir, { recursive: true });
  const stateFile = path.join(dir, "keys.json");
  // Kept whenever the data dir has it (like the CA), so a restart honours tokens issued before and
  // a worker's managed identity header stays valid.
  const state = existsSync(stateFile) ? (JSON.parse(readFileSync(stateFile, "utf8")) as IdentityState) : await newState(options.tenantId);
  writeFileSync(stateFile, JSON.stringify(state), { mode: 0o600 });
  const files: IdentityFiles = { servicePrincipalFile: path.join(dir, "service-principal.json"), identityHeaderFile: path.join(dir, "identity-header") };
  const sp = state.servicePrincipal;
  writeFileSync(files.servicePrincipalFile, `${JSON.stringify({ tenantId: sp.tenantId, clientId: sp.clientId, clientSecret: sp.clientSecret }, null, 2)}\n`, { mode: 0o600 });
  writeFileSync(files.identityHeaderFile, state.managedIdentity.header, { mode: 0o600 });

  const privateKey = await importJWK(state.signingKey, "RS256");
  const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...publicJwk } = state.signingKey;
  const publicKey: KeyObject = createPublicKey({ key: publicJwk, format: "jwk" });
  const tenantId = options.tenantId;
  const issuer = `https://sts.windows.net/${tenantId}/`;

  const issue = (principal: { appId: string; objectId: string }, audience: string, lifetimeS = TOKEN_LIFETIME_S): Promise<string> => {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ tid: tenantId, oid: principal.objectId, sub: principal.objectId, appid: principal.appId, appidacr: "1", idtyp: "app", ver: "1.0", uti: randomBytes(16).toString("base64url") })
      .setProtectedHeader({ alg: "RS256", typ: "JWT", kid: state.keyId, x5t: state.keyId })
      .setAudience(audience)
      .setIssuer(issuer)
      .setIssuedAt(now)
      .setNotBefore(now - CLOCK_SKEW_S)
      .setExpirationTime(now + lifetimeS)
      .sign(privateKey);
  };

  const login = (): string => options.loginUrl().replace(/\/+$/, "");
  const openIdConfiguration = (tenant: string, v2: boolean): Record<string, unknown> => {
    const base = `${login()}/${tenant === "adfs" ? "adfs" : tenantId}`;
    return {
      issuer: v2 ? `${login()}/${tenantId}/v2.0` : issuer,
      authorization_endpoint: `${base}/oauth2${v2 ? "/v2.0" : ""}/authorize`,
      token_endpoint: `${base}/oauth2${v2 ? "/v2.0" : ""}/token`,
      device_authorization_endpoint: `${base}/oauth2${v2 ? "/v2.0" : ""}/devicecode`,
      jwks_uri: `${login()}/${tenantId}/discovery/${v2 ? "v2.0/" : ""}keys`,
      response_types_supported: ["code", "id_token", "code id_token", "token id_token", "token"],
      subject_types_supported: ["pairwise"],
      id_token_signing_alg_values_supported: ["RS256"],
      token_endpoint_auth_methods_supported: ["client_secret_post", "private_key_jwt", "client_secret_basic"],
      grant_types_supported: ["client_credentials"],
      scopes_supported: ["openid", "profile", "email", "offline_access"],
      tenant_region_scope: "NA",
      cloud_instance_name: "feedgate.sandbox",
      ...(tenant === "adfs" ? {} : { tenant_id: tenantId }),
    };
  };

  const tokenRoute = async (req: SandboxRequest, v2: boolean): Promise<SandboxResponse> => {
    const tenant = req.params.tenant ?? "adfs";
    if (!isKnownTenant(tenant, tenantId)) {
      return aadError(400, "invalid_request", 90002, `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`);
    }
    const form = new URLSearchParams(req.body.toString("utf8"));
    const basic = /^basic\s+(\S+)/i.exec(req.headers.authorization ?? "")?.[1];
    const [basicId, basicSecret] = basic ? Buffer.from(basic, "base64").toString("utf8").split(":").map(decodeURIComponent) : [];
    const grant = form.get("grant_type");
    if (grant !== "client_credentials") {
      return aadError(400, "unsupported_grant_type", 70003, `The app requested an unsupported grant type '${grant ?? ""}'. The sandbox signs in service principals with client_credentials only.`);
    }
    const clientId = form.get("client_id") ?? basicId ?? "";
    const secret = form.get("client_secret") ?? basicSecret;
    if (clientId.toLowerCase() !== sp.clientId.toLowerCase()) {
      return aadError(400, "unauthorized_client", 700016, `Application with identifier '${clientId}' was not found in the directory 'Feedgate sandbox'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`);
    }
    if (!secret) return aadError(401, "invalid_client", 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.");
    if (secret !== sp.clientSecret) return aadError(401, "invalid_client", 7000215, `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${sp.clientId}'.`);
    let audience: string | undefined;
    // The v1 endpoint takes `resource`; ADFS's (MSAL sends it v2.0 requests) and v2.0 take `scope`.
    if (v2 || (form.has("scope") && !form.has("resource"))) {
      const scopes = (form.get("scope") ?? "").split(/\s+/).filter((s) => s && !["openid", "profile", "offline_access"].includes(s));
      if (scopes.length !== 1 || !scopes[0]?.endsWith("/.default")) {
        return aadError(400, "invalid_scope", 1002012, `The provided value for scope ${scopes.join(" ") || "(none)"} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`);
      }
      audience = scopes[0].slice(0, -"/.default".length);
    } else {
      audience = form.get("resource") ?? undefined;
      if (!audience) return aadError(400, "invalid_request", 900144, "The request body must contain the following parameter: 'resource'.");
    }
    const resource = normalizeAudience(audience);
    const token = await issue({ appId: sp.clientId, objectId: sp.objectId }, resource);
    const now = Math.floor(Date.now() / 1000);
    const json = v2
      ? { token_type: "Bearer", expires_in: TOKEN_LIFETIME_S, ext_expires_in: TOKEN_LIFETIME_S, access_token: token }
      : { token_type: "Bearer", expires_in: String(TOKEN_LIFETIME_S), ext_expires_in: String(TOKEN_LIFETIME_S), expires_on: String(now + TOKEN_LIFETIME_S), not_before: String(now - CLOCK_SKEW_S), resource, access_token: token };
    return { status: 200, headers: { "cache-control": "no-store, no-cache", pragma: "no-cache" }, json };
  };

  const managedIdentityRoute = async (req: SandboxRequest): Promise<SandboxResponse> => {
    const q = req.url.searchParams;
    const version = q.get("api-version") ?? "";
    // 2019-08-01: IDENTITY_ENDPOINT + X-IDENTITY-HEADER (@azure/identity, msal); 2017-09-01: MSI_ENDPOINT + secret (msrestazure, az login --identity).
    const header = version === "2017-09-01" ? req.headers.secret : req.headers["x-identity-header"];
    if (version !== "2019-08-01" && version !== "2017-09-01") return { status: 400, json: { statusCode: 400, message: `The api-version '${version}' could not be found. Supported: 2019-08-01, 2017-09-01.` } };
    if (header !== state.managedIdentity.header) return { status: 401, json: { statusCode: 401, message: "Unauthorized: the secret header is missing or does not match." } };
    const resource = q.get("resource");
    if (!resource) return { status: 400, json: { statusCode: 400, message: "Required query variable 'resource' is missing." } };
    const clientId = q.get("client_id") ?? q.get("clientid");
    const otherId = q.get("principal_id") ?? q.get("object_id") ?? q.get("mi_res_id");
    const mi = state.managedIdentity;
    if ((clientId && clientId.toLowerCase() !== mi.clientId.toLowerCase()) || (otherId && otherId.toLowerCase() !== mi.objectId.toLowerCase())) {
      return { status: 400, json: { statusCode: 400, message: "No managed identity with that id is assigned to this app (the sandbox has one, system-assigned)." } };
    }
    const audience = normalizeAudience(resource.replace(/\/\.default$/, ""));
    const token = await issue({ appId: mi.clientId, objectId: mi.objectId }, audience);
    const expiresOn = Math.floor(Date.now() / 1000) + TOKEN_LIFETIME_S;
    // App Service answers expires_on in Unix seconds as a string (2019-08-01); 2017-09-01 also carried a date string, which msrestazure parses either way.
    return { status: 200, json: { access_token: token, expires_on: String(expiresOn), resource: audience, token_type: "Bearer", client_id: mi.clientId } };
  };

  const jwks = (): SandboxResponse => ({ status: 200, json: { keys: [{ ...publicJwk, kid: state.keyId, x5t: state.keyId, use: "sig", alg: "RS256" }] } });

  return {
    tenantId,
    servicePrincipal: sp,
    managedIdentity: state.managedIdentity,
    files,
    register(router) {
      router.add("POST", "/adfs/oauth2/token", (req) => tokenRoute(req, false));
      router.add("POST", "/{tenant}/oauth2/v2.0/token", (req) => tokenRoute(req, true));
      router.add("POST", "/{tenant}/oauth2/token", (req) => tokenRoute(req, false));
      router.add("GET", "/adfs/.well-known/openid-configuration", () => ({ status: 200, json: openIdConfiguration("adfs", false) }));
      router.add("GET", "/{tenant}/v2.0/.well-known/openid-configuration", (req) => (isKnownTenant(req.params.tenant ?? "", tenantId) ? { status: 200, json: openIdConfiguration(req.params.tenant ?? "", true) } : tenantNotFound(req.params.tenant ?? "")));
      router.add("GET", "/{tenant}/.well-known/openid-configuration", (req) => (isKnownTenant(req.params.tenant ?? "", tenantId) ? { status: 200, json: openIdConfiguration(req.params.tenant ?? "", false) } : tenantNotFound(req.params.tenant ?? "")));
      router.add("GET", "/{tenant}/discovery/keys", jwks);
      router.add("GET", "/{tenant}/discovery/v2.0/keys", jwks);
      router.add("GET", "/common/discovery/instance", (req) => {
        // What MSAL asks login.microsoftonline.com about an authority host it does not know.
        const endpoint = req.url.searchParams.get("authorization_endpoint") ?? "";
        const host = safeHost(endpoint);
        return {
          status: 200,
          json: {
            tenant_discovery_endpoint: `${login()}/${tenantId}/v2.0/.well-known/openid-configuration`,
            "api-version": "1.1",
            metadata: [{ preferred_network: host ?? new URL(login()).host, preferred_cache: host ?? new URL(login()).host, aliases: [host ?? new URL(login()).host] }],
          },
        };
      });
      router.add("GET", MI_PATH, managedIdentityRoute);
    },
    isIdentityPath(p) {
      const lower = p.replace(/\/+$/, "").toLowerCase();
      return lower === MI_PATH || lower === "/common/discovery/instance" || /^\/[^/]+\/(oauth2\/(v2\.0\/)?token|(v2\.0\/)?\.well-known\/openid-configuration|discovery\/(v2\.0\/)?keys)$/.test(lower);
    },
    checkArmToken(req, armUrls) {
      const www = (description: string): Record<string, string> => ({
        "www-authenticate": `Bearer authorization_uri="${login()}/${tenantId}", error="invalid_token", error_description="${description}"`,
      });
      const refuse = (code: string, message: string, description = message): SandboxResponse => {
        return { ...armError(401, code, message), headers: www(description) };
      };
      const authorization = req.headers.authorization ?? "";
      const token = /^bearer\s+(\S+)\s*$/i.exec(authorization)?.[1];
      if (!token) return refuse("AuthenticationFailed", "Authentication failed. The 'Authorization' header is missing.", "The authentication failed because of missing 'Authorization' header.");
      const parts = token.split(".");
      const claims = parts.length === 3 ? decodeSegment(parts[1] ?? "") : undefined;
      const header = parts.length === 3 ? decodeSegment(parts[0] ?? "") : undefined;
      if (!claims || !header) return refuse("InvalidAuthenticationToken", "The access token is invalid.");
      const signed = header.alg === "RS256" && verify("RSA-SHA256", Buffer.from(`${parts[0]}.${parts[1]}`), publicKey, Buffer.from(parts[2] ?? "", "base64url"));
      if (!signed) return refuse("InvalidAuthenticationToken", "The access token is invalid.", "The access token signature is invalid.");
      if (claims.iss !== issuer) {
        return refuse("InvalidAuthenticationTokenTenant", `The access token is from the wrong issuer '${String(claims.iss)}'. It must match the tenant '${issuer}' associated with this subscription. Please use the authority (URL) '${login()}/${tenantId}' to get the token.`);
      }
      const allowed = [...AZURE_ARM_AUDIENCES, ...armUrls().map((u) => `${u.replace(/\/+$/, "")}/`)];
      const audience = typeof claims.aud === "string" ? normalizeAudience(claims.aud) : "";
      if (!allowed.includes(audience)) {
        const list = allowed.flatMap((a) => [a, a.replace(/\/$/, "")]).map((a) => `'${a}'`).join(",");
        return refuse("InvalidAuthenticationTokenAudience", `The access token has been obtained for wrong audience or resource '${String(claims.aud)}'. It should exactly match with one of the allowed audiences ${list}.`);
      }
      const now = Math.floor(Date.now() / 1000);
      if (typeof claims.exp !== "number" || claims.exp + CLOCK_SKEW_S < now) {
        const at = (s: number) => new Date(s * 1000).toLocaleString("en-US", { timeZone: "UTC" }).replace(",", "");
        return refuse("ExpiredAuthenticationToken", `The access token expiry UTC time '${at(Number(claims.exp) || 0)}' is earlier than current UTC time '${at(now)}'.`, "The access token is expired.");
      }
      if (typeof claims.nbf === "number" && claims.nbf - CLOCK_SKEW_S > now) return refuse("InvalidAuthenticationToken", "The access token is not yet valid.");
      return undefined;
    },
    issue,
  };
}

async function newState(tenantId: string): Promise<IdentityState> {
  const { privateKey } = await generateKeyPair("RS256", { extractable: true, modulusLength: 2048 });
  return {
    signingKey: await exportJWK(privateKey),
    keyId: randomBytes(20).toString("base64url"),
    servicePrincipal: { tenantId, clientId: randomUUID(), clientSecret: `fgs~${randomBytes(27).toString("base64url")}`, objectId: randomUUID(), displayName: "feedgate-sandbox-deployer" },
    managedIdentity: { clientId: randomUUID(), objectId: randomUUID(), header: randomBytes(24).toString("base64url") },
  };
}

/** The resource a token is for, as Entra writes `aud` for v1 tokens: scopes' `/.default` gone, Azure's ARM URIs with their slash. */
function normalizeAudience(audience: string): string {
  const trimmed = audience.replace(/\/\.default$/, "");
  // https://management.core.windows.net//.default (the CLI's scope) is the resource https://management.core.windows.net/.
  const noSlash = trimmed.replace(/\/+$/, "");
  if (/^https:\/\/[^/]+$/.test(noSlash)) return `${noSlash}/`;
  return trimmed;
}

function isKnownTenant(tenant: string, tenantId: string): boolean {
  return ["adfs", "organizations", "common", tenantId.toLowerCase(), "sandbox.feedgate.example"].includes(tenant.toLowerCase());
}

function tenantNotFound(tenant: string): SandboxResponse {
  return aadError(400, "invalid_tenant", 90002, `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`);
}

function aadError(status: number, error: string, code: number, description: string): SandboxResponse {
  const traceId = randomUUID();
  const correlationId = randomUUID();
  const timestamp = new Date().toISOString().replace("T", " ").replace(/\.\d+Z$/, "Z");
  return {
    status,
    json: {
      error,
      error_description: `AADSTS${code}: ${description} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${timestamp}`,
      error_codes: [code],
      timestamp,
      trace_id: traceId,
      correlation_id: correlationId,
      error_uri: `https://login.microsoftonline.com/error?code=${code}`,
    },
  };
}

function decodeSegment(segment: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, "base64url").toString("utf8"));
    return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function safeHost(url: string): string | undefined {
  try {
    return new URL(url).host;
  } catch {
    return undefined;
  }
}
