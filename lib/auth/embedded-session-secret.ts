/**
 * SESSION_SECRET for `npm start`: the configured one, or in embedded (sandbox sign-in) mode one
 * generated on first start into DATA_DIR, readable by this user only, and reused afterwards so
 * restarts keep people signed in. A real-tenant deployment must configure it (lib/env.ts).
 */
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { ConfigError, type Env } from "@/lib/env";

export function ensureSessionSecret(env: Env): string {
  if (env.SESSION_SECRET) return env.SESSION_SECRET;
  if (env.ENTRA_TENANT_ID) throw new ConfigError("Invalid configuration: SESSION_SECRET is required when ENTRA_TENANT_ID is set");
  const file = path.join(env.DATA_DIR, "session-secret");
  if (existsSync(file)) {
    const existing = readFileSync(file, "utf8").trim();
    if (existing.length >= 32) return existing;
  }
  const secret = randomBytes(48).toString("base64url");
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}
