import { hkdfSync } from "node:crypto";
import { ConfigError, env } from "@/lib/env";

const cache = new Map<string, Uint8Array>();

/**
 * A 256-bit key for one purpose, derived from SESSION_SECRET with HKDF, so the session cookie and
 * the sign-in nonce never share a key and the secret's own format does not matter.
 */
export function deriveKey(purpose: string): Uint8Array {
  const secret = env.SESSION_SECRET;
  if (!secret) throw new ConfigError("Invalid configuration: SESSION_SECRET is not set (npm start generates one in embedded mode)");
  const id = `${purpose}\u0000${secret}`;
  let key = cache.get(id);
  if (!key) {
    key = new Uint8Array(hkdfSync("sha256", secret, "feedgate", purpose, 32));
    cache.clear();
    cache.set(id, key);
  }
  return key;
}
