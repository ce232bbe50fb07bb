/**
 * Credential references, parsed: where a secret lives, never the secret. Pure (no I/O), so the
 * admin's feed-host form, the server and the worker share one parser; lib/cloud/credentials.ts
 * resolves what this names.
 */
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
