import "server-only";
import { getIdentityConfig } from "./identity-config";
import { getIssuer } from "./issuer-metadata";

/** Everything the browser's MSAL needs; public values only (client id, URLs), never a secret. */
export interface MsalPublicConfig {
  clientId: string;
  authority: string;
  knownAuthorities: string[];
  /** Sandbox only: the provider's discovery document, so MSAL never fetches it (see identity-config.ts). */
  authorityMetadata?: string;
  protocolMode: "AAD" | "OIDC";
  redirectUri: string;
  scopes: string[];
  /** Asked for only on groups overage, to read the person's groups from Microsoft Graph. */
  graphScopes: string[];
}

/** Computed on the server from env and passed to the client as props, so nothing needs NEXT_PUBLIC_. */
export async function getMsalPublicConfig(): Promise<MsalPublicConfig> {
  const identity = getIdentityConfig();
  const base = { clientId: identity.clientId, authority: identity.authority, redirectUri: identity.redirectUri, scopes: ["openid", "profile", "email"], graphScopes: ["https://graph.microsoft.com/GroupMember.Read.All"] };
  if (identity.mode === "entra") return { ...base, knownAuthorities: [], protocolMode: "AAD" };
  const { metadata } = await getIssuer();
  return { ...base, knownAuthorities: [new URL(identity.authority).host], authorityMetadata: JSON.stringify(metadata), protocolMode: "OIDC" };
}
