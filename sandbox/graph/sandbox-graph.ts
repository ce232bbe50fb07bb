/**
 * The sandbox's Microsoft Graph: just `GET /v1.0/me/transitiveMemberOf/microsoft.graph.group`,
 * the call Feedgate makes on groups overage. Mounted on the sandbox identity provider's server
 * under /graph, it checks the bearer token as Graph would (signature against the provider's own
 * keys, issuer, aud https://graph.microsoft.com, the GroupMember.Read.All scope in `scp`) and
 * answers in Graph's JSON shape, a few groups a page with `@odata.nextLink`, so paging is real.
 */
import type http from "node:http";
import { createLocalJWKSet, jwtVerify, type JWK } from "jose";
import type { DemoUser } from "@/prisma/demo-data";

export const GRAPH_AUDIENCE = "https://graph.microsoft.com";
export const GRAPH_GROUPS_SCOPE = "GroupMember.Read.All";
export const GRAPH_PATH_PREFIX = "/graph";

export interface SandboxGraphOptions {
  /** The identity provider's issuer (tokens must name it); Graph's base URL is `${issuer}/graph`. */
  issuer: string;
  /** The provider's signing keys; only their public parts are used. */
  signingKeys: { keys: JWK[] };
  users: readonly DemoUser[];
  /** Groups per page (Graph's default is 100; small here so paging is exercised). */
  pageSize?: number;
}

/** A request handler for paths under /graph; answers 404 for anything else Graph would not serve here. */
export function sandboxGraphHandler(options: SandboxGraphOptions) {
  const jwks = createLocalJWKSet({ keys: options.signingKeys.keys.map(publicPart) });
  const byOid = new Map(options.users.map((u) => [u.oid, u]));
  const pageSize = options.pageSize ?? 1;
  const base = `${options.issuer}${GRAPH_PATH_PREFIX}`;
  return async (req: http.IncomingMessage, res: http.ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://sandbox.invalid");
    if (req.method !== "GET" || url.pathname !== `${GRAPH_PATH_PREFIX}/v1.0/me/transitiveMemberOf/microsoft.graph.group`) {
      return graphError(res, 404, "Request_ResourceNotFound", "Resource not found for the segment.");
    }
    const token = /^Bearer ([\w.-]+)$/.exec(req.headers.authorization ?? "")?.[1];
    if (!token) return graphError(res, 401, "InvalidAuthenticationToken", "Access token is empty.");
    let oid: unknown;
    try {
      const { payload } = await jwtVerify(token, jwks, { issuer: options.issuer, audience: GRAPH_AUDIENCE, algorithms: ["RS256"] });
      const scopes = String(payload.scp ?? "").split(" ");
      if (!scopes.includes(GRAPH_GROUPS_SCOPE)) return graphError(res, 403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.");
      oid = payload.oid ?? payload.sub;
    } catch {
      return graphError(res, 401, "InvalidAuthenticationToken", "Access token validation failure.");
    }
    const user = typeof oid === "string" ? byOid.get(oid) : undefined;
    if (!user) return graphError(res, 404, "Request_ResourceNotFound", "The user does not exist.");
    const skip = Math.max(0, Number.parseInt(url.searchParams.get("$skiptoken") ?? "0", 10) || 0);
    const page = user.groups.slice(skip, skip + pageSize);
    const next = skip + pageSize < user.groups.length ? `${base}/v1.0/me/transitiveMemberOf/microsoft.graph.group?$select=id&$skiptoken=${skip + pageSize}` : undefined;
    res.writeHead(200, { "content-type": "application/json;odata.metadata=minimal", "cache-control": "no-store" });
    res.end(
      JSON.stringify({
        "@odata.context": `${base}/v1.0/$metadata#directoryObjects(id)`,
        value: page.map((id) => ({ "@odata.type": "#microsoft.graph.group", id })),
        ...(next ? { "@odata.nextLink": next } : {}),
      }),
    );
  };
}

function graphError(res: http.ServerResponse, status: number, code: string, message: string) {
  res.writeHead(status, { "content-type": "application/json", "cache-control": "no-store" });
  res.end(JSON.stringify({ error: { code, message } }));
}

function publicPart(jwk: JWK): JWK {
  const { kty, n, e, kid, alg, use, crv, x, y } = jwk;
  return Object.fromEntries(Object.entries({ kty, n, e, kid, alg, use, crv, x, y }).filter(([, v]) => v !== undefined)) as JWK;
}
