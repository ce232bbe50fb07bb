/** Starts the sandbox identity provider the way the portal's configuration expects it (scripts/start.ts). */
import path from "node:path";
import { getIdentityConfig, sandboxIdpPort } from "@/lib/auth/identity-config";
import { DEMO_TENANT_ID, DEMO_USERS } from "@/prisma/demo-data";
import { startSandboxIdp, type SandboxIdp } from "./sandbox-idp";

export async function startPortalSandboxIdp(dataDir: string): Promise<SandboxIdp> {
  const identity = getIdentityConfig();
  return startSandboxIdp({
    port: sandboxIdpPort(),
    issuer: identity.issuer,
    clientId: identity.clientId,
    redirectUris: [identity.redirectUri],
    tenantId: DEMO_TENANT_ID,
    users: DEMO_USERS,
    stateDir: path.join(dataDir, "sandbox-idp"),
  });
}
