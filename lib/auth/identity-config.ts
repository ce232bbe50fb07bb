/**
 * Where sign-in happens, derived from env: the real Entra tenant when ENTRA_TENANT_ID is set,
 * otherwise the sandbox identity provider that `npm start` runs (sandbox/idp). Both modes share
 * every check; only the issuer, client id and MSAL protocol differ.
 * No "server-only" here: scripts/start.ts reads it to start the sandbox provider.
 */
import { env, isSandboxIdentity } from "@/lib/env";

/** The sandbox app registration's client id (public: it appears in every authorize URL). */
export const SANDBOX_CLIENT_ID = "3f5a7c9e-0d1b-4c2e-8f6a-0000feed0001";

export interface IdentityConfig {
  mode: "entra" | "sandbox";
  /** Exact `iss` the id_token must carry. */
  issuer: string;
  /** Expected `aud`: the SPA registration's client id. */
  clientId: string;
  /** Where MSAL sends people back after sign-in and sign-out (registered with the provider). */
  redirectUri: string;
  /** MSAL's authority URL (no /v2.0 suffix for Entra; a nominal https URL for the sandbox). */
  authority: string;
}

export function getIdentityConfig(): IdentityConfig {
  const appUrl = new URL(env.APP_URL);
  const redirectUri = new URL("/signin", appUrl).toString();
  if (!isSandboxIdentity()) {
    const host = env.ENTRA_AUTHORITY_HOST.replace(/\/+$/, "");
    return {
      mode: "entra",
      issuer: `${host}/${env.ENTRA_TENANT_ID}/v2.0`,
      clientId: env.ENTRA_CLIENT_ID ?? "",
      redirectUri,
      authority: `${host}/${env.ENTRA_TENANT_ID}`,
    };
  }
  const issuer = sandboxIssuer();
  const nominal = new URL(issuer);
  // MSAL refuses http authorities, yet a person's browser must reach the sandbox without a
  // certificate warning. MSAL only compares the issuer on metadata it fetched itself, so it gets
  // an https authority it never contacts plus the real (http) metadata; see msal-public-config.ts.
  nominal.protocol = "https:";
  return { mode: "sandbox", issuer, clientId: SANDBOX_CLIENT_ID, redirectUri, authority: nominal.toString().replace(/\/$/, "") };
}

export function sandboxIdpPort(): number {
  return env.SANDBOX_IDP_PORT ?? env.PORT + 1;
}

function sandboxIssuer(): string {
  if (env.SANDBOX_IDP_ISSUER) return env.SANDBOX_IDP_ISSUER.replace(/\/$/, "");
  // Same host name people use for the portal, so their browser reaches it too.
  return `http://${new URL(env.APP_URL).hostname}:${sandboxIdpPort()}`;
}
