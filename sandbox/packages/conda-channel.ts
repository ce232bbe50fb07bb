import type { SandboxResponse } from "../core/http";
import type { CondaPackage, Upstream } from "./upstream";
import { compareVersions } from "./versions";

export const CONDA_SUBDIRS = ["noarch", "linux-64", "linux-aarch64", "osx-64", "osx-arm64", "win-64"];

/**
 * Serves one conda channel (the generated noarch packages) at `relPath` = what follows the
 * channel root: `channeldata.json`, `<subdir>/repodata.json`, `<subdir>/<file>.conda`.
 */
export function condaChannelResponse(relPath: string, upstream: Upstream, channelName: string): SandboxResponse {
  const parts = relPath.split("/").filter(Boolean);
  if (parts.length === 1 && parts[0] === "channeldata.json") {
    return { status: 200, json: channelData(upstream) };
  }
  if (parts.length === 2 && parts[0] && CONDA_SUBDIRS.includes(parts[0])) {
    const [subdir, file] = parts as [string, string];
    if (file === "repodata.json" || file === "current_repodata.json") {
      return { status: 200, json: repodata(upstream, subdir) };
    }
    if (file.endsWith(".conda") && subdir === "noarch") {
      const pkg = upstream.findCondaFile(file);
      if (pkg) return { status: 200, headers: { "content-type": "application/octet-stream" }, body: pkg.data };
    }
  }
  return { status: 404, text: `Not Found: ${channelName}/${relPath}` };
}

export function repodata(upstream: Upstream, subdir: string): Record<string, unknown> {
  const packagesConda: Record<string, unknown> = {};
  if (subdir === "noarch") {
    for (const p of upstream.conda) packagesConda[p.filename] = repodataRecord(p);
  }
  return { info: { subdir }, packages: {}, "packages.conda": packagesConda, removed: [], repodata_version: 1 };
}

function repodataRecord(p: CondaPackage): Record<string, unknown> {
  return {
    build: p.build,
    build_number: 0,
    depends: p.depends,
    license: "MIT",
    md5: p.md5,
    name: p.name,
    noarch: "python",
    sha256: p.sha256,
    size: p.size,
    subdir: "noarch",
    timestamp: p.timestamp,
    version: p.version,
  };
}

function channelData(upstream: Upstream): Record<string, unknown> {
  const packages: Record<string, unknown> = {};
  for (const p of upstream.conda) {
    const existing = packages[p.name] as { version: string } | undefined;
    if (!existing || compareVersions(existing.version, p.version) < 0) {
      packages[p.name] = { version: p.version, subdirs: ["noarch"], license: "MIT", timestamp: p.timestamp, home: "https://feedgate.invalid/sandbox" };
    }
  }
  return { channeldata_version: 1, packages, subdirs: ["noarch"] };
}
