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
import type { TokenCredential } from "@azure/core-auth";
import type { SecretClient } from "@azure/keyvault-secrets";

export { CREDENTIAL_REF_FORMS, CredentialReferenceError, credentialRefProblem, parseCredentialRef, type CredentialRef } from "@/lib/validation/credential-ref";
import { CredentialReferenceError, parseCredentialRef, type CredentialRef } from "@/lib/validation/credential-ref";

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
