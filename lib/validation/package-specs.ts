/**
 * Strict allow-list grammars for what users type as packages. Whatever passes here is written
 * into requirements.txt and conda.yml, which pip and conda read line by line, so the grammars
 * admit whitespace only where PEP 508 (or conda's match spec) does, and only spaces and tabs:
 * never `\s`, which also matches CR, VT, FF and U+2028 and so let a second line, such as a pip
 * option, hide inside one entry. No shell metacharacters, no URLs, no channel overrides.
 */
import { hasLineBreakOrControl, printable, singleLineText, splitAnyLineBreak } from "./single-line-text";

/** PEP 508 `wsp`. */
const WSP = "[ \\t]";
const PY_NAME = "[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?";
/**
 * PEP 508 version characters. The first must not be `-`: pip cuts a requirements line at spaces
 * and reads a piece that starts with `-` as an option, so `x>= --pre` would be one.
 */
const PY_VERSION = "[A-Za-z0-9][A-Za-z0-9.*+!_-]*";
const PY_CMP = "(?:===|==|!=|<=|>=|~=|<|>)";
const PY_VERSION_ONE = `${PY_CMP}${WSP}*${PY_VERSION}`;
const PY_VERSION_MANY = `${PY_VERSION_ONE}(?:${WSP}*,${WSP}*${PY_VERSION_ONE})*`;
const PY_VERSION_SPEC = `(?:\\(${WSP}*${PY_VERSION_MANY}${WSP}*\\)|${PY_VERSION_MANY})`;
const PY_EXTRAS = `\\[${WSP}*(?:${PY_NAME}(?:${WSP}*,${WSP}*${PY_NAME})*${WSP}*)?\\]`;
const MARKER_VAR =
  "(?:python_version|python_full_version|os_name|sys_platform|platform_release|platform_system|platform_version|platform_machine|platform_python_implementation|implementation_name|implementation_version|extra)";
const MARKER_OP = `(?:${WSP}*(?:===|==|!=|<=|>=|~=|<|>)|${WSP}+in|${WSP}+not${WSP}+in)`;
/** Quoted values: a small character set, and no word inside that starts with `-` (see PY_VERSION). */
const MARKER_WORD = "[A-Za-z0-9._][A-Za-z0-9._-]*";
const MARKER_TEXT = `(?:${MARKER_WORD}(?: +${MARKER_WORD})*)?`;
const MARKER_VALUE = `(?:"${MARKER_TEXT}"|'${MARKER_TEXT}')`;
const MARKER_ATOM = `(?:${MARKER_VAR}${MARKER_OP}${WSP}*${MARKER_VALUE}|${MARKER_VALUE}${MARKER_OP}${WSP}*${MARKER_VAR})`;
const MARKER = `${MARKER_ATOM}(?:${WSP}+(?:and|or)${WSP}+${MARKER_ATOM})*`;

/**
 * PEP 508 `name_req` (direct references, `name @ url`, would bypass the feed). Each optional
 * part starts with a character that is not whitespace, so runs of spaces cannot backtrack badly.
 */
const PEP508 = new RegExp(
  `^${WSP}*${PY_NAME}${WSP}*(?:${PY_EXTRAS}${WSP}*)?(?:${PY_VERSION_SPEC}${WSP}*)?(?:;${WSP}*${MARKER}${WSP}*)?$`,
);

/** Conda MatchSpec subset: `name`, `name=1.2`, `name>=1.2,<2`, `name 1.2.* py311_0`. No `channel::`. */
const CONDA_NAME = "[a-z0-9_](?:[a-z0-9._-]*[a-z0-9_])?";
const CONDA_VERSION = "(?:[<>!=~]=?|==)?[A-Za-z0-9.*+_!]+";
const CONDA_SPEC = new RegExp(
  `^${CONDA_NAME}(?:(?:${WSP}+|=|==|>=|<=|>|<|!=|~=)(?:${CONDA_VERSION})(?:,(?:${CONDA_VERSION}))*(?:(?:${WSP}+|=)[A-Za-z0-9_.*]+)?)?$`,
);

/** The grammar alone, without the single-line rule the schema applies first (for tests and tools). */
export function isPep508Requirement(value: string): boolean {
  return PEP508.test(value);
}

export function isCondaMatchSpec(value: string): boolean {
  return CONDA_SPEC.test(value);
}

export const pipRequirementSchema = singleLineText()
  .trim()
  .min(1, "is empty")
  .max(200, { message: "is longer than 200 characters", abort: true })
  .refine((v) => PEP508.test(v), {
    message: "is not a PEP 508 requirement such as `numpy>=1.26` or `torch==2.3.1; python_version >= \"3.10\"` (URLs and shell characters are not allowed)",
  });

export const condaSpecSchema = singleLineText()
  .trim()
  .min(1, "is empty")
  .max(200, { message: "is longer than 200 characters", abort: true })
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
 * The entry one line of a requirements-style list holds, or null for a blank or comment line.
 * A line with a control character in it is returned whole, comment and all, so the schema
 * refuses it by name instead of a comment or a trim quietly swallowing the character.
 */
export function entryOfLine(raw: string): string | null {
  if (hasLineBreakOrControl(raw)) return raw;
  const line = raw.replace(/(?:^| +)#.*$/, "").trim();
  return line || null;
}

/**
 * Parses a pasted requirements.txt: comments and blank lines are skipped; options such as
 * `--index-url` are refused because the feed decides where packages come from. Lines end at
 * every line terminator (CR, VT, FF, NEL and U+2028/U+2029 too), so none hides in an entry.
 */
export function parseRequirementsTxt(text: string): { requirements: string[]; errors: string[] } {
  const requirements: string[] = [];
  const errors: string[] = [];
  splitAnyLineBreak(text).forEach((raw, i) => {
    const line = entryOfLine(raw);
    if (line === null) return;
    const parsed = pipRequirementSchema.safeParse(line);
    if (parsed.success) requirements.push(parsed.data);
    else errors.push(lineError(i + 1, line, parsed.error.issues[0]?.message));
  });
  return { requirements, errors };
}

/**
 * Reads the dependencies of a pasted environment.yml without a YAML library: only the
 * flat `dependencies:` list and its nested `- pip:` list matter here, and anything else
 * (channels, prefix) is deliberately ignored because the feed decides the channels. Lines end
 * at every line terminator, as in parseRequirementsTxt; each item then meets the strict schemas.
 */
export function parseEnvironmentYml(text: string): { conda: string[]; pip: string[]; errors: string[] } {
  const conda: string[] = [];
  const pip: string[] = [];
  const errors: string[] = [];
  let section: "none" | "deps" | "pip" = "none";
  let pipIndent = -1;
  splitAnyLineBreak(text).forEach((raw, i) => {
    const line = raw.replace(/(?:^|[ \t]+)#.*$/, "");
    if (!line.trim()) return;
    const indent = line.length - line.replace(/^ +/, "").length;
    if (indent === 0) {
      section = /^dependencies[ \t]*:[ \t]*$/.test(line) ? "deps" : "none";
      return;
    }
    if (section === "none") return;
    const item = /^ *-[ \t]*(.+?)[ \t]*$/.exec(line)?.[1];
    if (!item) return;
    if (section === "pip" && indent <= pipIndent) section = "deps";
    if (section === "deps" && /^pip[ \t]*:$/.test(item)) {
      section = "pip";
      pipIndent = indent;
      return;
    }
    const value = item.replace(/^["']|["']$/g, "");
    const schema = section === "pip" ? pipRequirementSchema : condaSpecSchema;
    const parsed = schema.safeParse(value);
    if (parsed.success) (section === "pip" ? pip : conda).push(parsed.data);
    else errors.push(lineError(i + 1, value, parsed.error.issues[0]?.message));
  });
  return { conda, pip, errors };
}

/** `line 3: \`numpy\u{2028}x\` contains a line break …`, safe to show on one line. */
export function lineError(lineNumber: number, entry: string, message: string | undefined): string {
  return `line ${lineNumber}: \`${truncate(printable(entry))}\` ${message ?? "is invalid"}`;
}

function truncate(s: string) {
  return s.length > 60 ? `${s.slice(0, 57)}…` : s;
}
