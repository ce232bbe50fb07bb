import { PublicClientApplication, ProtocolMode, type Configuration } from "@azure/msal-browser";
import type { MsalPublicConfig } from "@/lib/auth/msal-public-config";

/**
 * The browser's MSAL, loaded only where it is used: /signin (its redirects) and the moment
 * someone signs out (to end the provider's session and clear MSAL's cache). Callers import this
 * module dynamically, so the 80 KB library is not part of any page's first load.
 */
export async function createMsal(config: MsalPublicConfig): Promise<PublicClientApplication> {
  const instance = new PublicClientApplication(toMsalConfiguration(config));
  await instance.initialize();
  return instance;
}

function toMsalConfiguration(config: MsalPublicConfig): Configuration {
  return {
    auth: {
      clientId: config.clientId,
      authority: config.authority,
      knownAuthorities: config.knownAuthorities,
      authorityMetadata: config.authorityMetadata,
      redirectUri: config.redirectUri,
      postLogoutRedirectUri: config.redirectUri,
      // No offline_access: the portal needs only the id_token, and the sandbox provider would
      // otherwise withhold tokens it cannot refresh.
      OIDCOptions: { defaultScopes: ["openid", "profile"] },
    },
    // localStorage, so a sign-out from any tab can still hand the provider an id_token_hint.
    cache: { cacheLocation: "localStorage" },
    system: { protocolMode: config.protocolMode === "AAD" ? ProtocolMode.AAD : ProtocolMode.OIDC },
  };
}
