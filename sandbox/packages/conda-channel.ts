import { createHash } from "node:crypto";
import type { SandboxRequest, SandboxResponse } from "../core/http";
import type { CondaPackage, Upstream } from "./upstream";
import { compareVersions } from "./versions";

export const CONDA_SUBDIRS = ["noarch", "linux-64", "linux-aarch64", "osx-64", "osx-arm64", "win-64"];

/** When the generated channel "changed": every package's timestamp (the upstream is built deterministically). */
const CHANNEL_DATE = new Date("2024-01-02T03:04:05Z");

/**
 * Serves one conda channel (the generated noarch packages and the linux-64 python stand-in) at
 * `relPath` = what follows the channel root: `channeldata.json`, `<subdir>/repodata.json`,
 * `<subdir>/<file>.conda|.tar.bz2`. Every file has an ETag (sha1 of the bytes, quoted, as Nexus's
 * content ETag) and Last-Modified, answers If-None-Match / If-Modified-Since with 304, and package
 * files answer a single byte range (206 + Content-Range; 416 + `bytes *\/size` when unsatisfiable;
 * If-Range honoured; several ranges: 501, as Nexus's PartialFetchHandler), which
 * conda-package-streaming needs to read a `.conda` zip's members without downloading it whole.
 */
export function condaChannelResponse(req: SandboxRequest, relPath: string, upstream: Upstream, channelName: string): SandboxResponse {
  const parts = relPath.split("/").filter(Boolean);
  if (parts.length === 1 && parts[0] === "channeldata.json") {
    return staticFile(req, Buffer.from(JSON.stringify(channelData(upstream))), "application/json", CHANNEL_DATE, false);
  }
  if (parts.length === 2 && parts[0] && CONDA_SUBDIRS.includes(parts[0])) {
    const [subdir, file] = parts as [string, string];
    if (file === "repodata.json" || file === "current_repodata.json") {
      return staticFile(req, Buffer.from(JSON.stringify(repodata(upstream, subdir))), "application/json", CHANNEL_DATE, false);
    }
    if (file.endsWith(".conda") || file.endsWith(".tar.bz2")) {
      const pkg = upstream.findCondaFile(file);
      if (pkg && pkg.subdir === subdir) {
        return staticFile(req, pkg.data, file.endsWith(".conda") ? "application/octet-stream" : "application/x-tar", new Date(pkg.timestamp), true);
      }
    }
  }
  return { status: 404, text: `Not Found: ${channelName}/${relPath}` };
}

export function repodata(upstream: Upstream, subdir: string): Record<string, unknown> {
  const packages: Record<string, unknown> = {};
  const packagesConda: Record<string, unknown> = {};
  for (const p of upstream.conda) {
    if (p.subdir !== subdir) continue;
    (p.filename.endsWith(".conda") ? packagesConda : packages)[p.filename] = repodataRecord(p);
  }
  return { info: { subdir }, packages, "packages.conda": packagesConda, removed: [], repodata_version: 1 };
}

function repodataRecord(p: CondaPackage): Record<string, unknown> {
  return {
    build: p.build,
    build_number: 0,
    depends: p.depends,
    license: p.license ?? "MIT",
    md5: p.md5,
    name: p.name,
    ...(p.noarch ? { noarch: p.noarch } : {}),
    sha256: p.sha256,
    size: p.size,
    subdir: p.subdir,
    timestamp: p.timestamp,
    version: p.version,
  };
}

function channelData(upstream: Upstream): Record<string, unknown> {
  const packages: Record<string, { version: string; subdirs: string[]; license: string; timestamp: number; home: string }> = {};
  for (const p of upstream.conda) {
    const existing = packages[p.name];
    if (!existing || compareVersions(existing.version, p.version) < 0) {
      packages[p.name] = { version: p.version, subdirs: [p.subdir], license: p.license ?? "MIT", timestamp: p.timestamp, home: "https://feedgate.invalid/sandbox" };
    }
  }
  const subdirs = [...new Set(upstream.conda.map((p) => p.subdir))].sort();
  return { channeldata_version: 1, packages, subdirs: subdirs.length ? subdirs : ["noarch"] };
}

/** A file with validators; with `ranges`, byte ranges too (HEAD gets the same headers, send() drops the body). */
function staticFile(req: SandboxRequest, data: Buffer, contentType: string, modified: Date, ranges: boolean): SandboxResponse {
  const etag = `"${createHash("sha1").update(data).digest("hex")}"`;
  const lastModified = new Date(Math.floor(modified.getTime() / 1000) * 1000).toUTCString();
  const validators: Record<string, string> = { etag, "last-modified": lastModified, ...(ranges ? { "accept-ranges": "bytes" } : {}) };
  if (isNotModified(req, etag, modified)) return { status: 304, headers: validators };
  const full: SandboxResponse = { status: 200, headers: { "content-type": contentType, ...validators }, body: data };
  const range = header(req, "range");
  if (!ranges || !range || req.method !== "GET") return full;
  const ifRange = header(req, "if-range");
  if (ifRange && ifRange !== etag && ifRange !== lastModified) return full;
  const parsed = parseRange(range, data.length);
  if (parsed === "ignore") return full;
  if (parsed === "multiple") return { status: 501, headers: validators, text: "Multiple ranges not supported." };
  if (parsed === "unsatisfiable") return { status: 416, headers: { ...validators, "content-range": `bytes */${data.length}` } };
  const [start, end] = parsed;
  return { status: 206, headers: { "content-type": contentType, ...validators, "content-range": `bytes ${start}-${end}/${data.length}` }, body: data.subarray(start, end + 1) };
}

function isNotModified(req: SandboxRequest, etag: string, modified: Date): boolean {
  if (req.method !== "GET" && req.method !== "HEAD") return false;
  const ifNoneMatch = header(req, "if-none-match");
  // RFC 9110 §13.1.2: weak comparison; If-None-Match wins over If-Modified-Since.
  if (ifNoneMatch) return ifNoneMatch.trim() === "*" || ifNoneMatch.split(",").some((t) => t.trim().replace(/^W\//, "") === etag);
  const since = Date.parse(header(req, "if-modified-since") ?? "");
  return !Number.isNaN(since) && Math.floor(modified.getTime() / 1000) * 1000 <= since;
}

/** One `bytes=` range → [first, last] inclusive (RFC 9110 §14.1.2); malformed or other units are ignored (200). */
function parseRange(value: string, size: number): [number, number] | "ignore" | "multiple" | "unsatisfiable" {
  const m = /^\s*bytes\s*=\s*(.+)$/i.exec(value);
  if (!m?.[1]) return "ignore";
  const specs = m[1].split(",").map((s) => s.trim()).filter(Boolean);
  if (specs.length > 1) return "multiple";
  const spec = /^(\d*)-(\d*)$/.exec(specs[0] ?? "");
  if (!spec || (spec[1] === "" && spec[2] === "")) return "ignore";
  if (spec[1] === "") {
    const suffix = Number(spec[2]);
    if (suffix === 0 || size === 0) return "unsatisfiable";
    return [Math.max(0, size - suffix), size - 1];
  }
  const start = Number(spec[1]);
  const end = spec[2] === "" ? size - 1 : Math.min(Number(spec[2]), size - 1);
  if (spec[2] !== "" && Number(spec[2]) < start) return "ignore";
  if (start >= size) return "unsatisfiable";
  return [start, end];
}

function header(req: SandboxRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v.join(", ") : v;
}
