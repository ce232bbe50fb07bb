/**
 * Secrets are stored as references and resolved only in the worker, at the moment of use:
 *   env:NAME          an environment variable of the worker
 *   file:PATH         a file the worker can read (mounted secret, the sandbox's admin.password)
 *   https://<vault>.vault.azure.net/secrets/<name>[/<version>]
 *                     a Key Vault secret (latest version unless one is named), read with
 *                     @azure/keyvault-secrets and the Cloud's TokenCredential
 * Resolved values are never logged, stored or put into job events or error messages.
 */
import { readFile } from "node:fs/promises";
import type { AccessToken, TokenCredential } from "@azure/core-auth";
import type { SecretClient } from "@azure/keyvault-secrets";

export class CredentialReferenceError extends Error {
  override name = "CredentialReferenceError";
}

export type CredentialRef =
  | { kind: "env"; name: string }
  | { kind: "file"; path: string }
  | {
      kind: "keyVault";
      /** The vault's own URL, e.g. https://kv-feedgate.vault.azure.net */
      vaultUrl: string;
      vaultName: string;
      /** The vault's DNS suffix (vault.azure.net, or a sovereign cloud's). */
      suffix: string;
      secretName: string;
      version?: string;
    };

/** What people are told a reference may look like (form errors, configuration errors). */
export const CREDENTIAL_REF_FORMS = "env:NAME, file:/path or https://<vault>.vault.azure.net/secrets/<name>[/<version>]";

/**
 * Azure public cloud, Azure China and Azure US Government. Nothing else is accepted: the worker
 * sends a bearer token for Key Vault to whatever host a reference names.
 */
const KEY_VAULT_SUFFIXES = ["vault.azure.net", "vault.azure.cn", "vault.usgovcloudapi.net"] as const;
const KEY_VAULT_URI = new RegExp(
  `^https://([a-zA-Z0-9-]{3,24})\\.(${KEY_VAULT_SUFFIXES.map((s) => s.replace(/\./g, "\\.")).join("|")})/secrets/([0-9a-zA-Z-]{1,127})(?:/([0-9a-fA-F]{32}))?$`,
  "i",
);
const ENV_NAME = /^[A-Z_][A-Z0-9_]*$/;

/** Parses a reference, or throws CredentialReferenceError saying what is wrong (never with a secret in it). */
export function parseCredentialRef(ref: string): CredentialRef {
  // Control characters (a newline pasted with the value) would otherwise slip into paths and names.
  if (/[\u0000-\u001f\u007f]/.test(ref)) throw new CredentialReferenceError("The credential reference contains a control character (a newline?); give it on one line.");
  if (ref !== ref.trim()) throw new CredentialReferenceError("The credential reference has spaces around it.");
  if (/^env:/.test(ref)) {
    const name = ref.slice("env:".length);
    if (!ENV_NAME.test(name)) throw new CredentialReferenceError("The env: credential reference must name an environment variable in capitals, digits and underscores (env:NAME).");
    return { kind: "env", name };
  }
  if (/^file:/.test(ref)) {
    const path = ref.slice("file:".length);
    if (!path) throw new CredentialReferenceError("The credential reference file: names no file (file:/path).");
    return { kind: "file", path };
  }
  if (/^https?:\/\//i.test(ref)) {
    const m = KEY_VAULT_URI.exec(ref);
    if (!m) {
      throw new CredentialReferenceError(
        `The credential reference is not a Key Vault secret URI: it must be https://<vault>.vault.azure.net/secrets/<name>[/<version>] (vault name 3-24 letters, digits and hyphens; secret name 1-127 letters, digits and hyphens; version 32 hex digits; vault.azure.cn and vault.usgovcloudapi.net also accepted).`,
      );
    }
    const [, vaultName = "", suffix = "", secretName = "", version] = m;
    const lowerSuffix = suffix.toLowerCase();
    return { kind: "keyVault", vaultName: vaultName.toLowerCase(), suffix: lowerSuffix, vaultUrl: `https://${vaultName.toLowerCase()}.${lowerSuffix}`, secretName, version: version?.toLowerCase() };
  }
  if (/^keyvault:/i.test(ref)) throw new CredentialReferenceError("Give a Key Vault secret by its URI alone, https://<vault>.vault.azure.net/secrets/<name>, without a keyvault: prefix.");
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(ref)?.[1];
  throw new CredentialReferenceError(`The credential reference must look like ${CREDENTIAL_REF_FORMS} (got ${scheme ? `${scheme}:` : "no scheme"}).`);
}

/** For input validation (zod refinements): undefined when the reference is well formed, else why not. */
export function credentialRefProblem(ref: string): string | undefined {
  try {
    parseCredentialRef(ref);
    return undefined;
  } catch (error) {
    if (error instanceof CredentialReferenceError) return error.message;
    throw error;
  }
}

export interface CredentialResolverOptions {
  /** The identity Key Vault is read with (the Cloud's). */
  credential: TokenCredential;
  /** The worker's environment, for env: references. */
  env?: Record<string, string | undefined>;
  /**
   * Where a vault is really reached: the sandbox maps https://<vault>.vault.azure.net to its own
   * Key Vault server. Azure mode leaves it unset and talks to the vault's URL.
   */
  vaultEndpoint?: (ref: { vaultName: string; vaultUrl: string }) => string;
  /**
   * The SDK checks that the challenge's resource (https://vault.azure.net) is a suffix of the
   * request's host; the sandbox's host is 127.0.0.1, so only sandbox mode turns the check off.
   */
  disableChallengeResourceVerification?: boolean;
}

export type ResolveCredentialRef = (ref: string) => Promise<string>;

/** One resolver per Cloud; it keeps one SecretClient per vault, so challenges and tokens are cached. */
export function createCredentialResolver(options: CredentialResolverOptions): ResolveCredentialRef {
  const clients = new Map<string, Promise<SecretClient>>();
  const clientFor = (url: string): Promise<SecretClient> => {
    let client = clients.get(url);
    if (!client) {
      // Loaded on first use: lib/env.ts imports this module for parseCredentialRef alone.
      client = import("@azure/keyvault-secrets").then(({ SecretClient }) => new SecretClient(url, options.credential, { disableChallengeResourceVerification: options.disableChallengeResourceVerification, retryOptions: { maxRetries: 2 } }));
      clients.set(url, client);
    }
    return client;
  };
  return async (ref) => {
    const parsed = parseCredentialRef(ref);
    if (parsed.kind !== "keyVault") return resolveLocal(ref, parsed, options.env ?? process.env);
    const client = await clientFor(options.vaultEndpoint?.(parsed) ?? parsed.vaultUrl);
    let value: string | undefined;
    try {
      value = (await client.getSecret(parsed.secretName, parsed.version ? { version: parsed.version } : {})).value;
    } catch (error) {
      throw keyVaultError(ref, error);
    }
    if (!value) throw new CredentialReferenceError(`The credential reference ${ref} names a Key Vault secret with no value.`);
    return value;
  };
}

/** env: and file: references only (no Key Vault): for callers without a Cloud. */
export async function resolveCredentialRef(ref: string, source: Record<string, string | undefined> = process.env): Promise<string> {
  const parsed = parseCredentialRef(ref);
  if (parsed.kind === "keyVault") throw new CredentialReferenceError(`The credential reference ${ref} is a Key Vault secret: it is resolved through the Cloud (cloud.resolveCredentialRef).`);
  return resolveLocal(ref, parsed, source);
}

async function resolveLocal(ref: string, parsed: Exclude<CredentialRef, { kind: "keyVault" }>, source: Record<string, string | undefined>): Promise<string> {
  if (parsed.kind === "env") {
    const value = source[parsed.name];
    if (!value) throw new CredentialReferenceError(`The credential reference ${ref} names an environment variable that is not set on the worker.`);
    return value;
  }
  try {
    return (await readFile(parsed.path, "utf8")).trim();
  } catch {
    throw new CredentialReferenceError(`The credential reference ${ref} names a file the worker cannot read.`);
  }
}

/**
 * The SDK's RestError carries Key Vault's error code and message, never the secret; the message
 * built here names only the reference, the status and the code. Throttling, 5xx and network
 * failures stay plain errors, so the job runner retries them; the rest need a person.
 */
function keyVaultError(ref: string, error: unknown): Error {
  const e = error as { statusCode?: number; code?: string; details?: { error?: { code?: string; innerError?: { code?: string } } } };
  const status = typeof e?.statusCode === "number" ? e.statusCode : undefined;
  const code = e?.details?.error?.innerError?.code ?? e?.details?.error?.code ?? (typeof e?.code === "string" ? e.code : undefined);
  const what = [status, code].filter((x) => x !== undefined).join(" ");
  if (status === 404) return new CredentialReferenceError(`The credential reference ${ref} names a Key Vault secret (or version) that does not exist (${what}).`);
  if (status === 401 || status === 403) return new CredentialReferenceError(`The worker's identity may not read the Key Vault secret ${ref} (${what}): grant it "Key Vault Secrets User" on the vault, or check that the secret is enabled.`);
  if (status !== undefined && status !== 408 && status !== 429 && status < 500) return new CredentialReferenceError(`Key Vault refused to read the secret ${ref} (${what}).`);
  return new Error(`Key Vault could not be read for ${ref}${what ? ` (${what})` : ""}; will retry.`);
}

/**
 * The sandbox cloud accepts any bearer token, so sandbox mode uses a fixed one. The SDKs'
 * own policies (https only, bearer header) still run unchanged.
 */
export class SandboxTokenCredential implements TokenCredential {
  async getToken(): Promise<AccessToken> {
    return { token: "feedgate-sandbox-token", expiresOnTimestamp: Date.now() + 3_600_000 };
  }
}
