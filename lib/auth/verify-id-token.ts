import "server-only";
import { timingSafeEqual } from "node:crypto";
import { errors as joseErrors, jwtVerify } from "jose";
import { z } from "zod";
import { env } from "@/lib/env";
import { groupIdsFromClaim, hasGroupsOverage } from "./graph-groups";
import { getIdentityConfig } from "./identity-config";
import { getIssuer } from "./issuer-metadata";
import { rolesFromClaims, type Role } from "./roles";
import { TokenRejectedError } from "./token-rejected-error";

export interface VerifiedIdentity {
  oid: string;
  tenantId: string | undefined;
  name: string;
  email: string;
  roles: Role[];
  /**
   * The Entra group object ids the token names (GUIDs only; anything else is dropped), or
   * undefined when the token names none because of groups overage (`_claim_names.groups` or
   * `hasgroups`): then they must be read from Microsoft Graph (lib/auth/graph-groups.ts).
   */
  groups: string[] | undefined;
}

const claimsSchema = z.object({
  oid: z.string().min(1).max(128),
  tid: z.string().max(128).optional(),
  name: z.string().max(256).optional(),
  preferred_username: z.string().max(256).optional(),
  email: z.string().max(256).optional(),
  nonce: z.string(),
});

/**
 * Verifies an id_token exactly once, the same way in every mode: signature against the issuer's
 * JWKS (RS256 only, so `alg: none` and HMAC tricks fail), issuer, audience = our client id,
 * exp/nbf with one minute of clock skew, issued within the last 10 minutes, and the nonce we
 * minted for this browser. Throws TokenRejectedError with a reason for the audit trail.
 */
export async function verifyIdToken(idToken: string, expectedNonce: string | undefined): Promise<VerifiedIdentity> {
  const { issuer, clientId } = getIdentityConfig();
  const { jwks } = await getIssuer();
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtVerify(idToken, jwks, {
      issuer,
      audience: clientId,
      algorithms: ["RS256"],
      requiredClaims: ["exp", "iat", "nonce"],
      maxTokenAge: "10m",
      clockTolerance: "1m",
    }));
  } catch (error) {
    throw new TokenRejectedError(describeJoseError(error));
  }
  const parsed = claimsSchema.safeParse(payload);
  if (!parsed.success) throw new TokenRejectedError(`claims: ${parsed.error.issues[0]?.path.join(".") ?? "invalid"}`);
  const claims = parsed.data;
  if (!expectedNonce || !safeEqual(claims.nonce, expectedNonce)) throw new TokenRejectedError("nonce: does not match this browser's sign-in");
  const email = claims.email ?? claims.preferred_username;
  if (!email) throw new TokenRejectedError("claims: neither email nor preferred_username");
  return {
    oid: claims.oid,
    tenantId: claims.tid,
    name: claims.name ?? email,
    email: email.toLowerCase(),
    roles: rolesFromClaims(payload, env.ROLE_GROUP_MAP),
    groups: hasGroupsOverage(payload) ? undefined : groupIdsFromClaim(payload.groups),
  };
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function describeJoseError(error: unknown): string {
  if (error instanceof joseErrors.JOSEError) {
    const claim = error instanceof joseErrors.JWTClaimValidationFailed ? ` (${error.claim})` : "";
    return `${error.code}${claim}: ${error.message}`.slice(0, 300);
  }
  return "unverifiable token";
}
