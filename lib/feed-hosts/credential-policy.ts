/**
 * Which credential references an Admin may give a feed host. Test connection and provisioning
 * send the resolved value to the host's URL, which the Admin also chooses, so a reference must
 * not be able to name the worker's own secrets: Key Vault secrets are allowed (what the worker's
 * identity may read is the operator's RBAC decision), env: only with an operator-approved prefix
 * and never one of Feedgate's configuration variables, file: only inside FEED_HOST_SECRETS_DIR.
 */
import "server-only";
import path from "node:path";
import { parseCredentialRef } from "@/lib/validation/credential-ref";

export interface CredentialPolicy {
  envPrefixes: readonly string[];
  secretsDir: string;
  /** Variable names Feedgate itself reads (lib/env.ts): never a host credential. */
  ownVariables: ReadonlySet<string>;
}

/** Why an Admin may not use this reference for a feed host, or undefined when they may. */
export function credentialPolicyProblem(ref: string, policy: CredentialPolicy): string | undefined {
  const parsed = parseCredentialRef(ref);
  if (parsed.kind === "keyVault") return undefined;
  if (parsed.kind === "env") {
    if (policy.ownVariables.has(parsed.name)) return `env:${parsed.name} is part of Feedgate's own configuration and cannot be a feed host's credential`;
    if (policy.envPrefixes.some((p) => parsed.name.startsWith(p))) return undefined;
    return `env:${parsed.name} is not a variable Admins may name: use one starting with ${policy.envPrefixes.join(", ")} (FEED_HOST_ENV_PREFIXES), or a Key Vault secret`;
  }
  const resolved = path.resolve(parsed.path);
  if (path.isAbsolute(parsed.path) && resolved === path.normalize(parsed.path) && resolved.startsWith(policy.secretsDir)) return undefined;
  return `file: references must name a file inside ${policy.secretsDir} (FEED_HOST_SECRETS_DIR), without ".."; or use a Key Vault secret`;
}
