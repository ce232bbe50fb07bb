/**
 * Secrets are stored as references and resolved only in the worker, at the moment of use:
 *   env:NAME          an environment variable of the worker
 *   file:PATH         a file the worker can read (mounted secret, the sandbox's admin.password)
 *   keyvault:URI      not supported yet: resolving needs @azure/keyvault-secrets
 * Resolved values are never logged, stored or put into job events.
 */
import { readFile } from "node:fs/promises";
import type { AccessToken, TokenCredential } from "@azure/core-auth";

export class CredentialReferenceError extends Error {
  override name = "CredentialReferenceError";
}

export async function resolveCredentialRef(ref: string, source: Record<string, string | undefined> = process.env): Promise<string> {
  const [scheme, ...rest] = ref.split(":");
  const target = rest.join(":");
  if (scheme === "env" && /^[A-Z_][A-Z0-9_]*$/.test(target)) {
    const value = source[target];
    if (!value) throw new CredentialReferenceError(`The credential reference ${ref} names an environment variable that is not set on the worker.`);
    return value;
  }
  if (scheme === "file" && target) {
    try {
      return (await readFile(target, "utf8")).trim();
    } catch {
      throw new CredentialReferenceError(`The credential reference ${ref} names a file the worker cannot read.`);
    }
  }
  if (scheme === "keyvault") throw new CredentialReferenceError("Key Vault credential references are not supported yet: use env: or file:.");
  throw new CredentialReferenceError(`The credential reference must look like env:NAME or file:/path (got ${scheme || "nothing"}).`);
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
