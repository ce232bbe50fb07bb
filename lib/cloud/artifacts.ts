/**
 * Azure DevOps Artifacts feeds (api-version 7.1, cloud-contracts §4). A feed is created
 * with its upstream sources; Artifacts serves pip but has no conda.
 */
import { repositoryNameSchema } from "@/lib/validation/names";
import { CloudError, describeFetchError, isTransientStatus, parseRetryAfter } from "./cloud-error";

export interface ArtifactsFeed {
  id: string;
  name: string;
  upstreamSources?: { name: string; protocol: string; location: string; status?: string }[];
}

export interface ArtifactsClient {
  getFeed(name: string): Promise<ArtifactsFeed | undefined>;
  ensureFeed(input: { name: string; description: string; upstreams: { name: string; location: string }[] }): Promise<{ created: boolean; feed: ArtifactsFeed }>;
  pipIndexUrl(feedName: string): string;
  /**
   * GETs a package URL of this organization (a pip index page, say) with the PAT, as pip does on
   * a machine configured for the feed: Artifacts never serves anonymous reads. Refuses any other
   * origin, so a stored URL can never carry the PAT elsewhere.
   */
  probe(url: string, accept: string): Promise<{ status: number }>;
}

export interface ArtifactsOptions {
  /** https://feeds.dev.azure.com (API) and https://pkgs.dev.azure.com (packages), or the sandbox for both. */
  apiBaseUrl: string;
  packagesBaseUrl: string;
  organization: string;
  project: string;
  /** A PAT, sent as Basic with an empty user name. */
  token: string;
  fetch?: typeof fetch;
}

const SLUG = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export function createArtifactsClient(options: ArtifactsOptions): ArtifactsClient {
  if (!SLUG.test(options.organization) || !SLUG.test(options.project)) throw new Error("organization and project must be plain names");
  const doFetch = options.fetch ?? fetch;
  const root = `${options.apiBaseUrl.replace(/\/+$/, "")}/${options.organization}/${options.project}/_apis/packaging/feeds`;
  const auth = `Basic ${Buffer.from(`:${options.token}`).toString("base64")}`;

  async function call(method: string, url: string, what: string, body?: unknown, allow: number[] = []): Promise<Response> {
    let res: Response;
    try {
      res = await doFetch(`${url}${url.includes("?") ? "&" : "?"}api-version=7.1`, {
        method,
        headers: { Authorization: auth, Accept: "application/json", "X-TFS-FedAuthRedirect": "Suppress", ...(body ? { "Content-Type": "application/json" } : {}) },
        body: body ? JSON.stringify(body) : undefined,
        signal: AbortSignal.timeout(30_000),
      });
    } catch (error) {
      throw new CloudError(`Azure Artifacts ${what}: no answer (${describeFetchError(error)})`, { service: "artifacts", isTransient: true });
    }
    if (res.ok || allow.includes(res.status)) return res;
    const text = await res.text().catch(() => "");
    let typeKey: string | undefined;
    let message = text.slice(0, 200);
    try {
      const parsed = JSON.parse(text) as { message?: string; typeKey?: string };
      message = parsed.message ?? message;
      typeKey = parsed.typeKey;
    } catch {
      // not JSON
    }
    if (res.status === 401 || res.status === 203) message = "Azure DevOps refused the token: check the PAT's Packaging scope and expiry";
    throw new CloudError(`Azure Artifacts ${what} failed (${res.status}): ${message}`, {
      service: "artifacts",
      status: res.status,
      code: typeKey,
      retryAfterMs: parseRetryAfter(res.headers.get("retry-after")),
      isTransient: isTransientStatus(res.status),
    });
  }

  const client: ArtifactsClient = {
    async getFeed(name) {
      const res = await call("GET", `${root}/${repositoryNameSchema.parse(name)}`, `reading feed ${name}`, undefined, [404]);
      return res.status === 404 ? undefined : ((await res.json()) as ArtifactsFeed);
    },
    async ensureFeed({ name, description, upstreams }) {
      const existing = await client.getFeed(name);
      if (existing) return { created: false, feed: existing };
      const body = {
        name: repositoryNameSchema.parse(name),
        description: description.slice(0, 255),
        upstreamEnabled: upstreams.length > 0,
        hideDeletedPackageVersions: true,
        upstreamSources: upstreams.map((u) => ({ name: u.name, protocol: "pypi", location: u.location, upstreamSourceType: "public" })),
      };
      const res = await call("POST", root, `creating feed ${name}`, body, [409]);
      if (res.status === 409) {
        const raced = await client.getFeed(name);
        if (raced) return { created: false, feed: raced };
      }
      return { created: true, feed: (await res.json()) as ArtifactsFeed };
    },
    pipIndexUrl(feedName) {
      return `${options.packagesBaseUrl.replace(/\/+$/, "")}/${options.organization}/${options.project}/_packaging/${repositoryNameSchema.parse(feedName)}/pypi/simple/`;
    },
    probe: (url, accept) => probePackages(doFetch, options.packagesBaseUrl, auth, url, accept),
  };
  return client;
}

async function probePackages(doFetch: typeof fetch, packagesBaseUrl: string, auth: string, url: string, accept: string): Promise<{ status: number }> {
  if (new URL(url).origin !== new URL(packagesBaseUrl).origin) {
    throw new CloudError(`Azure Artifacts: ${url} is not on ${new URL(packagesBaseUrl).origin}; Feedgate sends the PAT only there`, { service: "artifacts", isTransient: false });
  }
  try {
    // No redirects: a redirect to another host must not take the Authorization header along.
    const res = await doFetch(url, { headers: { Authorization: auth, Accept: accept, "X-TFS-FedAuthRedirect": "Suppress" }, redirect: "manual", signal: AbortSignal.timeout(15_000) });
    await res.body?.cancel().catch(() => undefined);
    return { status: res.status };
  } catch (error) {
    throw new CloudError(`Azure Artifacts: ${url} did not answer (${describeFetchError(error)})`, { service: "artifacts", isTransient: true });
  }
}
