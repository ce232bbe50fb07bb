import { createHash } from "node:crypto";
import type { SandboxRequest, SandboxResponse } from "../core/http";
import type { DistFile, PypiProject, Upstream } from "./upstream";
import { normalizeProjectName } from "./versions";

const PEP691_JSON = "application/vnd.pypi.simple.v1+json";

/** PEP 503 (HTML) / PEP 691 (JSON) simple repository API over a set of projects, PEP 658 metadata under PEP 714's names. */
export type SimpleIndexOptions = {
  upstream: Upstream;
  /** Projects visible through this index (e.g. empty when the feed has no upstream). */
  visible: (normalizedName: string) => boolean;
  /** Builds the URL (relative to the project page) of a distribution file. */
  fileHref: (project: PypiProject, version: string, file: DistFile) => string;
};

export function simpleIndexRoot(req: SandboxRequest, options: SimpleIndexOptions): SandboxResponse {
  const projects = [...options.upstream.pypi.values()].filter((p) => options.visible(p.normalized));
  if (wantsJson(req)) {
    return {
      status: 200,
      headers: { "content-type": PEP691_JSON },
      json: { meta: { "api-version": "1.0" }, projects: projects.map((p) => ({ name: p.name })) },
    };
  }
  const links = projects.map((p) => `    <a href="${p.normalized}/">${escapeHtml(p.name)}</a><br/>`).join("\n");
  return { status: 200, headers: { "content-type": "text/html; charset=utf-8" }, text: `<!DOCTYPE html>\n<html>\n  <head>\n    <meta name="pypi:repository-version" content="1.0">\n    <title>Simple index</title>\n  </head>\n  <body>\n${links}\n  </body>\n</html>\n` };
}

export function simpleIndexProject(req: SandboxRequest, projectName: string, options: SimpleIndexOptions): SandboxResponse {
  const normalized = normalizeProjectName(projectName);
  const project = options.upstream.pypi.get(normalized);
  if (!project || !options.visible(normalized)) {
    return { status: 404, headers: { "content-type": "text/html" }, text: `<html><body><h1>404 Not Found</h1><p>${escapeHtml(projectName)}</p></body></html>\n` };
  }
  if (projectName !== normalized) {
    // PEP 503: clients should use the normalized name; PyPI and Nexus redirect.
    return { status: 301, headers: { location: `../${normalized}/` } };
  }
  const files = project.releases.flatMap((r) => r.files.map((f) => ({ release: r.version, file: f })));
  if (wantsJson(req)) {
    return {
      status: 200,
      headers: { "content-type": PEP691_JSON },
      json: {
        meta: { "api-version": "1.0" },
        name: project.normalized,
        files: files.map(({ release, file }) => ({
          filename: file.filename,
          url: options.fileHref(project, release, file),
          hashes: { sha256: file.sha256 },
          "requires-python": file.requiresPython,
          // PEP 714: only the new name. pip 22.3-23.0 (Debian's 23.0.1) reads a dict under the old
          // "dist-info-metadata" key as a hashable value and crashes; PyPI stopped sending it.
          ...(file.kind === "wheel" ? { "core-metadata": { sha256: metadataSha256(options.upstream, file) } } : {}),
          // PEP 592 / PEP 691: a reason string, or true when yanked without one.
          ...yankedJson(options.upstream, project.normalized, release),
        })),
      },
    };
  }
  const links = files
    .map(({ release, file }) => {
      const meta = file.kind === "wheel" ? ` data-core-metadata="sha256=${metadataSha256(options.upstream, file)}"` : "";
      const reason = options.upstream.yanked?.get(`${project.normalized}==${release}`);
      const yanked = reason === undefined ? "" : ` data-yanked="${escapeHtml(reason)}"`;
      return `    <a href="${options.fileHref(project, release, file)}#sha256=${file.sha256}" data-requires-python="${escapeHtml(file.requiresPython)}"${meta}${yanked}>${file.filename}</a><br/>`;
    })
    .join("\n");
  return {
    status: 200,
    headers: { "content-type": "text/html; charset=utf-8" },
    text: `<!DOCTYPE html>\n<html>\n  <head>\n    <meta name="pypi:repository-version" content="1.0">\n    <title>Links for ${escapeHtml(project.normalized)}</title>\n  </head>\n  <body>\n    <h1>Links for ${escapeHtml(project.normalized)}</h1>\n${links}\n  </body>\n</html>\n`,
  };
}

/** Serves a distribution file, or its PEP 658 `.metadata` companion. */
export function distributionFile(filename: string, upstream: Upstream): SandboxResponse {
  if (filename.endsWith(".metadata")) {
    const file = upstream.findPypiFile(filename.slice(0, -".metadata".length));
    const text = file ? coreMetadata(upstream, file) : undefined;
    if (!file || text === undefined) return { status: 404, text: "Not Found" };
    return { status: 200, headers: { "content-type": "text/plain; charset=utf-8" }, text };
  }
  const file = upstream.findPypiFile(filename);
  if (!file) return { status: 404, text: "Not Found" };
  const type = file.kind === "wheel" ? "application/zip" : "application/x-gzip";
  return { status: 200, headers: { "content-type": type }, body: file.data };
}

/** The METADATA text of a wheel, as served for PEP 658. */
export function coreMetadata(upstream: Upstream, file: DistFile): string | undefined {
  for (const project of upstream.pypi.values()) {
    for (const release of project.releases) {
      if (!release.files.includes(file)) continue;
      const lines = [
        "Metadata-Version: 2.1",
        `Name: ${project.name}`,
        `Version: ${release.version}`,
        `Summary: ${project.summary}`,
        "Home-page: https://feedgate.invalid/sandbox",
        "Author: Feedgate Sandbox",
        "License: MIT",
        "Requires-Python: >=3.8",
        ...release.requires.map((r) => `Requires-Dist: ${r}`),
        "",
        `${project.summary}. Generated by the Feedgate sandbox.`,
        "",
      ];
      return lines.join("\n");
    }
  }
  return undefined;
}

function metadataSha256(upstream: Upstream, file: DistFile): string {
  return createHash("sha256").update(coreMetadata(upstream, file) ?? "").digest("hex");
}

function wantsJson(req: SandboxRequest): boolean {
  const accept = req.headers.accept ?? "";
  const json = qualityOf(accept, PEP691_JSON);
  const html = Math.max(qualityOf(accept, "text/html"), qualityOf(accept, "application/vnd.pypi.simple.v1+html"));
  return json > 0 && json >= html;
}

function qualityOf(accept: string, type: string): number {
  for (const part of accept.split(",")) {
    const [media, ...params] = part.trim().split(";");
    if (media?.trim().toLowerCase() !== type) continue;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    return q ? Number(q.slice(2)) : 1;
  }
  return 0;
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

function yankedJson(upstream: Upstream, normalized: string, version: string): { yanked?: string | true } {
  const reason = upstream.yanked?.get(`${normalized}==${version}`);
  if (reason === undefined) return {};
  return { yanked: reason === "" ? true : reason };
}
