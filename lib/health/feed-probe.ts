/**
 * Probing a feed as its clients ask it: one GET of the pip index or a conda channel's repodata,
 * turned into a check a person can act on. Shared by provisioning's preflight and the periodic
 * re-check of live feeds (lib/workflows/check-feed-drift).
 *
 * Nexus is asked anonymously, as clients inside the network ask it. Azure Artifacts always
 * authenticates, so the caller passes a GET that carries the host's PAT.
 */

/** One GET as a client of the feed would send it; resolves the HTTP status. */
export type FeedGet = (url: string, accept: string) => Promise<{ status: number }>;
export type FeedHostKind = "nexus" | "artifacts";
export type FeedProbe = { ok: boolean; detail: string };

export async function anonymousGet(url: string, accept: string): Promise<{ status: number }> {
  const res = await fetch(url, { headers: { Accept: accept }, signal: AbortSignal.timeout(15_000) });
  await res.body?.cancel().catch(() => undefined);
  return { status: res.status };
}

export async function probeFeedUrl(get: FeedGet, kind: FeedHostKind, url: string, accept: string): Promise<FeedProbe> {
  try {
    const { status } = await get(url, accept);
    const ok = status >= 200 && status < 300;
    return { ok, detail: ok ? `${url} answered ${status}${kind === "artifacts" ? " (authenticated with the host's PAT)" : ""}` : explainHttp(url, status, kind) };
  } catch (error) {
    return { ok: false, detail: `${url} did not answer (${(error as Error).message}). Is the feed host reachable from Feedgate?` };
  }
}

/** The index page pip reads and each conda channel's repodata, as named checks. */
export async function probeFeedIndexes(get: FeedGet, kind: FeedHostKind, urls: { pipIndexUrl: string; condaChannelUrls: string[] }): Promise<Array<{ name: string } & FeedProbe>> {
  const checks: Array<{ name: string } & FeedProbe> = [{ name: "pip index", ...(await probeFeedUrl(get, kind, urls.pipIndexUrl, "text/html")) }];
  for (const channel of urls.condaChannelUrls) checks.push({ name: `conda channel ${channel}`, ...(await probeFeedUrl(get, kind, `${channel}noarch/repodata.json`, "application/json")) });
  return checks;
}

function explainHttp(url: string, status: number, kind: FeedHostKind): string {
  if (status === 401 && kind === "artifacts") return `${url} refused the host's PAT (401): check that the PAT behind the host's credential reference is current and has the Packaging (read) scope.`;
  if (status === 401) return `${url} asks for credentials (401): enable anonymous read on the feed host, or register its credentials.`;
  if (status === 403 && kind === "artifacts") return `${url} refused access (403): give the PAT's user at least the Reader role on the feed.`;
  if (status === 403 && /\/simple\/[^/]+\/$/.test(url) && !url.endsWith("/simple/")) return `${url} is refused by the feed's package policy (403): the package is not on its upstream's allow-list, or the organisation blocks it.`;
  if (status === 403) return `${url} refused access (403): check the feed host's permissions.`;
  if (status === 404) return `${url} does not exist (404): the repository may not have been created, or was deleted.`;
  if (status === 502) return `${url} answered 502: the feed host cannot reach its upstream.`;
  return `${url} answered ${status}.`;
}
