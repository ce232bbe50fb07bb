import type { SandboxRequest, SandboxResponse } from "../core/http";
import { Router, isRecord, parseBasicAuth, parseJsonBody } from "../core/http";
import { condaChannelResponse } from "../packages/conda-channel";
import { distributionFile, simpleIndexProject, simpleIndexRoot } from "../packages/pypi-index";
import type { Upstream } from "../packages/upstream";
import { createGroupRoutes, createRoutingRuleRoutes, routingRefusal, serveGroup } from "./nexus-governance";
import { nexusErrorPage, nexusMessage, siestaFault, validationErrors, type NexusRepository, type NexusState, type NexusUser } from "./nexus-wire";

/**
 * Sonatype Nexus Repository 3 imitation: REST API under /service/rest (status, repositories,
 * pypi/conda proxies, pypi groups, routing rules, anonymous access, users) and repository content
 * under /repository/NAME/. Groups and routing rules live in nexus-governance.ts.
 */
export type { NexusRepository, NexusState } from "./nexus-wire";
export { nexusErrorPage, nexusMessage, siestaFault } from "./nexus-wire";

const NAME_PATTERN = /^[a-zA-Z0-9-][a-zA-Z0-9_.-]*$/;
const NAME_MESSAGE = "Only letters, digits, underscores(_), hyphens(-), and dots(.) are allowed and may not start with underscore or dot.";

/** What the sandbox Nexus says it is, as Nexus Repository 3 OSS does (`Server: Nexus/<version> (OSS)`). */
export const SANDBOX_NEXUS_SERVER = "Nexus/3.94.0-02 (OSS)";

export function createNexusService(upstream: Upstream, adminPassword: string): { router: Router; state: NexusState } {
  const state: NexusState = {
    repositories: new Map(),
    users: new Map([
      ["admin", { userId: "admin", firstName: "Administrator", lastName: "User", emailAddress: "admin@example.org", password: adminPassword, status: "active", roles: ["nx-admin"] }],
    ]),
    anonymousEnabled: false,
    routingRules: new Map(),
  };
  const router = new Router();
  const R = "/service/rest";

  // Nexus names itself in the Server header of every answer; the status check is where clients read it.
  router.add("GET", `${R}/v1/status`, () => ({ status: 200, headers: { server: SANDBOX_NEXUS_SERVER } }));
  router.add("GET", `${R}/v1/status/writable`, () => ({ status: 200 }));
  router.add("GET", `${R}/v1/status/check`, (req) =>
    withAdmin(state, req, () => ({
      status: 200,
      json: {
        "Available CPUs": { healthy: true, message: "The host system is allocating a maximum of 2 cores to the application.", error: null, details: null, time: Date.now(), duration: 0, timestamp: new Date().toISOString() },
        "Blob Stores Ready": { healthy: true, message: "All 1 blob stores are ready", error: null, details: null, time: Date.now(), duration: 0, timestamp: new Date().toISOString() },
      },
    })),
  );

  router.add("GET", `${R}/v1/repositories`, (req) => withRead(state, req, () => ({ status: 200, json: [...state.repositories.values()].map((r) => summary(r, req.baseUrl)) })));
  router.add("GET", `${R}/v1/repositorySettings`, (req) => withAdmin(state, req, () => ({ status: 200, json: [...state.repositories.values()].map((r) => detail(r, req.baseUrl)) })));
  router.add("GET", `${R}/v1/repositories/{name}`, (req) =>
    withRead(state, req, () => {
      const repo = state.repositories.get(req.params.name ?? "");
      return repo ? { status: 200, json: summary(repo, req.baseUrl) } : repoNotFound();
    }),
  );
  router.add("DELETE", `${R}/v1/repositories/{name}`, (req) =>
    withAdmin(state, req, () => {
      const name = req.params.name ?? "";
      if (!state.repositories.delete(name)) return repoNotFound();
      // A deleted repository leaves every group it was a member of.
      for (const repo of state.repositories.values()) if (repo.group) repo.group.memberNames = repo.group.memberNames.filter((m) => m !== name);
      return { status: 204 };
    }),
  );
  createGroupRoutes(router, R, { state, withAdmin: (req, fn) => withAdmin(state, req, fn), detail });
  createRoutingRuleRoutes(router, R, { state, withAdmin: (req, fn) => withAdmin(state, req, fn) });

  for (const format of ["pypi", "conda"] as const) {
    router.add("POST", `${R}/v1/repositories/${format}/proxy`, (req) =>
      withAdmin(state, req, () => {
        const parsed = validateProxyBody(req, format);
        if ("error" in parsed) return parsed.error;
        const repo = parsed.repo;
        if (repo.routingRuleName && !state.routingRules.has(repo.routingRuleName)) return nexusMessage(400, `Routing rule ${repo.routingRuleName} does not exist`);
        if (state.repositories.has(repo.name) || [...state.repositories.keys()].some((k) => k.toLowerCase() === repo.name.toLowerCase())) {
          return nexusMessage(400, `Failed to create repository: Duplicate key: repository name ${repo.name} already exists`);
        }
        state.repositories.set(repo.name, repo);
        return { status: 201 };
      }),
    );
    router.add("GET", `${R}/v1/repositories/${format}/proxy/{name}`, (req) =>
      withAdmin(state, req, () => {
        const repo = state.repositories.get(req.params.name ?? "");
        if (!repo || repo.format !== format || repo.type !== "proxy") return repoNotFound();
        return { status: 200, json: detail(repo, req.baseUrl) };
      }),
    );
    router.add("PUT", `${R}/v1/repositories/${format}/proxy/{name}`, (req) =>
      withAdmin(state, req, () => {
        const existing = state.repositories.get(req.params.name ?? "");
        if (!existing || existing.format !== format || existing.type !== "proxy") return repoNotFound();
        const parsed = validateProxyBody(req, format);
        if ("error" in parsed) return parsed.error;
        if (parsed.repo.name !== existing.name) return nexusMessage(400, "Renaming a repository is not supported");
        if (parsed.repo.routingRuleName && !state.routingRules.has(parsed.repo.routingRuleName)) return nexusMessage(400, `Routing rule ${parsed.repo.routingRuleName} does not exist`);
        state.repositories.set(existing.name, parsed.repo);
        return { status: 204 };
      }),
    );
  }

  router.add("GET", `${R}/v1/security/anonymous`, (req) =>
    withAdmin(state, req, () => ({ status: 200, json: { enabled: state.anonymousEnabled, userId: "anonymous", realmName: "NexusAuthorizingRealm" } })),
  );
  router.add("PUT", `${R}/v1/security/anonymous`, (req) =>
    withAdmin(state, req, () => {
      const body = parseJsonBody(req);
      if (!body.ok || !isRecord(body.value) || typeof body.value.enabled !== "boolean") return validationErrors([["enabled", "must not be null"]]);
      state.anonymousEnabled = body.value.enabled;
      return { status: 200, json: { enabled: state.anonymousEnabled, userId: "anonymous", realmName: "NexusAuthorizingRealm" } };
    }),
  );
  router.add("GET", `${R}/v1/security/users`, (req) => withAdmin(state, req, () => ({ status: 200, json: [...state.users.values()].map(publicUser) })));
  router.add("POST", `${R}/v1/security/users`, (req) =>
    withAdmin(state, req, () => {
      const body = parseJsonBody(req);
      const v = body.ok && isRecord(body.value) ? body.value : {};
      const errors: [string, string][] = [];
      for (const field of ["userId", "firstName", "lastName", "emailAddress", "password", "status"]) if (typeof v[field] !== "string" || v[field] === "") errors.push([field, "must not be empty"]);
      if (!Array.isArray(v.roles) || v.roles.length === 0) errors.push(["roles", "must not be empty"]);
      if (errors.length) return validationErrors(errors);
      const user: NexusUser = {
        userId: String(v.userId),
        firstName: String(v.firstName),
        lastName: String(v.lastName),
        emailAddress: String(v.emailAddress),
        password: String(v.password),
        status: String(v.status),
        roles: (v.roles as unknown[]).map(String),
      };
      if (state.users.has(user.userId)) return nexusMessage(400, `User '${user.userId}' already exists`);
      state.users.set(user.userId, user);
      return { status: 200, json: publicUser(user) };
    }),
  );
  router.add("DELETE", `${R}/v1/security/users/{userId}`, (req) =>
    withAdmin(state, req, () => (state.users.delete(req.params.userId ?? "") ? { status: 204 } : nexusMessage(404, "User not found"))),
  );
  router.add("PUT", `${R}/v1/security/users/{userId}/change-password`, (req) =>
    withAdmin(state, req, () => {
      const user = state.users.get(req.params.userId ?? "");
      if (!user) return nexusMessage(404, "User not found");
      const password = req.body.toString("utf8");
      if (!password) return nexusMessage(400, "Password must be supplied");
      user.password = password;
      return { status: 204 };
    }),
  );

  // Every method reaches the repository's view; a proxy or group routes only GET and HEAD, and its
  // default handler answers anything else with 404 (PyPiProxyRecipe: defaultHandlers(notFound())).
  const content = ["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"];
  router.add(content, "/repository/{name}/{rest*}", (req) => repositoryContent(state, upstream, req));
  router.add(content, "/repository/{name}", (req) => repositoryContent(state, upstream, req));

  return { router, state };
}

/**
 * Nexus's answers for requests no route takes: under /service/rest the bare RESTEasy status (empty body,
 * X-Siesta-FaultId), anywhere else the HTML error page.
 */
export function nexusUnrouted(kind: "not-found" | "method-not-allowed", path: string): SandboxResponse {
  const status = kind === "not-found" ? 404 : 405;
  return /^\/service\/rest(\/|$)/i.test(path) ? siestaFault(status) : nexusErrorPage(status);
}

function repositoryContent(state: NexusState, upstream: Upstream, req: SandboxRequest): SandboxResponse {
  const repo = state.repositories.get(req.params.name ?? "");
  // ViewServlet: HttpResponses.notFound("Repository not found") / serviceUnavailable("Repository offline").
  if (!repo) return nexusErrorPage(404, "Repository not found");
  const auth = authenticate(state, req);
  if (auth === "invalid" || (auth === "anonymous" && !state.anonymousEnabled)) return unauthorized();
  if (!repo.online) return nexusErrorPage(503, "Repository offline");
  if (auth !== "anonymous" && !canView(auth, repo)) return nexusErrorPage(403);
  if (req.method !== "GET" && req.method !== "HEAD") return nexusErrorPage(404);
  return serveContent(state, upstream, repo, req, req.params.rest ?? "", 0);
}

/** One repository's answer for `rest` (the path below /repository/NAME/), routing rule first, as Nexus's view does. */
export function serveContent(state: NexusState, upstream: Upstream, repo: NexusRepository, req: SandboxRequest, rest: string, depth: number): SandboxResponse {
  const refusal = routingRefusal(state, repo, rest);
  if (refusal) return refusal;
  if (repo.type === "group") return serveGroup(state, upstream, repo, req, rest, depth, { serveContent, notFound: () => nexusErrorPage(404) });
  const remote = classifyRemote(repo);
  if (!remote || repo.httpClient.blocked) {
    const reason = repo.httpClient.blocked ? "Remote Manually Blocked" : `Remote ${repo.proxy.remoteUrl} could not be reached`;
    // Nexus sends a bare 502 (ProxyHandler: HttpResponses.badGateway()); the page's description is the sandbox's.
    return { ...nexusErrorPage(502), text: nexusErrorPage(502, `${reason}: proxy repository '${repo.name}' failed to fetch ${rest}`).text };
  }
  if (repo.format === "pypi") {
    const index = remote.source === "internal" ? upstream.internal : upstream;
    if (!index) return { ...nexusErrorPage(502), text: nexusErrorPage(502, `Remote ${repo.proxy.remoteUrl} could not be reached`).text };
    const indexPath = (repo.pypi?.indexPath ?? "/simple").replace(/^\/+|\/+$/g, "") || "simple";
    const parts = rest.split("/").filter(Boolean);
    const options = {
      upstream: index,
      // The project index leaves out what the proxy's routing rule refuses.
      visible: (normalized: string) => !routingRefusal(state, repo, `simple/${normalized}/`),
      fileHref: (project: { normalized: string }, version: string, file: { filename: string }) => `../../packages/${project.normalized}/${version}/${file.filename}`,
    };
    if (parts[0] === indexPath || parts[0] === "simple") {
      if (parts.length === 1) return simpleIndexRoot(req, options);
      if (parts.length === 2 && parts[1]) return asNexusNotFound(simpleIndexProject(req, parts[1], options));
    }
    if (parts[0] === "packages" && parts.length >= 2) {
      const filename = parts[parts.length - 1] ?? "";
      return asNexusNotFound(distributionFile(filename, index));
    }
    return nexusErrorPage(404);
  }
  // conda: the proxy mirrors the remote's layout; the generated channel sits at remote.channelPath.
  const channelPath = remote.channelPath;
  if (channelPath && !rest.startsWith(`${channelPath}/`)) {
    const first = rest.split("/")[0] ?? "";
    if (remote.emptyChannels.includes(first)) return asNexusNotFound(condaChannelResponse(req, rest.slice(first.length + 1), { ...upstream, conda: [] }, first));
    return nexusErrorPage(404);
  }
  return asNexusNotFound(condaChannelResponse(req, channelPath ? rest.slice(channelPath.length + 1) : rest, upstream, channelPath || repo.name));
}

/** The shared index code answers a plain 404; Nexus answers its error page. */
function asNexusNotFound(res: SandboxResponse): SandboxResponse {
  return res.status === 404 ? nexusErrorPage(404) : res;
}

type RemoteKind = { kind: "pypi" | "conda"; channelPath: string; emptyChannels: string[]; source?: "public" | "internal" };

/** The sandbox's internal package server (a second PyPI index, reachable only through Nexus). */
export const INTERNAL_INDEX_HOST = "pypi.internal.example";

/** Maps a proxy's remoteUrl to the generated upstream; undefined = unknown remote (502). */
export function classifyRemote(repo: Pick<NexusRepository, "format" | "proxy">): RemoteKind | undefined {
  let url: URL;
  try {
    url = new URL(repo.proxy.remoteUrl);
  } catch {
    return undefined;
  }
  const host = url.hostname.toLowerCase();
  const path = url.pathname.replace(/\/+$/, "");
  if (repo.format === "pypi") {
    if (host === INTERNAL_INDEX_HOST) return { kind: "pypi", channelPath: "", emptyChannels: [], source: "internal" };
    return ["pypi.org", "pypi.python.org", "files.pythonhosted.org"].includes(host) ? { kind: "pypi", channelPath: "", emptyChannels: [] } : undefined;
  }
  if (host === "repo.anaconda.com" && path === "/pkgs") return { kind: "conda", channelPath: "main", emptyChannels: ["r", "msys2", "free"] };
  if (host === "repo.anaconda.com" && path === "/pkgs/main") return { kind: "conda", channelPath: "", emptyChannels: [] };
  if (host === "conda.anaconda.org" && path === "/conda-forge") return { kind: "conda", channelPath: "", emptyChannels: [] };
  if (host === "conda.anaconda.org" && path === "") return { kind: "conda", channelPath: "conda-forge", emptyChannels: [] };
  return undefined;
}

function validateProxyBody(req: SandboxRequest, format: "pypi" | "conda"): { repo: NexusRepository } | { error: SandboxResponse } {
  const body = parseJsonBody(req);
  if (!body.ok) return { error: nexusMessage(400, `Unable to process input: ${body.error}`) };
  if (!isRecord(body.value)) return { error: validationErrors([["arg0", "must not be null"]]) };
  const v = body.value;
  const errors: [string, string][] = [];
  const obj = (key: string): Record<string, unknown> => (isRecord(v[key]) ? (v[key] as Record<string, unknown>) : {});
  const name = v.name;
  if (typeof name !== "string" || name === "") errors.push(["name", "must not be empty"]);
  else if (!NAME_PATTERN.test(name)) errors.push(["name", NAME_MESSAGE]);
  if (typeof v.online !== "boolean") errors.push(["online", "must not be null"]);
  const storage = obj("storage");
  if (!isRecord(v.storage)) errors.push(["storage", "must not be null"]);
  else {
    if (typeof storage.blobStoreName !== "string" || storage.blobStoreName === "") errors.push(["storage.blobStoreName", "must not be empty"]);
    if (typeof storage.strictContentTypeValidation !== "boolean") errors.push(["storage.strictContentTypeValidation", "must not be null"]);
  }
  const proxy = obj("proxy");
  if (!isRecord(v.proxy)) errors.push(["proxy", "must not be null"]);
  else {
    if (typeof proxy.remoteUrl !== "string" || !/^https?:\/\/[^\s/]+/.test(proxy.remoteUrl)) errors.push(["proxy.remoteUrl", "must be a valid URL"]);
    for (const f of ["contentMaxAge", "metadataMaxAge"]) if (!Number.isInteger(proxy[f])) errors.push([`proxy.${f}`, "must not be null"]);
  }
  const negativeCache = obj("negativeCache");
  if (!isRecord(v.negativeCache)) errors.push(["negativeCache", "must not be null"]);
  else {
    if (typeof negativeCache.enabled !== "boolean") errors.push(["negativeCache.enabled", "must not be null"]);
    if (!Number.isInteger(negativeCache.timeToLive)) errors.push(["negativeCache.timeToLive", "must not be null"]);
  }
  const httpClient = obj("httpClient");
  if (!isRecord(v.httpClient)) errors.push(["httpClient", "must not be null"]);
  else {
    if (typeof httpClient.blocked !== "boolean") errors.push(["httpClient.blocked", "must not be null"]);
    if (typeof httpClient.autoBlock !== "boolean") errors.push(["httpClient.autoBlock", "must not be null"]);
    const connection = isRecord(httpClient.connection) ? httpClient.connection : undefined;
    if (connection?.retries !== undefined && !(Number.isInteger(connection.retries) && Number(connection.retries) >= 0 && Number(connection.retries) <= 10)) errors.push(["httpClient.connection.retries", "must be between 0 and 10"]);
    if (connection?.timeout !== undefined && !(Number.isInteger(connection.timeout) && Number(connection.timeout) >= 1 && Number(connection.timeout) <= 3600)) errors.push(["httpClient.connection.timeout", "must be between 1 and 3600"]);
  }
  if (errors.length) return { error: validationErrors(errors) };
  if (storage.blobStoreName !== "default") return { error: nexusMessage(400, `Blob store '${String(storage.blobStoreName)}' does not exist`) };
  const routingRule = typeof v.routingRule === "string" ? v.routingRule : typeof v.routingRuleName === "string" ? v.routingRuleName : null;
  const cleanup = isRecord(v.cleanup) && Array.isArray(v.cleanup.policyNames) ? { policyNames: v.cleanup.policyNames.map(String) } : null;
  const replication = isRecord(v.replication) ? { preemptivePullEnabled: v.replication.preemptivePullEnabled === true, assetPathRegex: typeof v.replication.assetPathRegex === "string" ? v.replication.assetPathRegex : undefined } : null;
  const { authentication, ...httpRest } = httpClient;
  const maskedAuth = isRecord(authentication) ? { ...authentication, password: undefined, bearerToken: undefined } : undefined;
  const repo: NexusRepository = {
    name: String(name),
    format,
    type: "proxy",
    online: Boolean(v.online),
    storage: { blobStoreName: String(storage.blobStoreName), strictContentTypeValidation: Boolean(storage.strictContentTypeValidation) },
    proxy: { remoteUrl: String(proxy.remoteUrl), contentMaxAge: Number(proxy.contentMaxAge), metadataMaxAge: Number(proxy.metadataMaxAge) },
    negativeCache: { enabled: Boolean(negativeCache.enabled), timeToLive: Number(negativeCache.timeToLive) },
    httpClient: { ...httpRest, blocked: Boolean(httpClient.blocked), autoBlock: Boolean(httpClient.autoBlock), ...(maskedAuth ? { authentication: maskedAuth } : {}) },
    routingRuleName: routingRule,
    cleanup,
    replication,
    ...(format === "pypi" ? { pypi: isRecord(v.pypi) ? { indexPath: typeof v.pypi.indexPath === "string" ? v.pypi.indexPath : undefined, removeQuarantined: typeof v.pypi.removeQuarantined === "boolean" ? v.pypi.removeQuarantined : undefined } : {} } : {}),
  };
  return { repo };
}

function summary(repo: NexusRepository, baseUrl: string): Record<string, unknown> {
  const attributes = repo.type === "group" ? {} : { proxy: { remoteUrl: repo.proxy.remoteUrl } };
  return { name: repo.name, format: repo.format, type: repo.type, url: `${baseUrl}/repository/${repo.name}`, attributes, online: repo.online, size: 0 };
}

function detail(repo: NexusRepository, baseUrl: string): Record<string, unknown> {
  if (repo.type === "group") return { name: repo.name, format: repo.format, type: repo.type, url: `${baseUrl}/repository/${repo.name}`, online: repo.online, storage: repo.storage, group: { memberNames: [...(repo.group?.memberNames ?? [])] } };
  const full: Record<string, unknown> = {
    name: repo.name,
    format: repo.format,
    type: repo.type,
    url: `${baseUrl}/repository/${repo.name}`,
    online: repo.online,
    storage: repo.storage,
    cleanup: repo.cleanup,
    proxy: repo.proxy,
    negativeCache: repo.negativeCache,
    httpClient: repo.httpClient,
    routingRuleName: repo.routingRuleName,
    replication: repo.replication,
    ...(repo.format === "pypi" ? { pypi: repo.pypi ?? {} } : {}),
  };
  // Unset optional settings are left out rather than sent as null (the 3.94 schema has no nullable fields).
  return Object.fromEntries(Object.entries(full).filter(([, v]) => v !== null && v !== undefined));
}

function publicUser(u: NexusUser): Record<string, unknown> {
  return { userId: u.userId, firstName: u.firstName, lastName: u.lastName, emailAddress: u.emailAddress, source: "default", status: u.status, readOnly: false, roles: u.roles, externalRoles: [] };
}

function authenticate(state: NexusState, req: SandboxRequest): NexusUser | "anonymous" | "invalid" {
  const header = req.headers.authorization;
  if (!header) return "anonymous";
  const basic = parseBasicAuth(header);
  const user = basic ? state.users.get(basic.user) : undefined;
  if (!basic || !user || user.password !== basic.password || user.status !== "active") return "invalid";
  return user;
}

function canView(user: NexusUser, repo: NexusRepository): boolean {
  return user.roles.some((r) => r === "nx-admin" || r === "nx-anonymous" || r === `nx-repository-view-${repo.format}-${repo.name}-read` || r === `nx-repository-view-${repo.format}-*-read` || r === "nx-repository-view-*-*-read");
}

function withAdmin(state: NexusState, req: SandboxRequest, fn: () => SandboxResponse): SandboxResponse {
  const auth = authenticate(state, req);
  if (auth === "invalid" || auth === "anonymous") return unauthorized();
  if (!auth.roles.includes("nx-admin")) return { status: 403 };
  return fn();
}

function withRead(state: NexusState, req: SandboxRequest, fn: () => SandboxResponse): SandboxResponse {
  const auth = authenticate(state, req);
  if (auth === "invalid" || (auth === "anonymous" && !state.anonymousEnabled)) return unauthorized();
  return fn();
}

function unauthorized(): SandboxResponse {
  return { status: 401, headers: { "www-authenticate": 'BASIC realm="Sonatype Nexus Repository Manager"' } };
}

function repoNotFound(): SandboxResponse {
  return nexusMessage(404, "Repository not found");
}
