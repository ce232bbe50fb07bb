/**
 * Yanked releases (PEP 592) of the packages a lock pins, read from the feed's own pip index with
 * the PEP 691 JSON simple API, or its PEP 503 HTML page (`data-yanked`) from an index without it: one GET of `<index>/<name>/` per distinct (index, package) in a
 * round, at most `maxReads` of them. A release counts as yanked when every one of its files is.
 * Nexus indexes only (read anonymously, as pip in the build does); anything that does not answer
 * is unknown, not fresh, and an index origin that failed to answer once is not asked again in the
 * round (a host that is down costs one timeout, not one per package).
 */
import "server-only";
import { normalizePackageName } from "@/lib/feed-config/nexus-policy";
import type { StaleReason } from "./stale-reasons";

const SIMPLE_JSON = "application/vnd.pypi.simple.v1+json";
const NAME = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** Per release of a project: the yank reason ("" for none) when all its files are yanked. */
type ProjectYanks = Map<string, string>;

export interface YankedReader {
  /** The yanked reasons of a lock's pip lines, or undefined when the index could not be read for some of them. */
  reasonsFor(indexUrl: string, pipLines: string[]): Promise<StaleReason[] | undefined>;
}

export function createYankedReader(options: { maxReads?: number; timeoutMs?: number } = {}): YankedReader {
  const maxReads = options.maxReads ?? 2000;
  const timeoutMs = options.timeoutMs ?? 15_000;
  const projects = new Map<string, Promise<ProjectYanks | undefined>>();
  const failedOrigins = new Set<string>();
  const read = (index: URL, name: string): Promise<ProjectYanks | undefined> => {
    const key = `${index.href}|${name}`;
    let project = projects.get(key);
    if (!project) {
      project =
        projects.size >= maxReads || failedOrigins.has(index.origin)
          ? Promise.resolve(undefined)
          : readProject(new URL(`${name}/`, index), timeoutMs).then((yanks) => {
              if (!yanks) failedOrigins.add(index.origin);
              return yanks;
            });
      projects.set(key, project);
    }
    return project;
  };
  return {
    async reasonsFor(indexUrl, pipLines) {
      const index = parseIndexUrl(indexUrl);
      if (!index) return undefined;
      const reasons: StaleReason[] = [];
      let isComplete = true;
      for (const line of pipLines) {
        const [rawName, version] = line.split("==");
        if (!rawName || !version) continue;
        const name = normalizePackageName(rawName);
        if (!NAME.test(name)) continue;
        const yanks = await read(index, name);
        if (!yanks) {
          isComplete = false;
          continue;
        }
        const reason = yanks.get(version);
        if (reason !== undefined) reasons.push({ kind: "yanked", subject: name, detail: clip(`${name}==${version} was yanked upstream${reason ? `: ${reason}` : "."}`, 500) });
      }
      return isComplete ? reasons : undefined;
    },
  };
}

/** The index a build was configured with, as Feedgate recorded it: http(s), no credentials, ending in `/`. */
function parseIndexUrl(value: string): URL | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  if ((url.protocol !== "https:" && url.protocol !== "http:") || url.username || url.password || url.search || url.hash) return undefined;
  if (!url.pathname.endsWith("/")) url.pathname = `${url.pathname}/`;
  return url;
}

async function readProject(url: URL, timeoutMs: number): Promise<ProjectYanks | undefined> {
  try {
    const response = await fetch(url, { headers: { accept: `${SIMPLE_JSON}, text/html;q=0.1` }, signal: AbortSignal.timeout(timeoutMs) });
    // Not on the index (any more): nothing to say about its releases.
    if (response.status === 404) {
      await response.body?.cancel().catch(() => undefined);
      return new Map();
    }
    const type = response.headers.get("content-type") ?? "";
    if (response.ok && type.includes(SIMPLE_JSON)) {
      const body = (await response.json()) as { files?: unknown };
      return releaseYanks(Array.isArray(body.files) ? body.files : []);
    }
    if (response.ok && type.includes("text/html")) return releaseYanks(htmlFiles(await response.text()));
    await response.body?.cancel().catch(() => undefined);
    return undefined;
  } catch {
    return undefined;
  }
}

function releaseYanks(files: unknown[]): ProjectYanks {
  const byVersion = new Map<string, { all: boolean; reason: string }>();
  for (const file of files) {
    const f = file as { filename?: unknown; yanked?: unknown };
    if (typeof f.filename !== "string") continue;
    const version = fileVersion(f.filename);
    if (!version) continue;
    const isYanked = f.yanked === true || typeof f.yanked === "string";
    const reason = typeof f.yanked === "string" ? f.yanked : "";
    const seen = byVersion.get(version);
    byVersion.set(version, { all: (seen?.all ?? true) && isYanked, reason: seen?.reason || reason });
  }
  const yanks: ProjectYanks = new Map();
  for (const [version, v] of byVersion) if (v.all) yanks.set(version, v.reason.slice(0, 300));
  return yanks;
}

/** PEP 503 anchors as PEP 691 file entries: `data-yanked` (with or without a reason) is `yanked`. */
function htmlFiles(html: string): { filename: string; yanked?: string | true }[] {
  const files: { filename: string; yanked?: string | true }[] = [];
  for (const m of html.matchAll(/<a\s([^>]*)>([^<]+)<\/a>/gi)) {
    const attributes = m[1] ?? "";
    const yanked = /(?:^|\s)data-yanked(?:\s*=\s*"([^"]*)")?/i.exec(attributes);
    files.push({ filename: decodeEntities((m[2] ?? "").trim()), ...(yanked ? { yanked: yanked[1] ? decodeEntities(yanked[1]) : true } : {}) });
  }
  return files;
}

function decodeEntities(text: string): string {
  return text.replace(/&(lt|gt|quot|#39|amp);/g, (_, e: string) => ({ lt: "<", gt: ">", quot: '"', "#39": "'", amp: "&" })[e] ?? "");
}

/** The version in a wheel (`name-version-…whl`) or sdist (`name-version.tar.gz|.zip`) filename. */
function fileVersion(filename: string): string | undefined {
  const wheel = /^[A-Za-z0-9_.]+-([A-Za-z0-9_.!+]+)-.+\.whl$/.exec(filename);
  if (wheel) return wheel[1];
  return /^.+-([A-Za-z0-9_.!+]+)\.(?:tar\.gz|zip)$/.exec(filename)?.[1];
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
