"use client";

import { PublicClientApplication, type Configuration, ProtocolMode } from "@azure/msal-browser";
import { MsalProvider } from "@azure/msal-react";
import type { ReactNode } from "react";
import type { MsalPublicConfig } from "@/lib/auth/msal-public-config";

let pca: { key: string; instance: PublicClientApplication } | undefined;

/** One MSAL instance per page load, built from the server-computed public configuration. */
function instanceFor(config: MsalPublicConfig): PublicClientApplication {
  const key = JSON.stringify(config);
  if (pca?.key !== key) pca = { key, instance: new PublicClientApplication(toMsalConfiguration(config)) };
  return pca.instance;
}

export function MsalRoot({ config, children }: { config: MsalPublicConfig; children: ReactNode }) {
  return <MsalProvider instance={instanceFor(config)}>{children}</MsalProvider>;
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
