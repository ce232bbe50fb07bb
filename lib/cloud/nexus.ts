/**
 * Sonatype Nexus Repository 3 REST client (`/service/rest/v1`), per cloud-contracts §3.
 * Only what Feedgate does: status, read repositories, create or update PyPI and conda
 * proxies, switch a proxy offline. Repository names are validated before any URL is built.
 */
import { repositoryNameSchema } from "@/lib/validation/names";
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
}

export interface NexusOptions {
  baseUrl: string;
  username: string;
  password: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
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
  };
  return spec.format === "pypi" ? { ...body, pypi: { indexPath: "/simple" } } : body;
}

export function createNexusClient(options: NexusOptions): NexusClient {
  const doFetch = options.fetch ?? fetch;
  const base = `${options.baseUrl.replace(/\/+$/, "")}/service/rest`;
  const auth = `Basic ${Buffer.from(`${options.username}:${options.password}`).toString("base64")}`;

  async function call(method: string, path: string, body?: unknown): Promise<Response> {
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
      const res = await call("PUT", `/v1/repositories/${spec.format}/proxy/${repositoryNameSchema.parse(spec.name)}`, proxyRequestBody({ ...spec, online }));
      if (res.status !== 204) return fail(res, `updating ${spec.name}`);
    },
  };
  return client;
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
