/**
 * Sonatype Nexus Repository 3 REST client (`/service/rest/v1`), per cloud-contracts §3.
 * Only what Feedgate does: status, read repositories, create or update PyPI and conda
 * proxies, switch a proxy offline, keep a feed's PyPI group repository and its proxies' routing
 * rules. Repository and rule names are validated before any URL is built.
 */
import { repositoryNameSchema } from "@/lib/validation/names";
import type { ReadBudget } from "./arm";
import { CloudError, describeFetchError, isTransientStatus, parseRetryAfter } from "./cloud-error";

export type ProxyFormat = "pypi" | "conda";

export interface NexusRepository {
  name: string;
  format: string;
  type: string;
  url: string;
  online?: boolean;
  attributes?: { proxy?: { remoteUrl?: string } };
}

export interface ProxySpec {
  name: string;
  format: ProxyFormat;
  remoteUrl: string;
  online?: boolean;
  /** The routing rule the proxy applies; null or absent = none. */
  routingRule?: string | null;
}

/** A proxy's full settings as Nexus reports them (the parts Feedgate compares). */
export interface ProxyDetail {
  name: string;
  online: boolean;
  url: string;
  remoteUrl: string;
  routingRuleName: string | null;
}

export interface GroupDetail {
  name: string;
  online: boolean;
  url: string;
  memberNames: string[];
}

export interface RoutingRule {
  name: string;
  description: string;
  mode: "ALLOW" | "BLOCK";
  matchers: string[];
}

export interface NexusClient {
  isWritable(): Promise<boolean>;
  getRepository(name: string): Promise<NexusRepository | undefined>;
  listRepositories(): Promise<NexusRepository[]>;
  /** Creates the proxy unless one with that name exists; returns whether it created it. */
  ensureProxy(spec: ProxySpec): Promise<{ created: boolean; repository: NexusRepository }>;
  setProxyOnline(spec: ProxySpec, online: boolean): Promise<void>;
  /**
   * Lets clients inside the virtual network read without credentials, as the runbook's
   * pip.conf and Dockerfile assume; the network boundary is the access control.
   */
  ensureAnonymousRead(): Promise<{ changed: boolean }>;
  getProxy(name: string, format: ProxyFormat): Promise<ProxyDetail | undefined>;
  /** PUTs the proxy's settings (online state and routing rule included). */
  updateProxy(spec: ProxySpec): Promise<void>;
  getPypiGroup(name: string): Promise<GroupDetail | undefined>;
  /** Creates the PyPI group, or sets its members (in this order) when they differ. */
  ensurePypiGroup(name: string, memberNames: string[]): Promise<{ created: boolean; changed: boolean; group: GroupDetail }>;
  listRoutingRules(): Promise<RoutingRule[]>;
  /** Creates the rule, or updates it when it differs; returns whether anything changed. */
  putRoutingRule(rule: RoutingRule): Promise<{ changed: boolean }>;
  /** Deletes the rule; absent is fine. */
  deleteRoutingRule(name: string): Promise<void>;
}

export interface NexusOptions {
  baseUrl: string;
  username: string;
  password: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
  /**
   * This host's read budget, shared by every worker (lib/jobs/read-budget): each GET takes a
   * token first, and a 429 holds the host's reads for its Retry-After.
   */
  readBudget?: ReadBudget;
  /** Ends a wait for a read token (the job's cancel or the worker's stop). */
  signal?: AbortSignal;
}

/** Cache settings for proxies of public indexes: metadata refreshes hourly, files are immutable. */
export function proxyRequestBody(spec: ProxySpec) {
  const body = {
    name: repositoryNameSchema.parse(spec.name),
    online: spec.online ?? true,
    storage: { blobStoreName: "default", strictContentTypeValidation: true },
    proxy: { remoteUrl: spec.remoteUrl, contentMaxAge: 1440, metadataMaxAge: 60 },
    negativeCache: { enabled: true, timeToLive: 10 },
    httpClient: { blocked: false, autoBlock: true, connection: { retries: 2, timeout: 60 } },
    // `routingRule` is the request field in Nexus's Java source (GET answers routingRuleName).
    ...(spec.routingRule ? { routingRule: repositoryNameSchema.parse(spec.routingRule) } : {}),
  };
  return spec.format === "pypi" ? { ...body, pypi: { indexPath: "/simple" } } : body;
}

export function createNexusClient(options: NexusOptions): NexusClient {
  const doFetch = options.fetch ?? fetch;
  const base = `${options.baseUrl.replace(/\/+$/, "")}/service/rest`;
  const auth = `Basic ${Buffer.from(`${options.username}:${options.password}`).toString("base64")}`;

  async function call(method: string, path: string, body?: unknown): Promise<Response> {
    if (method === "GET") await options.readBudget?.take(options.signal);
    let res: Response;
    try {
      res = await doFetch(`${base}${path}`, {
        method,
        headers: { Authorization: auth, Accept: "application/json", ...(body ? { "Content-Type": "application/json" } : {}) },
        body: body ? JSON.stringify(body) : undefined,
        signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
      });
    } catch (error) {
      throw new CloudError(`Nexus at ${options.baseUrl} did not answer: ${describeFetchError(error)}`, { service: "nexus", isTransient: true });
    }
    if (res.status === 429) await options.readBudget?.throttled(parseRetryAfter(res.headers.get("retry-after")));
    return res;
  }

  async function fail(res: Response, what: string): Promise<never> {
    const text = await res.text().catch(() => "");
    const hint =
      res.status === 401 ? "Nexus refused the credentials: check the feed host's credential reference" :
      res.status === 403 ? "the Nexus user lacks the privilege for this" : nexusMessage(text);
    throw new CloudError(`Nexus ${what} failed (${res.status}): ${hint}`, {
      service: "nexus",
      status: res.status,
      retryAfterMs: parseRetryAfter(res.headers.get("retry-after")),
      isTransient: isTransientStatus(res.status),
    });
  }

  const client: NexusClient = {
    async isWritable() {
      const res = await call("GET", "/v1/status/writable");
      return res.ok;
    },
    async getRepository(name) {
      const res = await call("GET", `/v1/repositories/${repositoryNameSchema.parse(name)}`);
      if (res.status === 404) return undefined;
      if (!res.ok) return fail(res, `reading repository ${name}`);
      return (await res.json()) as NexusRepository;
    },
    async listRepositories() {
      const res = await call("GET", "/v1/repositories");
      if (!res.ok) return fail(res, "listing repositories");
      return (await res.json()) as NexusRepository[];
    },
    async ensureProxy(spec) {
      // GET first: Nexus has no "already exists" status, a duplicate create is a generic 400.
      const existing = await client.getRepository(spec.name);
      if (existing) return { created: false, repository: existing };
      const res = await call("POST", `/v1/repositories/${spec.format}/proxy`, proxyRequestBody(spec));
      if (res.status !== 201) {
        const raced = res.status === 400 ? await client.getRepository(spec.name) : undefined;
        if (raced) return { created: false, repository: raced };
        return fail(res, `creating ${spec.format} proxy ${spec.name}`);
      }
      const created = await client.getRepository(spec.name);
      if (!created) throw new CloudError(`Nexus accepted ${spec.name} but does not list it`, { service: "nexus", isTransient: true });
      return { created: true, repository: created };
    },
    async ensureAnonymousRead() {
      const res = await call("GET", "/v1/security/anonymous");
      if (!res.ok) return fail(res, "reading anonymous access");
      const current = (await res.json()) as { enabled?: boolean; userId?: string; realmName?: string };
      if (current.enabled) return { changed: false };
      const put = await call("PUT", "/v1/security/anonymous", { enabled: true, userId: current.userId ?? "anonymous", realmName: current.realmName ?? "NexusAuthorizingRealm" });
      if (!put.ok) return fail(put, "enabling anonymous read");
      return { changed: true };
    },
    async setProxyOnline(spec, online) {
      // Keep the proxy's routing rule: a PUT replaces every setting.
      const current = spec.routingRule === undefined ? await client.getProxy(spec.name, spec.format) : undefined;
      await client.updateProxy({ ...spec, online, routingRule: spec.routingRule ?? current?.routingRuleName ?? null });
    },
    async updateProxy(spec) {
      const res = await call("PUT", `/v1/repositories/${spec.format}/proxy/${repositoryNameSchema.parse(spec.name)}`, proxyRequestBody(spec));
      if (res.status !== 204) return fail(res, `updating ${spec.name}`);
    },
    ...governanceMethods(call, fail),
  };
  return client;
}

type Call = (method: string, path: string, body?: unknown) => Promise<Response>;
type Fail = (res: Response, what: string) => Promise<never>;

/** Proxy details, the PyPI group and routing rules (`/v1/routing-rules`). */
function governanceMethods(call: Call, fail: Fail) {
  const methods = {
    async getProxy(name: string, format: ProxyFormat): Promise<ProxyDetail | undefined> {
      const res = await call("GET", `/v1/repositories/${format}/proxy/${repositoryNameSchema.parse(name)}`);
      if (res.status === 404) return undefined;
      if (!res.ok) return fail(res, `reading proxy ${name}`);
      const body = (await res.json()) as { name: string; online?: boolean; url: string; proxy?: { remoteUrl?: string }; routingRuleName?: string | null; routingRule?: string | null };
      return { name: body.name, online: body.online !== false, url: body.url, remoteUrl: body.proxy?.remoteUrl ?? "", routingRuleName: body.routingRuleName ?? body.routingRule ?? null };
    },
    async getPypiGroup(name: string): Promise<GroupDetail | undefined> {
      const res = await call("GET", `/v1/repositories/pypi/group/${repositoryNameSchema.parse(name)}`);
      if (res.status === 404) return undefined;
      if (!res.ok) return fail(res, `reading group ${name}`);
      const body = (await res.json()) as { name: string; online?: boolean; url: string; group?: { memberNames?: string[] } };
      return { name: body.name, online: body.online !== false, url: body.url, memberNames: body.group?.memberNames ?? [] };
    },
    async ensurePypiGroup(name: string, memberNames: string[]) {
      const body = { name: repositoryNameSchema.parse(name), online: true, storage: { blobStoreName: "default", strictContentTypeValidation: true }, group: { memberNames: memberNames.map((m) => repositoryNameSchema.parse(m)) } };
      const existing = await methods.getPypiGroup(name);
      if (existing && existing.online && sameList(existing.memberNames, memberNames)) return { created: false, changed: false, group: existing };
      const res = existing ? await call("PUT", `/v1/repositories/pypi/group/${body.name}`, body) : await call("POST", "/v1/repositories/pypi/group", body);
      if (res.status !== (existing ? 204 : 201)) return fail(res, `${existing ? "updating" : "creating"} PyPI group ${name}`);
      const group = await methods.getPypiGroup(name);
      if (!group) throw new CloudError(`Nexus accepted group ${name} but does not list it`, { service: "nexus", isTransient: true });
      return { created: !existing, changed: true, group };
    },
    async listRoutingRules(): Promise<RoutingRule[]> {
      const res = await call("GET", "/v1/routing-rules");
      if (!res.ok) return fail(res, "listing routing rules");
      return ((await res.json()) as RoutingRule[]).map((r) => ({ name: r.name, description: r.description ?? "", mode: r.mode, matchers: r.matchers ?? [] }));
    },
    async putRoutingRule(rule: RoutingRule) {
      const name = repositoryNameSchema.parse(rule.name);
      const current = (await methods.listRoutingRules()).find((r) => r.name === name);
      if (current && current.mode === rule.mode && sameList(current.matchers, rule.matchers) && current.description === rule.description) return { changed: false };
      const res = current ? await call("PUT", `/v1/routing-rules/${name}`, rule) : await call("POST", "/v1/routing-rules", rule);
      if (res.status !== 204) return fail(res, `${current ? "updating" : "creating"} routing rule ${name}`);
      return { changed: true };
    },
    async deleteRoutingRule(name: string) {
      const res = await call("DELETE", `/v1/routing-rules/${repositoryNameSchema.parse(name)}`);
      if (res.status !== 204 && res.status !== 404) return fail(res, `deleting routing rule ${name}`);
    },
  };
  return methods;
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Nexus wraps messages as `{"id":"*","message":"\"text\""}`, or a bean-validation array. */
function nexusMessage(text: string): string {
  try {
    const parsed: unknown = JSON.parse(text);
    const first = Array.isArray(parsed) ? parsed[0] : parsed;
    const message = (first as { message?: unknown })?.message;
    if (typeof message === "string") return message.replace(/^"|"$/g, "");
    if (typeof parsed === "string") return parsed;
  } catch {
    // not JSON: fall through
  }
  return text.slice(0, 200) || "no details";
}
