/**
 * A build's lock: what its image actually installed, read from its own log, where the
 * Dockerfile's last layers print `pip list --format=freeze` and `conda list --explicit` between fixed markers
 * (lib/feed-config/build-lock-markers). The log is the build's output, not Feedgate's: every line
 * between the markers must be a package this module can name strictly, or the whole lock is
 * refused (a lock is later pinned into a Dockerfile, so nothing loose may pass).
 */
import { LOCK_KINDS, lockBeginMarker, lockEndMarker, type LockKind } from "@/lib/feed-config/build-lock-markers";

/** `name==version` lines per kind, names normalised, sorted, no duplicates. */
export type BuildLock = Record<LockKind, string[]>;
export type LockEntry = { name: string; version: string };
export type LockChange = { kind: LockKind; name: string; before: string | null; after: string | null };
export type LockDiff = { added: LockChange[]; removed: LockChange[]; changed: LockChange[] };

/** PEP 508 project names (ASCII letters, digits, `.`, `_`, `-`, starting and ending alphanumeric). */
const PEP508_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,126}[A-Za-z0-9])?$/;
/** Public PEP 440 versions, plus a local label: what pip prints for index installs. */
const PEP440_VERSION = /^(?:[0-9]+!)?[0-9]+(?:\.[0-9]+){0,9}(?:(?:a|b|rc)[0-9]+)?(?:\.post[0-9]+)?(?:\.dev[0-9]+)?(?:\+[a-z0-9]+(?:\.[a-z0-9]+){0,9})?$/i;
/** conda package names and versions (conda allows letters in versions, e.g. openssl 1.1.1w). */
const CONDA_NAME = /^[a-z0-9](?:[a-z0-9._-]{0,126}[a-z0-9])?$/;
const CONDA_VERSION = /^[A-Za-z0-9](?:[A-Za-z0-9._+]{0,62})$/;
const CONDA_FILE = /^(.+)-([^-]+)-([^-]+)\.(?:tar\.bz2|conda)$/;

export class LockParseError extends Error {}

/** PEP 503 normalisation: lower case, runs of `-`, `_`, `.` become one `-`. */
export function normalizeName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, "-");
}

export function isPinnableEntry(kind: LockKind, entry: LockEntry): boolean {
  return kind === "pip" ? PEP508_NAME.test(entry.name) && PEP440_VERSION.test(entry.version) : CONDA_NAME.test(entry.name) && CONDA_VERSION.test(entry.version);
}

/**
 * The lock in a build log: the last complete block of each kind (a marker counts only as a whole
 * line). null when the log has no pip block (a build from before locks, or one that stopped
 * early). Throws LockParseError when a block holds anything but packages.
 */
export function parseBuildLock(log: string): BuildLock | null {
  const lines = log.replace(/\r\n?/g, "\n").split("\n").map((l) => l.trim());
  const pip = lastBlock(lines, "pip");
  if (!pip) return null;
  const conda = lastBlock(lines, "conda") ?? [];
  return { pip: toLockLines("pip", pip.flatMap(parsePipLine)), conda: toLockLines("conda", conda.flatMap(parseCondaLine)) };
}

/** Lock lines (`name==version`) back into entries; refuses anything a parse would not have produced. */
export function readLockLines(kind: LockKind, text: string): LockEntry[] {
  return text.split("\n").filter(Boolean).map((line) => {
    const m = /^([^=\s]+)==([^=\s]+)$/.exec(line);
    const entry = m?.[1] && m[2] ? { name: m[1], version: m[2] } : undefined;
    if (!entry || !isPinnableEntry(kind, entry)) throw new LockParseError(`Not a ${kind} lock line: ${JSON.stringify(line.slice(0, 80))}`);
    return entry;
  });
}

/** Package changes from `before` to `after`, by kind and name, sorted by name. */
export function diffBuildLocks(before: BuildLock, after: BuildLock): LockDiff {
  const diff: LockDiff = { added: [], removed: [], changed: [] };
  for (const kind of LOCK_KINDS) {
    const a = new Map(readLockLines(kind, before[kind].join("\n")).map((e) => [e.name, e.version]));
    const b = new Map(readLockLines(kind, after[kind].join("\n")).map((e) => [e.name, e.version]));
    for (const name of [...new Set([...a.keys(), ...b.keys()])].sort()) {
      const was = a.get(name) ?? null;
      const now = b.get(name) ?? null;
      const change = { kind, name, before: was, after: now };
      if (was === null) diff.added.push(change);
      else if (now === null) diff.removed.push(change);
      else if (was !== now) diff.changed.push(change);
    }
  }
  return diff;
}

function lastBlock(lines: string[], kind: LockKind): string[] | null {
  const begin = lines.lastIndexOf(lockBeginMarker(kind));
  if (begin < 0) return null;
  const end = lines.indexOf(lockEndMarker(kind), begin + 1);
  if (end < 0) return null;
  return lines.slice(begin + 1, end).filter(Boolean);
}

/** `pip list --format=freeze`: `name==version` per line; anything else (editables, direct URLs, options) is refused. */
function parsePipLine(line: string): LockEntry[] {
  const m = /^([^=\s]+)==([^=\s]+)$/.exec(line);
  const entry = m?.[1] && m[2] ? { name: normalizeName(m[1]), version: m[2] } : undefined;
  if (!entry || !PEP508_NAME.test(m?.[1] ?? "") || !isPinnableEntry("pip", entry)) throw new LockParseError(`Refusing a pip lock line: ${JSON.stringify(line.slice(0, 80))}`);
  return [entry];
}

/** `conda list --explicit`: comments, `@EXPLICIT`, then one package URL a line (`…/<name>-<version>-<build>.tar.bz2`). */
function parseCondaLine(line: string): LockEntry[] {
  if (line.startsWith("#") || line === "@EXPLICIT") return [];
  let file: string | undefined;
  try {
    const url = new URL(line);
    const last = url.pathname.split("/").pop();
    if ((url.protocol === "https:" || url.protocol === "http:" || url.protocol === "file:") && last) file = decodeURIComponent(last);
  } catch {
    file = undefined;
  }
  const m = file ? CONDA_FILE.exec(file) : null;
  const entry = m?.[1] && m[2] ? { name: m[1], version: m[2] } : undefined;
  if (!entry || !isPinnableEntry("conda", entry)) throw new LockParseError(`Refusing a conda lock line: ${JSON.stringify(line.slice(0, 80))}`);
  return [entry];
}

function toLockLines(kind: LockKind, entries: LockEntry[]): string[] {
  const byName = new Map<string, string>();
  for (const e of entries) {
    const seen = byName.get(e.name);
    if (seen !== undefined && seen !== e.version) throw new LockParseError(`The ${kind} lock names ${e.name} twice, at ${seen} and ${e.version}.`);
    byName.set(e.name, e.version);
  }
  return [...byName].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([n, v]) => `${n}==${v}`);
}

/**
 * A stored lock as the package lists of an exact rebuild: every line again a strict name and
 * version (the lock is pinned into a Dockerfile, so it is checked once more on the way out),
 * rendered as `name==version`, a requirement pip and a match spec conda both read as an exact pin.
 */
export function pinnedPackages(stored: { pip: string; conda: string }): { pip: string[]; conda: string[] } {
  const pins = (kind: LockKind, text: string) => readLockLines(kind, text).map((e) => `${e.name}==${e.version}`);
  return { pip: pins("pip", stored.pip), conda: pins("conda", stored.conda) };
}
