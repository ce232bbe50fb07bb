import "server-only";
import { decodeJwt } from "jose";
import { z } from "zod";
import { env, isSandboxIdentity } from "@/lib/env";
import { getLogger } from "@/lib/logger";
import { getIdentityConfig } from "./identity-config";

/** Entra group object ids are GUIDs; anything else in a groups claim or a Graph answer is ignored, never matched. */
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** At most this many group ids are kept from one token or one Graph walk. */
export const MAX_GROUPS = 5000;

export function isGroupId(value: unknown): value is string {
  return typeof value === "string" && GUID.test(value);
}

/** The GUID strings of a `groups` claim, lower case and deduplicated; everything else dropped. */
export function groupIdsFromClaim(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  const ids = new Set<string>();
  for (const v of value) {
    if (isGroupId(v)) ids.add(v.toLowerCase());
    if (ids.size >= MAX_GROUPS) break;
  }
  return [...ids];
}

/**
 * Entra leaves `groups` out of an id_token when the person is in too many groups: it names a
 * distributed claim instead (`_claim_names.groups`), or in implicit-flow tokens sets `hasgroups`.
 */
export function hasGroupsOverage(claims: Record<string, unknown>): boolean {
  const names = claims._claim_names;
  const named = typeof names === "object" && names !== null && "groups" in names;
  return named || claims.hasgroups === true;
}

/** Reads the signed-in person's groups from Microsoft Graph. One real implementation: graphGroupReader. */
export interface GraphGroupReader {
  /** Every group the token's subject is a transitive member of; throws on any failure. */
  transitiveGroupIds(accessToken: string): Promise<string[]>;
}

const MAX_PAGES = 20;
const pageSchema = z.object({
  value: z.array(z.object({ id: z.unknown() }).loose()),
  "@odata.nextLink": z.string().optional(),
});

/**
 * `GET {base}/v1.0/me/transitiveMemberOf/microsoft.graph.group?$select=id`, following
 * `@odata.nextLink` only on the base URL's own origin (a link elsewhere would carry the token
 * away), for at most 20 pages.
 */
export function graphGroupReader(baseUrl: string): GraphGroupReader {
  const origin = new URL(baseUrl).origin;
  return {
    async transitiveGroupIds(accessToken) {
      const ids = new Set<string>();
      let next: string | undefined = `${baseUrl.replace(/\/$/, "")}/v1.0/me/transitiveMemberOf/microsoft.graph.group?$select=id&$top=999`;
      for (let page = 0; next !== undefined; page++) {
        if (page >= MAX_PAGES) throw new Error(`Graph: more than ${MAX_PAGES} pages of groups`);
        const url: URL = new URL(next);
        if (url.origin !== origin) throw new Error(`Graph: nextLink leaves ${origin}`);
        const res = await fetch(url, { headers: { authorization: `Bearer ${accessToken}`, accept: "application/json" }, cache: "no-store", signal: AbortSignal.timeout(10_000) });
        if (!res.ok) throw new Error(`Graph: ${res.status} on transitiveMemberOf`);
        const body = pageSchema.safeParse(await res.json().catch(() => null));
        if (!body.success) throw new Error("Graph: unexpected answer shape");
        for (const g of body.data.value) if (isGroupId(g.id) && ids.size < MAX_GROUPS) ids.add(g.id.toLowerCase());
        next = body.data["@odata.nextLink"];
      }
      return [...ids];
    },
  };
}

/** Graph's base URL: GRAPH_BASE_URL, else the sandbox provider's Graph in sandbox sign-in, else Microsoft Graph. */
export function graphBaseUrl(): string {
  if (env.GRAPH_BASE_URL) return env.GRAPH_BASE_URL;
  return isSandboxIdentity() ? `${getIdentityConfig().issuer}/graph` : "https://graph.microsoft.com";
}

/**
 * The groups of an overage sign-in, or undefined when they cannot be known (no Graph token sent,
 * a token issued to someone else, Graph failing): the caller then keeps the person's existing
 * entra memberships. Logs a warning, never the token.
 *
 * The token must be the signed-in person's own: its `oid` must be theirs. The claim is read
 * without verifying the signature (Graph tokens are Graph's to verify), which is enough here:
 * Graph answers only for a genuine token, and a genuine token names its real owner, so someone
 * else's token is refused and a forged one gets nothing from Graph.
 */
export async function resolveOverageGroups(accessToken: string | undefined, signedInOid: string, reader: GraphGroupReader = graphGroupReader(graphBaseUrl())): Promise<string[] | undefined> {
  if (!accessToken) {
    getLogger().warn("groups overage but no Graph token was sent; team memberships from groups left as they were");
    return undefined;
  }
  if (graphTokenOwner(accessToken)?.toLowerCase() !== signedInOid.toLowerCase()) {
    getLogger().warn("the Graph token sent at sign-in belongs to someone else; team memberships from groups left as they were");
    return undefined;
  }
  try {
    return await reader.transitiveGroupIds(accessToken);
  } catch (error) {
    getLogger().warn({ reason: error instanceof Error ? error.message.slice(0, 200) : "unknown" }, "could not read groups from Microsoft Graph; team memberships from groups left as they were");
    return undefined;
  }
}

function graphTokenOwner(accessToken: string): string | undefined {
  try {
    const oid = decodeJwt(accessToken).oid;
    return typeof oid === "string" ? oid : undefined;
  } catch {
    return undefined;
  }
}
