import "server-only";
import { createRemoteJWKSet, type JWTVerifyGetKey } from "jose";
import { z } from "zod";
import { getIdentityConfig } from "./identity-config";

const metadataSchema = z.looseObject({
  issuer: z.string(),
  authorization_endpoint: z.string(),
  token_endpoint: z.string(),
  jwks_uri: z.string(),
  end_session_endpoint: z.string().optional(),
});
export type IssuerMetadata = z.infer<typeof metadataSchema>;

const TTL_MS = 60 * 60 * 1000;
let cache: { issuer: string; at: number; metadata: IssuerMetadata; jwks: JWTVerifyGetKey } | undefined;

/**
 * The issuer's OpenID discovery document and its key set, cached for an hour. The document must
 * name exactly the configured issuer, so a misconfigured or spoofed endpoint fails closed.
 */
export async function getIssuer(): Promise<{ metadata: IssuerMetadata; jwks: JWTVerifyGetKey }> {
  const { issuer } = getIdentityConfig();
  if (cache && cache.issuer === issuer && Date.now() - cache.at < TTL_MS) return cache;
  const res = await fetch(`${issuer}/.well-known/openid-configuration`, { cache: "no-store", signal: AbortSignal.timeout(5000) });
  if (!res.ok) throw new Error(`OpenID discovery at ${issuer} answered ${res.status}`);
  const metadata = metadataSchema.parse(await res.json());
  if (metadata.issuer !== issuer) throw new Error(`OpenID discovery names issuer ${metadata.issuer}, expected ${issuer}`);
  // jose refetches the key set when a token names an unknown kid, so key rollover needs no restart.
  const jwks = createRemoteJWKSet(new URL(metadata.jwks_uri), { timeoutDuration: 5000, cooldownDuration: 30_000, cacheMaxAge: 10 * 60_000 });
  cache = { issuer, at: Date.now(), metadata, jwks };
  return cache;
}
