/**
 * The sandbox identity provider: panva's certified `oidc-provider`, configured to look like an
 * Entra ID app registration to MSAL (auth code + PKCE, public SPA client, Entra-shaped id_token
 * claims: oid, tid, name, preferred_username, email, roles). Plain http, so a person's own browser
 * signs in with no certificate warning; MSAL is given the discovery document up front
 * (see lib/auth/msal-public-config.ts), which is why an http issuer works.
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { exportJWK, generateKeyPair, type JWK } from "jose";
import Provider, { errors, interactionPolicy, type Configuration, type KoaContextWithOIDC } from "oidc-provider";
import type { DemoUser } from "@/prisma/demo-data";
import { GRAPH_AUDIENCE, GRAPH_GROUPS_SCOPE, GRAPH_PATH_PREFIX, sandboxGraphHandler } from "@/sandbox/graph/sandbox-graph";
import { accountPickerPage } from "./account-picker";

/** The scope MSAL asks for (Entra names a resource's scopes with its URI as prefix). */
const GRAPH_SCOPE = `${GRAPH_AUDIENCE}/${GRAPH_GROUPS_SCOPE}`;

export interface SandboxIdpOptions {
  /** Port to listen on; 0 picks a free one (tests). */
  port: number;
  /** Issuer URL as browsers reach it; defaults to http://localhost:<port>. */
  issuer?: string;
  clientId: string;
  /** MSAL redirect URIs (sign-in and post-logout), matched exactly. */
  redirectUris: string[];
  tenantId: string;
  users: readonly DemoUser[];
  /** Where to keep the signing key and cookie keys so restarts keep them; omit for throwaway keys. */
  stateDir?: string;
  /** Use this private JWK set instead of generating one (tests sign their own tokens with it). */
  signingKeys?: { keys: JWK[] };
}

export interface SandboxIdp {
  issuer: string;
  port: number;
  close(): Promise<void>;
}

export async function startSandboxIdp(options: SandboxIdpOptions): Promise<SandboxIdp> {
  const server = http.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    // All interfaces, like `next start`: whoever can open the portal can reach its sign-in.
    server.listen(options.port, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const issuer = (options.issuer ?? `http://localhost:${port}`).replace(/\/$/, "");
  const state = await loadState(options);
  const provider = new Provider(issuer, configuration(options, state, issuer));
  provider.use(interactions(provider, options.users));
  // The sandbox's Microsoft Graph shares this server (and its keys): /graph/v1.0/...
  const graph = sandboxGraphHandler({ issuer, signingKeys: state.jwks, users: options.users });
  const oidc = provider.callback();
  server.on("request", (req, res) => {
    if (req.url === GRAPH_PATH_PREFIX || req.url?.startsWith(`${GRAPH_PATH_PREFIX}/`)) void graph(req, res);
    else void oidc(req, res);
  });
  return {
    issuer,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

interface IdpState {
  jwks: { keys: JWK[] };
  cookieKeys: string[];
}

function configuration(options: SandboxIdpOptions, state: IdpState, issuer: string): Configuration {
  const byOid = new Map(options.users.map((u) => [u.oid, u]));
  // Entra supports prompt=select_account; oidc-provider only knows login/consent/none by default.
  const policy = interactionPolicy.base();
  policy.add(new interactionPolicy.Prompt({ name: "select_account", requestable: true }), 0);
  return {
    clients: [
      {
        client_id: options.clientId,
        client_name: "Feedgate (sandbox)",
        application_type: "web",
        token_endpoint_auth_method: "none",
        grant_types: ["authorization_code"],
        response_types: ["code"],
        redirect_uris: options.redirectUris,
        post_logout_redirect_uris: options.redirectUris,
      },
    ],
    jwks: state.jwks,
    cookies: { keys: state.cookieKeys },
    pkce: { required: () => true },
    scopes: ["openid", "profile", "email"],
    claims: {
      openid: ["sub"],
      profile: ["name", "preferred_username", "oid", "tid", "roles", "groups"],
      email: ["email"],
    },
    // Put profile claims in the id_token itself, as Entra does, not only behind /userinfo.
    conformIdTokenClaims: false,
    // Browsers may call the token endpoint only from the portal's own origin.
    clientBasedCORS: (_ctx, origin, client) => (client.redirectUris ?? []).some((u) => new URL(u).origin === origin),
    features: {
      devInteractions: { enabled: false },
      // Graph access tokens: MSAL never sends `resource`, so it is inferred from the scope's prefix, as Entra does.
      resourceIndicators: {
        enabled: true,
        defaultResource: async (ctx, _client, oneOf) =>
          oneOf ?? (String(ctx.oidc.params?.scope ?? "").split(" ").some((x) => x.startsWith(`${GRAPH_AUDIENCE}/`)) ? GRAPH_AUDIENCE : undefined),
        useGrantedResource: async () => true,
        getResourceServerInfo: async (_ctx, indicator) => {
          if (indicator !== GRAPH_AUDIENCE) throw new errors.InvalidTarget();
          return { scope: GRAPH_SCOPE, audience: GRAPH_AUDIENCE, accessTokenFormat: "jwt", accessTokenTTL: 3600, jwt: { sign: { alg: "RS256" } } };
        },
      },
      rpInitiatedLogout: {
        enabled: true,
        // Entra signs out without a confirmation page; submit oidc-provider's form at once.
        logoutSource: async (ctx, form) => {
          ctx.body = `<!doctype html><html><body>${form.replace("</form>", '<input type="hidden" name="logout" value="yes"></form>')}<script>document.forms[0].submit()</script></body></html>`;
        },
      },
    },
    ttl: { IdToken: 3600, AccessToken: 3600, AuthorizationCode: 60, Session: 8 * 3600, Interaction: 600, Grant: 8 * 3600 },
    // Entra-shaped Graph access tokens: oid, tid and the granted scope's name in `scp`.
    extraTokenClaims: async (_ctx, token) => {
      if (token.kind !== "AccessToken") return undefined;
      const user = byOid.get(token.accountId);
      if (!user) return undefined;
      return { oid: user.oid, tid: options.tenantId, scp: GRAPH_GROUPS_SCOPE };
    },
    findAccount: async (_ctx, sub) => {
      const user = byOid.get(sub);
      if (!user) return undefined;
      return {
        accountId: sub,
        claims: async () => ({
          sub,
          oid: user.oid,
          tid: options.tenantId,
          name: user.name,
          preferred_username: user.email,
          email: user.email,
          roles: user.roles,
          // Too many groups for a token: Entra names a distributed claim instead (groups overage).
          ...(user.groupsOverage
            ? { _claim_names: { groups: "src1" }, _claim_sources: { src1: { endpoint: `${issuer}${GRAPH_PATH_PREFIX}/v1.0/users/${user.oid}/getMemberObjects` } } }
            : { groups: user.groups }),
        }),
      };
    },
    // A first-party app: grant the requested OpenID scopes without a consent screen, as Entra
    // does for an app with admin consent.
    loadExistingGrant: async (ctx) => {
      const oidc = ctx.oidc;
      if (!oidc.client || !oidc.session?.accountId) return undefined;
      const grantId = oidc.result?.consent?.grantId ?? oidc.session.grantIdFor(oidc.client.clientId);
      const existing = grantId ? await oidc.provider.Grant.find(grantId) : undefined;
      const grant = existing ?? new oidc.provider.Grant({ clientId: oidc.client.clientId, accountId: oidc.session.accountId });
      grant.addOIDCScope([...(oidc.requestParamOIDCScopes ?? [])].join(" ") || "openid");
      for (const [indicator, server] of Object.entries(oidc.resourceServers ?? {})) if (server.scope) grant.addResourceScope(indicator, server.scope);
      await grant.save();
      return grant;
    },
    interactions: { policy, url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    renderError: async (ctx, out) => {
      ctx.type = "html";
      ctx.body = `<!doctype html><title>Sign-in error</title><h1>Sign-in error</h1><pre id="op-error">${JSON.stringify(out, null, 2).replace(/[&<>]/g, (c) => `&#${c.charCodeAt(0)};`)}</pre>`;
    },
  };
}

/** The account picker (GET) and its submission (POST) for one pending interaction. */
function interactions(provider: Provider, users: readonly DemoUser[]) {
  return async (ctx: KoaContextWithOIDC, next: () => Promise<unknown>) => {
    const match = /^\/interaction\/([\w-]+)(\/login)?$/.exec(ctx.path);
    if (!match) return next();
    ctx.set("cache-control", "no-store");
    const details = await provider.interactionDetails(ctx.req, ctx.res);
    if (details.uid !== match[1]) ctx.throw(400, "interaction mismatch");
    if (ctx.method === "GET" && !match[2]) {
      ctx.type = "html";
      ctx.body = accountPickerPage(details.uid, users);
      return;
    }
    if (ctx.method === "POST" && match[2]) {
      const form = await readForm(ctx.req);
      const email = form.get("email")?.trim().toLowerCase();
      const user = users.find((u) => u.oid === form.get("oid") || (email !== undefined && u.email === email));
      if (!user) {
        ctx.type = "html";
        ctx.body = accountPickerPage(details.uid, users, "No seeded account has that email address.");
        return;
      }
      const result = { login: { accountId: user.oid, amr: ["pwd"] }, ...(details.prompt.name === "select_account" ? { select_account: {} } : {}) };
      await provider.interactionFinished(ctx.req, ctx.res, result, { mergeWithLastSubmission: false });
      ctx.respond = false;
      return;
    }
    return next();
  };
}

async function readForm(req: http.IncomingMessage): Promise<URLSearchParams> {
  let body = "";
  for await (const chunk of req) {
    body += String(chunk);
    if (body.length > 10_000) break;
  }
  return new URLSearchParams(body);
}

async function loadState(options: SandboxIdpOptions): Promise<IdpState> {
  if (options.signingKeys) return { jwks: options.signingKeys, cookieKeys: [randomBytes(32).toString("base64url")] };
  const file = options.stateDir ? path.join(options.stateDir, "sandbox-idp-keys.json") : undefined;
  if (file && existsSync(file)) return JSON.parse(readFileSync(file, "utf8")) as IdpState;
  const { privateKey } = await generateKeyPair("RS256", { extractable: true });
  const jwk: JWK = { ...(await exportJWK(privateKey)), kid: `sandbox-${randomBytes(4).toString("hex")}`, alg: "RS256", use: "sig" };
  const state: IdpState = { jwks: { keys: [jwk] }, cookieKeys: [randomBytes(32).toString("base64url")] };
  if (file && options.stateDir) {
    mkdirSync(options.stateDir, { recursive: true });
    writeFileSync(file, JSON.stringify(state), { mode: 0o600 });
  }
  return state;
}
