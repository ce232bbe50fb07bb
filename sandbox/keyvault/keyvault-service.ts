/**
 * The Key Vault secrets data plane (https://<vault>.vault.azure.net), enough for
 * @azure/keyvault-secrets' getSecret and setSecret: GET /secrets/{name}[/{version}] and
 * PUT /secrets/{name}. One server holds every vault, each under /<vault name>; a vault exists
 * as soon as something is asked of it. Wire shapes from the Key Vault REST reference
 * (SecretBundle, KeyVaultError) and the SDK's keyvault-common challenge policy:
 *   - a request without a bearer token gets 401 + `WWW-Authenticate: Bearer authorization="…",
 *     resource="https://vault.azure.net"`, which the SDK's first (body-less) request expects;
 *   - ids are the vault's real URL (`https://<vault>.vault.azure.net/secrets/<name>/<version>`),
 *     which the SDK parses back into name and version, so they never name the sandbox's host.
 * Any bearer token is accepted, as everywhere in the sandbox.
 */
import { randomBytes } from "node:crypto";
import { z } from "zod";
import { Router, parseJsonBody, type SandboxRequest, type SandboxResponse } from "../core/http";
import { RequestRecorder, type RecordedRequest, type RequestQuery } from "../core/recorder";

export type SandboxSecretVersion = {
  version: string;
  value: string;
  contentType?: string;
  tags?: Record<string, string>;
  enabled: boolean;
  /** Unix seconds, as Key Vault's attributes carry them. */
  created: number;
  updated: number;
  nbf?: number;
  exp?: number;
};

export type SandboxSecret = { name: string; versions: SandboxSecretVersion[] };

/** vault name (lower case) → secret name (lower case; Key Vault names are case-insensitive) → versions, oldest first. */
export type KeyVaultState = { vaults: Map<string, Map<string, SandboxSecret>> };

const VAULT_NAME = /^[a-zA-Z0-9-]{3,24}$/;
const SECRET_NAME = /^[0-9a-zA-Z-]{1,127}$/;
const VERSION = /^[0-9a-fA-F]{32}$/;
/** 7.0 … 7.6 and the dated versions the newer SDKs send (4.11 sends 2025-07-01). */
const API_VERSION = /^(7\.\d+|\d{4}-\d{2}-\d{2})(-preview(\.\d+)?)?$/;

const setSecretBody = z.object({
  value: z.string(),
  contentType: z.string().optional(),
  tags: z.record(z.string(), z.string()).optional(),
  attributes: z.object({ enabled: z.boolean().optional(), nbf: z.number().optional(), exp: z.number().optional() }).partial().optional(),
});

export function createKeyVaultService(options: { tenantId: string }) {
  const state: KeyVaultState = { vaults: new Map() };
  const router = new Router();

  const secretsOf = (vault: string): Map<string, SandboxSecret> => {
    const key = vault.toLowerCase();
    let secrets = state.vaults.get(key);
    if (!secrets) {
      secrets = new Map();
      state.vaults.set(key, secrets);
    }
    return secrets;
  };

  const getSecret = (req: SandboxRequest): SandboxResponse => {
    const { vault = "", name = "", version } = req.params;
    const bad = checkNames(vault, name, version);
    if (bad) return bad;
    const secret = secretsOf(vault).get(name.toLowerCase());
    const found = version ? secret?.versions.find((v) => v.version === version.toLowerCase()) : secret?.versions.at(-1);
    if (!secret || !found) {
      return keyVaultError(404, "SecretNotFound", `A secret with (name/id) ${version ? `${name}/${version}` : name} was not found in this key vault. If you recently deleted this secret you may be able to recover it using the correct recovery command. For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125182`);
    }
    if (!found.enabled) return keyVaultError(403, "Forbidden", "Operation get is not allowed on a disabled secret.", "SecretDisabled");
    return { status: 200, json: secretBundle(vault, secret.name, found) };
  };

  router.add("GET", "/{vault}/secrets/{name}", getSecret);
  router.add("GET", "/{vault}/secrets/{name}/{version}", getSecret);
  router.add("PUT", "/{vault}/secrets/{name}", (req) => {
    const { vault = "", name = "" } = req.params;
    const bad = checkNames(vault, name, undefined);
    if (bad) return bad;
    const json = parseJsonBody(req);
    const body = json.ok ? setSecretBody.safeParse(json.value) : undefined;
    if (!body?.success) return keyVaultError(400, "BadParameter", "The request body must be a JSON object with a string 'value'.");
    const now = Math.floor(Date.now() / 1000);
    const secrets = secretsOf(vault);
    const secret = secrets.get(name.toLowerCase()) ?? { name, versions: [] };
    const attributes = body.data.attributes ?? {};
    const created: SandboxSecretVersion = {
      version: randomBytes(16).toString("hex"),
      value: body.data.value,
      contentType: body.data.contentType,
      tags: body.data.tags,
      enabled: attributes.enabled ?? true,
      created: now,
      updated: now,
      nbf: attributes.nbf,
      exp: attributes.exp,
    };
    secret.versions.push(created);
    secrets.set(name.toLowerCase(), secret);
    return { status: 200, json: secretBundle(vault, secret.name, created) };
  });

  /** Runs before routing: Key Vault challenges first, then checks api-version. */
  const authorize = (req: SandboxRequest): SandboxResponse | undefined => {
    if (!/^bearer \S+/i.test(req.headers.authorization ?? "")) {
      return {
        ...keyVaultError(401, "Unauthorized", "AKV10000: Request is missing a Bearer or PoP token."),
        headers: { "www-authenticate": `Bearer authorization="https://login.microsoftonline.com/${options.tenantId}", resource="https://vault.azure.net"` },
      };
    }
    const apiVersion = req.url.searchParams.get("api-version");
    if (!apiVersion) return keyVaultError(400, "BadParameter", "The 'api-version' query parameter is required.");
    if (!API_VERSION.test(apiVersion)) return keyVaultError(400, "BadParameter", `The specified version (${apiVersion}) is not recognized. Consider using the latest supported version (2025-07-01).`);
    return undefined;
  };

  /** Puts `value` as the secret's latest version unless it already is (the sandbox's own seeding). */
  const ensureSecret = (vault: string, name: string, value: string) => {
    const secrets = secretsOf(vault);
    const secret = secrets.get(name.toLowerCase()) ?? { name, versions: [] };
    if (secret.versions.at(-1)?.value === value) return;
    const now = Math.floor(Date.now() / 1000);
    secret.versions.push({ version: randomBytes(16).toString("hex"), value, enabled: true, created: now, updated: now });
    secrets.set(name.toLowerCase(), secret);
  };

  return {
    state,
    router,
    authorize,
    ensureSecret,
    notFound: (req: SandboxRequest): SandboxResponse => keyVaultError(404, "NotFound", `The requested path ${req.path} is not served by this key vault.`),
    faultBody: (status: number): SandboxResponse =>
      status === 429 ? keyVaultError(429, "Throttled", "Request was not processed because too many requests were received. Reason: VaultRequestTypeLimitReached") : keyVaultError(status, "InternalServerError", "The service encountered an internal error. Please retry the request."),
  };
}

/**
 * The request record masks fields that look secret by name; a secret's `value` does not, so the
 * Key Vault server records its requests with the value masked, into the shared record.
 */
export class SecretValueMaskingRecorder extends RequestRecorder {
  constructor(private readonly inner: RequestRecorder) {
    super(0);
  }

  override record(entry: Omit<RecordedRequest, "seq">): RecordedRequest {
    const body = entry.body;
    const masked = body && typeof body === "object" && !Array.isArray(body) && "value" in body ? { ...body, value: "***" } : body;
    return this.inner.record({ ...entry, body: masked });
  }

  override get totalRecorded(): number {
    return this.inner.totalRecorded;
  }

  override query(q: RequestQuery): RecordedRequest[] {
    return this.inner.query(q);
  }

  override clear(): void {
    this.inner.clear();
  }
}

/** Key Vault's SecretBundle. */
function secretBundle(vault: string, name: string, v: SandboxSecretVersion): Record<string, unknown> {
  return {
    value: v.value,
    id: `https://${vault.toLowerCase()}.vault.azure.net/secrets/${name}/${v.version}`,
    ...(v.contentType !== undefined ? { contentType: v.contentType } : {}),
    attributes: {
      enabled: v.enabled,
      ...(v.nbf !== undefined ? { nbf: v.nbf } : {}),
      ...(v.exp !== undefined ? { exp: v.exp } : {}),
      created: v.created,
      updated: v.updated,
      recoveryLevel: "Recoverable+Purgeable",
      recoverableDays: 90,
    },
    tags: v.tags ?? {},
  };
}

function checkNames(vault: string, name: string, version: string | undefined): SandboxResponse | undefined {
  if (!VAULT_NAME.test(vault)) return keyVaultError(400, "BadParameter", `The vault name ${vault} is not valid: 3-24 letters, digits and hyphens.`);
  if (!SECRET_NAME.test(name)) return keyVaultError(400, "BadParameter", `The secret name ${name} is not valid: 1-127 letters, digits and hyphens.`);
  if (version !== undefined && !VERSION.test(version)) return keyVaultError(400, "BadParameter", `The secret version ${version} is not valid.`);
  return undefined;
}

/** KeyVaultError: `{error: {code, message, innererror?}}`. */
export function keyVaultError(status: number, code: string, message: string, innerCode?: string): SandboxResponse {
  return { status, json: { error: { code, message, ...(innerCode ? { innererror: { code: innerCode } } : {}) } } };
}
