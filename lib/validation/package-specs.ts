/**
 * Strict allow-list grammars for what users type as packages. Whatever passes here may be
 * written into requirements files, conda specs and Dockerfiles, so the grammars admit no
 * whitespace tricks, no shell metacharacters, no URLs and no channel overrides.
 */
import { z } from "zod";

const PY_NAME = "[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?";
const PY_VERSION = "[A-Za-z0-9.*+!_-]+";
const PY_SPECIFIER = `(?:~=|===|==|!=|<=|>=|<|>)\\s*${PY_VERSION}`;
const PY_EXTRAS = `\\[\\s*${PY_NAME}(?:\\s*,\\s*${PY_NAME})*\\s*\\]`;
const MARKER_VAR =
  "(?:python_version|python_full_version|os_name|sys_platform|platform_release|platform_system|platform_version|platform_machine|platform_python_implementation|implementation_name|implementation_version|extra)";
const MARKER_OP = "(?:===|==|!=|<=|>=|<|>|~=|not in|in)";
const MARKER_VALUE = `(?:"[A-Za-z0-9._ -]*"|'[A-Za-z0-9._ -]*')`;
const MARKER_ATOM = `(?:${MARKER_VAR}\\s*${MARKER_OP}\\s*${MARKER_VALUE}|${MARKER_VALUE}\\s*${MARKER_OP}\\s*${MARKER_VAR})`;
const MARKER = `${MARKER_ATOM}(?:\\s+(?:and|or)\\s+${MARKER_ATOM})*`;

/** PEP 508 requirements without direct references (`name @ url` would bypass the feed). */
const PEP508 = new RegExp(
  `^${PY_NAME}\\s*(?:${PY_EXTRAS})?\\s*(?:\\(?\\s*${PY_SPECIFIER}(?:\\s*,\\s*${PY_SPECIFIER})*\\s*\\)?)?\\s*(?:;\\s*${MARKER})?$`,
);

/** Conda MatchSpec subset: `name`, `name=1.2`, `name>=1.2,<2`, `name 1.2.* py311_0`. No `channel::`. */
const CONDA_NAME = "[a-z0-9_](?:[a-z0-9._-]*[a-z0-9_])?";
const CONDA_VERSION = "(?:[<>!=~]=?|==)?[A-Za-z0-9.*+_!]+";
const CONDA_SPEC = new RegExp(
  `^${CONDA_NAME}(?:(?:\\s+|=|==|>=|<=|>|<|!=|~=)(?:${CONDA_VERSION})(?:,(?:${CONDA_VERSION}))*(?:(?:\\s+|=)[A-Za-z0-9_.*]+)?)?$`,
);

export const pipRequirementSchema = z
  .string()
  .trim()
  .min(1, "is empty")
  .max(200, "is longer than 200 characters")
  .refine((v) => PEP508.test(v), {
    message: "is not a PEP 508 requirement such as `numpy>=1.26` or `torch==2.3.1; python_version >= \"3.10\"` (URLs and shell characters are not allowed)",
  });

export const condaSpecSchema = z
  .string()
  .trim()
  .min(1, "is empty")
  .max(200, "is longer than 200 characters")
  .refine((v) => CONDA_SPEC.test(v), {
    message: "is not a conda match spec such as `numpy`, `numpy=1.26` or `python>=3.10,<3.12` (channels come from the feed, so `channel::` is not allowed)",
  });

/** The distribution name a requirement asks for, normalised as in PEP 503. */
export function requirementName(requirement: string): string {
  const match = new RegExp(`^${PY_NAME}`).exec(requirement.trim());
  return (match?.[0] ?? "").toLowerCase().replace(/[-_.]+/g, "-");
}

export function condaSpecName(spec: string): string {
  return new RegExp(`^${CONDA_NAME}`).exec(spec.trim())?.[0] ?? "";
}

/**
 * Parses a pasted requirements.txt: comments and blank lines are skipped; options such as
 * `--index-url` are refused because the feed decides where packages come from.
 */
export function parseRequirementsTxt(text: string): { requirements: string[]; errors: string[] } {
  const requirements: string[] = [];
  const errors: string[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.replace(/\s+#.*$/, "").trim();
    if (!line || line.startsWith("#")) return;
    const parsed = pipRequirementSchema.safeParse(line);
    if (parsed.success) requirements.push(parsed.data);
    else errors.push(`line ${i + 1}: \`${truncate(line)}\` ${parsed.error.issues[0]?.message ?? "is invalid"}`);
  });
  return { requirements, errors };
}

/**
 * Reads the dependencies of a pasted environment.yml without a YAML library: only the
 * flat `dependencies:` list and its nested `- pip:` list matter here, and anything else
 * (channels, prefix) is deliberately ignored because the feed decides the channels.
 */
export function parseEnvironmentYml(text: string): { conda: string[]; pip: string[]; errors: string[] } {
  const conda: string[] = [];
  const pip: string[] = [];
  const errors: string[] = [];
  let section: "none" | "deps" | "pip" = "none";
  let pipIndent = -1;
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.replace(/\s+#.*$/, "");
    if (!line.trim() || line.trim().startsWith("#")) return;
    const indent = line.length - line.trimStart().length;
    if (indent === 0) {
      section = /^dependencies\s*:\s*$/.test(line) ? "deps" : "none";
      return;
    }
    if (section === "none") return;
    const item = /^\s*-\s*(.+?)\s*$/.exec(line)?.[1];
    if (!item) return;
    if (section === "pip" && indent <= pipIndent) section = "deps";
    if (section === "deps" && /^pip\s*:$/.test(item)) {
      section = "pip";
      pipIndent = indent;
      return;
    }
    const value = item.replace(/^["']|["']$/g, "");
    const schema = section === "pip" ? pipRequirementSchema : condaSpecSchema;
    const parsed = schema.safeParse(value);
    if (parsed.success) (section === "pip" ? pip : conda).push(parsed.data);
    else errors.push(`line ${i + 1}: \`${truncate(value)}\` ${parsed.error.issues[0]?.message ?? "is invalid"}`);
  });
  return { conda, pip, errors };
}

function truncate(s: string) {
  return s.length > 60 ? `${s.slice(0, 57)}…` : s;
}
