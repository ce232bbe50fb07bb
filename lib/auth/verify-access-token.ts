import "server-only";
import { errors as joseErrors, jwtVerify } from "jose";
import { z } from "zod";
import type { PrismaClient } from "@/lib/db/client";
import { env } from "@/lib/env";
import type { ActingUser } from "./acting-user";
import { getIdentityConfig } from "./identity-config";
import { getIssuer } from "./issuer-metadata";
import { rolesFromClaims } from "./roles";
import { TokenRejectedError } from "./token-rejected-error";

const claimsSchema = z.object({
  oid: z.string().min(1).max(128),
  /** Delegated (user) tokens carry scopes; app-only tokens (client credentials) do not. */
  scp: z.string().max(2000).optional(),
  /** The calling app's client id: `azp` in v2 tokens, `appid` in v1. */
  azp: z.string().max(128).optional(),
  appid: z.string().max(128).optional(),
});

/**
 * Verifies an Entra-shaped OAuth access token for Feedgate's API (a `Bearer` header) with the
 * same rules as the sign-in id_token: RS256 against the issuer's JWKS, exact issuer, our audience,
 * exp/nbf with one minute of skew. The caller becomes an ActingUser so every domain function
 * applies the same role and team checks as for a signed-in person:
 *  - a delegated token (`scp` present) acts as the Feedgate user with that `oid`, with the roles
 *    the token grants and the teams the database says they belong to;
 *  - an app-only token (client credentials, no `scp`) acts as the app, with the app roles granted
 *    to it (`roles`) and the teams APP_TOKEN_TEAMS maps its client id to (none otherwise).
 */
export async function verifyAccessToken(db: PrismaClient, token: string): Promise<ActingUser> {
  const { issuer, clientId } = getIdentityConfig();
  const { jwks } = await getIssuer();
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtVerify(token, jwks, {
      issuer,
      audience: env.API_AUDIENCE ?? [clientId, `api://${clientId}`],
      algorithms: ["RS256"],
      requiredClaims: ["exp", "iat"],
      clockTolerance: "1m",
    }));
  } catch (error) {
    throw new TokenRejectedError(error instanceof joseErrors.JOSEError ? `${error.code}: ${error.message}`.slice(0, 300) : "unverifiable token");
  }
  const parsed = claimsSchema.safeParse(payload);
  if (!parsed.success) throw new TokenRejectedError(`claims: ${parsed.error.issues[0]?.path.join(".") ?? "invalid"}`);
  const claims = parsed.data;
  const roles = rolesFromClaims(payload, env.ROLE_GROUP_MAP);

  if (claims.scp !== undefined) {
    const user = await db.user.findUnique({ where: { entraOid: claims.oid }, select: { id: true, entraOid: true, name: true, email: true, memberships: { select: { teamId: true } } } });
    if (!user) throw new TokenRejectedError("the token's user has never signed in to Feedgate");
    return { id: user.id, oid: user.entraOid, name: user.name, email: user.email, roles, teamIds: user.memberships.map((m) => m.teamId) };
  }
  const appId = claims.azp ?? claims.appid;
  if (!appId) throw new TokenRejectedError("claims: an app-only token names no client id (azp/appid)");
  const slugs = env.APP_TOKEN_TEAMS[appId] ?? [];
  const teams = slugs.length ? await db.team.findMany({ where: { slug: { in: slugs } }, select: { id: true } }) : [];
  return { id: `app:${appId}`, oid: claims.oid, name: `App ${appId}`, email: "", roles, teamIds: teams.map((t) => t.id) };
}
