import { createHash } from "node:crypto";
import { gzipSync } from "node:zlib";
import tarStream from "tar-stream";
import yazl from "yazl";
import { BUILD_TOOLS } from "./build-backend";
import type { CondaPackage } from "./conda-package";
import { pythonStandIn } from "./conda-python";
import { normalizeProjectName } from "./versions";

/**
 * The sandbox's generated "upstream": tiny pure-Python projects with dependencies among them,
 * published as real wheels + sdists (PyPI) and noarch `.conda` packages, plus stand-ins for setuptools and
 * wheel (build-backend.ts) so that sdists build with isolation. Everything is built
 * in memory at start from this catalog, deterministically (fixed timestamps), in well under a second.
 */
type CatalogEntry = {
  name: string;
  summary: string;
  versions: { version: string; requires: string[] }[];
  conda: boolean;
  /** Published as an sdist only, so installing it means building it (with isolation: setuptools and wheel from the index). */
  sdistOnly?: boolean;
};

const CATALOG: CatalogEntry[] = [
  { name: "tinycore", summary: "Core helpers", conda: true, versions: [{ version: "1.0.0", requires: [] }, { version: "1.1.0", requires: [] }] },
  { name: "tinylog", summary: "Logging helpers", conda: true, versions: [{ version: "0.4.0", requires: ["tinycore>=1.0"] }] },
  { name: "Tiny_Config", summary: "Config loading", conda: true, versions: [{ version: "2.1.0", requires: ["tinycore"] }] },
  { name: "tinyhttp", summary: "HTTP client", conda: true, versions: [{ version: "0.9.0", requires: ["tinycore>=1.1", "tinylog"] }] },
  { name: "tinyjson", summary: "JSON helpers", conda: true, versions: [{ version: "3.0.0", requires: [] }] },
  { name: "tinydata", summary: "Data frames, tiny", conda: true, versions: [{ version: "1.2.0", requires: ["tinyjson>=3", "tinycore"] }] },
  { name: "tinymath", summary: "Math helpers", conda: true, versions: [{ version: "0.7.0", requires: [] }, { version: "0.8.0", requires: [] }] },
  { name: "tinyplot", summary: "Plotting", conda: true, versions: [{ version: "0.2.0", requires: ["tinymath>=0.8", "tinydata"] }] },
  { name: "tinyml", summary: "Machine learning, tiny", conda: true, versions: [{ version: "0.3.0", requires: ["tinymath>=0.7", "tinydata>=1.0", "tinylog"] }] },
  { name: "tinycli", summary: "Command lines", conda: false, versions: [{ version: "1.0.0", requires: ["tiny-config>=2", "tinylog"] }] },
  { name: "tinytext", summary: "Text helpers", conda: true, versions: [{ version: "0.1.0", requires: ["tinycore"] }] },
  { name: "tinyio", summary: "File helpers", conda: false, versions: [{ version: "0.5.0", requires: ["tinyjson"] }] },
  // A typosquat of tinyhttp, as public indexes carry them: what an organisation-wide block is for.
  { name: "tinyhtpp", summary: "Not the HTTP client you wanted", conda: false, versions: [{ version: "0.9.1", requires: [] }] },
  { name: "tinysrc", summary: "Source-only helpers", conda: false, sdistOnly: true, versions: [{ version: "0.2.0", requires: ["tinycore"] }] },
];

/**
 * The second, internal index (a company's own package server at `https://pypi.internal.example/`):
 * `tinysecret` exists only here (and depends on `tinycore` from the public index), and `tinyjson`
 * exists here in another version, so the order of a feed's indexes decides which one answers.
 */
const INTERNAL_CATALOG: CatalogEntry[] = [
  { name: "tinysecret", summary: "Internal helpers", conda: false, versions: [{ version: "0.1.0", requires: ["tinycore"] }] },
  { name: "tinyjson", summary: "JSON helpers, internal fork", conda: false, versions: [{ version: "3.1.0", requires: [] }] },
];

const FIXED_DATE = new Date("2024-01-02T03:04:05Z");

export type DistFile = {
  filename: string;
  kind: "wheel" | "sdist";
  data: Buffer;
  sha256: string;
  requiresPython: string;
};

export type PypiRelease = { version: string; requires: string[]; files: DistFile[] };
export type PypiProject = { name: string; normalized: string; summary: string; releases: PypiRelease[] };

export type { CondaPackage } from "./conda-package";

export type Upstream = {
  pypi: Map<string, PypiProject>;
  conda: CondaPackage[];
  findPypiFile: (filename: string) => DistFile | undefined;
  findCondaFile: (filename: string) => CondaPackage | undefined;
  /** The internal index (PyPI only); absent on the internal index itself. */
  internal?: Upstream;
  /** PEP 592 yanked releases, `<normalized name>==<version>` → reason ("" for none); every file of the release is yanked. */
  yanked: Map<string, string>;
};

export async function generateUpstream(): Promise<Upstream> {
  return { ...(await generateIndex(CATALOG, true)), internal: await generateIndex(INTERNAL_CATALOG, false) };
}

/** isPublic: pypi.org and the conda channels, which also carry the build tools and the python stand-in. */
async function generateIndex(catalog: CatalogEntry[], isPublic: boolean): Promise<Upstream> {
  const pypi = new Map<string, PypiProject>();
  const conda: CondaPackage[] = [];
  for (const entry of catalog) {
    const normalized = normalizeProjectName(entry.name);
    const releases: PypiRelease[] = [];
    for (const { version, requires } of entry.versions) {
      const sdist = await buildSdist(entry, version, requires);
      releases.push({ version, requires, files: entry.sdistOnly ? [sdist] : [await buildWheel(entry, version, requires), sdist] });
      if (entry.conda) conda.push(await buildCondaPackage(entry, version, requires));
    }
    pypi.set(normalized, { name: entry.name, normalized, summary: entry.summary, releases });
  }
  // pypi.org's setuptools and wheel, as stand-ins (build-backend.ts): wheels only, like the build tools' own bootstrap.
  for (const tool of isPublic ? BUILD_TOOLS : []) {
    const entry: CatalogEntry = { name: tool.name, summary: tool.summary, conda: false, versions: [{ version: tool.version, requires: [] }] };
    const wheel = await buildWheel(entry, tool.version, [], tool.files.map(([p, text]) => [p, Buffer.from(text)]));
    pypi.set(tool.name, { name: tool.name, normalized: tool.name, summary: tool.summary, releases: [{ version: tool.version, requires: [], files: [wheel] }] });
  }
  if (isPublic) conda.push(pythonStandIn());
  const pypiFiles = new Map<string, DistFile>();
  for (const project of pypi.values()) for (const r of project.releases) for (const f of r.files) pypiFiles.set(f.filename, f);
  const condaFiles = new Map(conda.map((p) => [p.filename, p]));
  return { pypi, conda, findPypiFile: (f) => pypiFiles.get(f), findCondaFile: (f) => condaFiles.get(f), yanked: new Map() };
}

function moduleName(name: string): string {
  return normalizeProjectName(name).replace(/-/g, "_");
}

function moduleSource(entry: CatalogEntry, version: string, requires: string[]): string {
  const imports = requires.map((r) => `import ${moduleName(r.split(/[<>=!~ ]/)[0] ?? r)}  # noqa: F401`).join("\n");
  return `"""${entry.summary} (Feedgate sandbox package)."""\n${imports}\n\n__version__ = "${version}"\n\n\ndef hello() -> str:\n    return "${entry.name} ${version}"\n`;
}

function metadataText(entry: CatalogEntry, version: string, requires: string[]): string {
  const lines = [
    "Metadata-Version: 2.1",
    `Name: ${entry.name}`,
    `Version: ${version}`,
    `Summary: ${entry.summary}`,
    "Home-page: https://feedgate.invalid/sandbox",
    "Author: Feedgate Sandbox",
    "License: MIT",
    "Requires-Python: >=3.8",
    ...requires.map((r) => `Requires-Dist: ${r}`),
    "",
    `${entry.summary}. Generated by the Feedgate sandbox.`,
    "",
  ];
  return lines.join("\n");
}

async function buildWheel(entry: CatalogEntry, version: string, requires: string[], sources?: [string, Buffer][]): Promise<DistFile> {
  const mod = moduleName(entry.name);
  const distInfo = `${mod}-${version}.dist-info`;
  const files: [string, Buffer][] = [
    ...(sources ?? [[`${mod}/__init__.py`, Buffer.from(moduleSource(entry, version, requires))]]),
    [`${distInfo}/METADATA`, Buffer.from(metadataText(entry, version, requires))],
    [`${distInfo}/WHEEL`, Buffer.from("Wheel-Version: 1.0\nGenerator: feedgate-sandbox (1.0)\nRoot-Is-Purelib: true\nTag: py3-none-any\n\n")],
    [`${distInfo}/top_level.txt`, Buffer.from(`${mod}\n`)],
  ];
  const record = files.map(([p, data]) => `${p},sha256=${createHash("sha256").update(data).digest("base64url")},${data.length}`);
  record.push(`${distInfo}/RECORD,,`);
  files.push([`${distInfo}/RECORD`, Buffer.from(`${record.join("\n")}\n`)]);
  const data = await zip(files, true);
  return { filename: `${mod}-${version}-py3-none-any.whl`, kind: "wheel", data, sha256: sha256Hex(data), requiresPython: ">=3.8" };
}

async function buildSdist(entry: CatalogEntry, version: string, requires: string[]): Promise<DistFile> {
  const mod = moduleName(entry.name);
  const root = `${mod}-${version}`;
  const pyproject = [
    "[build-system]",
    // The index serves a stand-in setuptools (build-backend.ts); a real setuptools builds these sdists too.
    'requires = ["setuptools>=61"]',
    'build-backend = "setuptools.build_meta"',
    "",
    "[project]",
    `name = "${entry.name}"`,
    `version = "${version}"`,
    `description = "${entry.summary}"`,
    'requires-python = ">=3.8"',
    `dependencies = [${requires.map((r) => JSON.stringify(r)).join(", ")}]`,
    "",
  ].join("\n");
  const tar = await tarBuffer([
    [`${root}/PKG-INFO`, Buffer.from(metadataText(entry, version, requires))],
    [`${root}/pyproject.toml`, Buffer.from(pyproject)],
    [`${root}/${mod}/__init__.py`, Buffer.from(moduleSource(entry, version, requires))],
  ]);
  const data = gzipSync(tar, { level: 9 });
  // gzip header bytes 4-7 hold mtime; zero them so the archive is reproducible.
  data.writeUInt32LE(0, 4);
  return { filename: `${root}.tar.gz`, kind: "sdist", data, sha256: sha256Hex(data), requiresPython: ">=3.8" };
}

async function buildCondaPackage(entry: CatalogEntry, version: string, requires: string[]): Promise<CondaPackage> {
  const name = normalizeProjectName(entry.name);
  const build = "pyhd8ed1ab_0";
  const stem = `${name}-${version}-${build}`;
  const depends = ["python >=3.8", ...requires.map(pipToCondaDepend)];
  const mod = moduleName(entry.name);
  const sitePath = `site-packages/${mod}/__init__.py`;
  const source = Buffer.from(moduleSource(entry, version, requires));
  const timestamp = Math.floor(FIXED_DATE.getTime());
  const index = { name, version, build, build_number: 0, depends, license: "MIT", noarch: "python", subdir: "noarch", timestamp };
  const paths = { paths: [{ _path: sitePath, path_type: "hardlink", sha256: sha256Hex(source), size_in_bytes: source.length }], paths_version: 1 };
  const info = await tarBuffer([
    ["info/index.json", Buffer.from(JSON.stringify(index, null, 2))],
    ["info/paths.json", Buffer.from(JSON.stringify(paths, null, 2))],
    ["info/files", Buffer.from(`${sitePath}\n`)],
    ["info/link.json", Buffer.from(JSON.stringify({ noarch: { type: "python" }, package_metadata_version: 1 }))],
    ["info/about.json", Buffer.from(JSON.stringify({ summary: entry.summary, license: "MIT" }))],
  ]);
  const pkg = await tarBuffer([[sitePath, source]]);
  const data = await zip(
    [
      ["metadata.json", Buffer.from(JSON.stringify({ conda_pkg_format_version: 2 }))],
      [`pkg-${stem}.tar.zst`, zstdRawFrame(pkg)],
      [`info-${stem}.tar.zst`, zstdRawFrame(info)],
    ],
    false,
  );
  return {
    filename: `${stem}.conda`,
    name,
    version,
    build,
    depends,
    subdir: "noarch",
    noarch: "python",
    data,
    md5: createHash("md5").update(data).digest("hex"),
    sha256: sha256Hex(data),
    size: data.length,
    timestamp,
  };
}

function pipToCondaDepend(requirement: string): string {
  const m = /^([A-Za-z0-9._-]+)\s*(.*)$/.exec(requirement.trim());
  if (!m || !m[1]) return requirement;
  const name = normalizeProjectName(m[1]);
  return m[2] ? `${name} ${m[2].replace(/\s+/g, "")}` : name;
}

function zip(files: [string, Buffer][], compress: boolean): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const archive = new yazl.ZipFile();
    for (const [name, data] of files) archive.addBuffer(data, name, { mtime: FIXED_DATE, mode: 0o100644, compress });
    const chunks: Buffer[] = [];
    archive.outputStream.on("data", (c: Buffer) => chunks.push(c));
    archive.outputStream.on("end", () => resolve(Buffer.concat(chunks)));
    archive.outputStream.on("error", reject);
    archive.end();
  });
}

/** A tar archive built from in-memory entries. */
function tarBuffer(files: [string, Buffer][]): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const pack = tarStream.pack();
    const chunks: Buffer[] = [];
    pack.on("data", (c: unknown) => {
      if (Buffer.isBuffer(c)) chunks.push(c);
    });
    pack.on("end", () => resolve(Buffer.concat(chunks)));
    pack.on("error", reject);
    for (const [name, data] of files) pack.entry({ name, size: data.length, mode: 0o644, mtime: FIXED_DATE, uid: 0, gid: 0 }, data);
    pack.finalize();
  });
}

/**
 * A valid Zstandard frame made of raw (stored) blocks. Node 20 has no zstd encoder, and conda's
 * `.conda` format needs `.tar.zst` members; raw blocks are part of RFC 8878 and decode everywhere.
 */
export function zstdRawFrame(content: Buffer): Buffer {
  const header = Buffer.alloc(4 + 1 + 8);
  header.writeUInt32LE(0xfd2fb528, 0);
  header.writeUInt8(0xe0, 4); // FCS flag = 3 (8 bytes), single segment, no checksum, no dictionary
  header.writeBigUInt64LE(BigInt(content.length), 5);
  const parts: Buffer[] = [header];
  const maxBlock = 128 * 1024;
  let offset = 0;
  do {
    const size = Math.min(maxBlock, content.length - offset);
    const isLast = offset + size >= content.length;
    const blockHeader = (size << 3) | (0 << 1) | (isLast ? 1 : 0);
    const bh = Buffer.alloc(3);
    bh.writeUIntLE(blockHeader, 0, 3);
    parts.push(bh, content.subarray(offset, offset + size));
    offset += size;
  } while (offset < content.length);
  return Buffer.concat(parts);
}

function sha256Hex(data: Buffer): string {
  return createHash("sha256").update(data).digest("hex");
}
