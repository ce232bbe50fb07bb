/**
 * Property-based tests (fast-check): valid package entries, generated from the grammar itself,
 * stay exactly one entry each in requirements.txt, conda.yml and the Dockerfile; and anything
 * carrying a line terminator or control character never reaches a file.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { BASE_IMAGE_IDS } from "@/lib/validation/base-images";
import { condaSpecSchema, isCondaMatchSpec, isPep508Requirement, pipRequirementSchema } from "@/lib/validation/package-specs";
import { SINGLE_LINE_MESSAGE, splitAnyLineBreak } from "@/lib/validation/single-line-text";
import { renderCondaYml, renderDockerfile, renderRequirementsTxt, type FeedClient } from "./render";

const RUNS = { numRuns: 300 };

const feeds: FeedClient[] = [
  { pipIndexUrl: "https://127.0.0.1:8443/repository/vision-pypi/simple/", condaChannelUrls: ["https://127.0.0.1:8443/repository/vision-conda/", "https://127.0.0.1:8443/repository/vision-conda-2/"] },
  { pipIndexUrl: "http://192.168.0.13:8081/repository/pypi-proxy/simple/", condaChannelUrls: [] },
];

// ───────────── generators, one per rule of the grammar (PEP 508 name_req; conda match spec) ─────────────

const chars = (s: string) => fc.constantFrom(...s.split(""));
const ALNUM = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
const alnum = chars(ALNUM);
const str = (unit: fc.Arbitrary<string>, maxLength: number, minLength = 0) => fc.string({ unit, minLength, maxLength });
const join = (...parts: fc.Arbitrary<string>[]) => fc.tuple(...parts).map((p) => p.join(""));
const optional = (a: fc.Arbitrary<string>) => fc.option(a, { nil: "" });

/** Where PEP 508 allows `wsp*` or `wsp+`: spaces by default, tabs too for the grammar-only property. */
function pep508(ws: fc.Arbitrary<string>) {
  const wsStar = str(ws, 2);
  const wsPlus = str(ws, 2, 1);
  const identifier = fc.oneof(alnum, join(alnum, str(chars(`${ALNUM}._-`), 8), alnum));
  const version = join(alnum, str(chars(`${ALNUM}.*+!_-`), 8));
  const cmp = fc.constantFrom("===", "==", "!=", "<=", ">=", "~=", "<", ">");
  const versionOne = join(cmp, wsStar, version);
  const versionMany = fc.tuple(fc.array(versionOne, { minLength: 1, maxLength: 3 }), wsStar, wsStar).map(([vs, a, b]) => vs.join(`${a},${b}`));
  const versionSpec = fc.oneof(versionMany, join(fc.constant("("), wsStar, versionMany, wsStar, fc.constant(")")));
  const extras = join(fc.constant("["), wsStar, optional(fc.tuple(fc.array(identifier, { minLength: 1, maxLength: 3 }), wsStar).map(([ids, w]) => ids.join(`${w},${w}`))), wsStar, fc.constant("]"));
  const markerVar = fc.constantFrom("python_version", "python_full_version", "os_name", "sys_platform", "platform_release", "platform_system", "platform_version", "platform_machine", "platform_python_implementation", "implementation_name", "implementation_version", "extra");
  const markerOp = fc.oneof(join(wsStar, cmp), join(wsPlus, fc.constant("in")), join(wsPlus, fc.constant("not"), wsPlus, fc.constant("in")));
  const markerWord = join(chars(`${ALNUM}._`), str(chars(`${ALNUM}._-`), 6));
  const markerText = optional(fc.array(markerWord, { minLength: 1, maxLength: 3 }).map((w) => w.join(" ")));
  const markerValue = fc.tuple(fc.constantFrom('"', "'"), markerText).map(([q, t]) => `${q}${t}${q}`);
  const markerAtom = fc.oneof(join(markerVar, markerOp, wsStar, markerValue), join(markerValue, markerOp, wsStar, markerVar));
  const marker = fc
    .tuple(markerAtom, fc.array(fc.tuple(wsPlus, fc.constantFrom("and", "or"), wsPlus, markerAtom), { maxLength: 2 }))
    .map(([first, rest]) => first + rest.map((r) => r.join("")).join(""));
  return join(identifier, wsStar, optional(join(extras, wsStar)), optional(join(versionSpec, wsStar)), optional(join(fc.constant(";"), wsStar, marker, wsStar))).filter((r) => r.length <= 200);
}

function condaSpec(ws: fc.Arbitrary<string>) {
  const wsPlus = str(ws, 2, 1);
  const name = fc.oneof(chars("abcdefghijklmnopqrstuvwxyz0123456789_"), join(chars("abcdefghijklmnopqrstuvwxyz0123456789_"), str(chars("abcdefghijklmnopqrstuvwxyz0123456789._-"), 8), chars("abcdefghijklmnopqrstuvwxyz0123456789_")));
  const version = join(optional(fc.constantFrom("<", ">", "!", "=", "~", "<=", ">=", "!=", "==", "~=")), str(chars(`${ALNUM}.*+_!`), 6, 1));
  const versions = fc.array(version, { minLength: 1, maxLength: 3 }).map((v) => v.join(","));
  const build = join(fc.oneof(wsPlus, fc.constant("=")), str(chars(`${ALNUM}_.*`), 8, 1));
  const constraint = join(fc.oneof(wsPlus, fc.constantFrom("=", "==", ">=", "<=", ">", "<", "!=", "~=")), versions, optional(build));
  return join(name, optional(constraint)).filter((s) => s.length <= 200);
}

const pipRequirement = pep508(fc.constant(" "));
const condaMatchSpec = condaSpec(fc.constant(" "));
/** A PEP 508 requirement with at least one tab where whitespace is allowed. */
const pipRequirementWithTab = pep508(fc.constantFrom(" ", "\t")).filter((r) => r.includes("\t"));
const condaSpecWithTab = condaSpec(fc.constantFrom(" ", "\t")).filter((r) => r.includes("\t"));
const surrounded = (a: fc.Arbitrary<string>) => join(str(fc.constant(" "), 2), a, str(fc.constant(" "), 2));

const environment = fc.record({
  baseImage: fc.constantFrom(...BASE_IMAGE_IDS),
  conda: fc.array(surrounded(condaMatchSpec), { maxLength: 8 }),
  pip: fc.array(surrounded(pipRequirement), { maxLength: 8 }),
  feed: fc.constantFrom(...feeds),
});

const FORBIDDEN = [...Array.from({ length: 0x20 }, (_, i) => i), ...Array.from({ length: 0x21 }, (_, i) => 0x7f + i), 0x2028, 0x2029].map((cp) => String.fromCodePoint(cp));

/** A valid entry with a forbidden character inserted anywhere in it. */
const withForbidden = (valid: fc.Arbitrary<string>) =>
  fc.tuple(valid, fc.constantFrom(...FORBIDDEN), fc.nat()).map(([v, c, n]) => {
    const at = n % (v.length + 1);
    return v.slice(0, at) + c + v.slice(at);
  });

// ───────────────────────────── properties ─────────────────────────────

describe("generated valid entries", () => {
  it("pass the grammar and the schema, which returns them trimmed and otherwise untouched", () => {
    fc.assert(
      fc.property(surrounded(pipRequirement), surrounded(condaMatchSpec), (pip, conda) => {
        expect(isPep508Requirement(pip.trim())).toBe(true);
        expect(pipRequirementSchema.safeParse(pip).data).toBe(pip.trim());
        expect(isCondaMatchSpec(conda.trim())).toBe(true);
        expect(condaSpecSchema.safeParse(conda).data).toBe(conda.trim());
      }),
      RUNS,
    );
  });

  it("whatever the pip schema accepts gives pip no option: no space-separated piece starts with `-`, no comment, no continuation", () => {
    // pip's requirements-file reader cuts each line at spaces and reads the pieces from the first
    // one starting with `-` as options (req_file.break_args_options); ` #` starts a comment; a
    // trailing `\` joins the next line; `${VAR}` is expanded. Valid requirements with option-like
    // text spliced in, and random strings over the grammar's alphabet, probe the grammar for gaps.
    const splice = fc.tuple(pipRequirement, fc.constantFrom(" ", "-", " -", "--pre", " --no-index", " -rextra.txt", " #", "\\", "${X}"), fc.nat()).map(([v, bit, n]) => {
      const at = n % (v.length + 1);
      return v.slice(0, at) + bit + v.slice(at);
    });
    const noise = str(chars(`${ALNUM} ._-*+!=<>~,;()[]"'#`), 30, 1);
    fc.assert(
      fc.property(fc.oneof(splice, noise), (candidate) => {
        const parsed = pipRequirementSchema.safeParse(candidate);
        if (!parsed.success) return;
        expect(parsed.data.split(" ").filter((piece) => piece.startsWith("-"))).toEqual([]);
        expect(parsed.data).not.toMatch(/(^|[ \t])#|\\$|\$\{/);
      }),
      { numRuns: 2000 },
    );
  });

  it("requirements.txt has exactly one line per requirement, equal to it, whatever a reader counts as a line break", () => {
    fc.assert(
      fc.property(environment, ({ baseImage, conda, pip }) => {
        const txt = renderRequirementsTxt({ baseImage, conda, pip });
        const expected = pip.map((p) => p.trim());
        if (!pip.length) return void expect(txt).toBe("");
        expect(txt.endsWith("\n")).toBe(true);
        expect(txt.slice(0, -1).split("\n")).toEqual(expected);
        expect(splitAnyLineBreak(txt.slice(0, -1))).toEqual(expected);
      }),
      RUNS,
    );
  });

  it("conda.yml, read back with the yaml package (YAML 1.2 and 1.1), lists exactly the specs, one line each", () => {
    fc.assert(
      fc.property(environment, ({ baseImage, conda, pip, feed }) => {
        const yml = renderCondaYml({ baseImage, conda, pip }, feed);
        const expected = conda.map((c) => c.trim());
        for (const version of ["1.2", "1.1"] as const) {
          const doc = parseYaml(yml, { version }) as { name: string; channels: string[]; dependencies: string[] | null };
          expect(doc.dependencies ?? []).toEqual(expected);
          expect(doc.channels).toEqual([...feed.condaChannelUrls, "nodefaults"]);
          expect(doc.name).toBe("feedgate");
        }
        const lines = splitAnyLineBreak(yml);
        const deps = lines.indexOf("dependencies:");
        expect(lines.slice(deps + 1)).toEqual([...expected.map((c) => `  - ${JSON.stringify(c)}`), ""]);
        expect(lines).toHaveLength(3 + feed.condaChannelUrls.length + 1 + expected.length + 1);
      }),
      RUNS,
    );
  });

  it("the Dockerfile does not depend on the entries at all: only on whether there are any, which decides its line count", () => {
    fc.assert(
      fc.property(environment, ({ baseImage, conda, pip, feed }) => {
        const dockerfile = renderDockerfile({ baseImage, conda, pip }, feed);
        const placeholder = renderDockerfile({ baseImage, conda: conda.length ? ["x"] : [], pip: pip.length ? ["x"] : [] }, feed);
        expect(dockerfile).toBe(placeholder);
        const lines = splitAnyLineBreak(dockerfile);
        // Sections, each ending in a blank line: header (comment, FROM); conda channels (comment, RUN,
        // remove defaults, one append per channel); pip index (comment, RUN, trusted-host for http);
        // then COPY and RUN for conda.yml and for requirements.txt when there are entries; then the
        // lock layers (comment, pip freeze, conda list when there are conda entries).
        const condaChannelLines = feed.condaChannelUrls.length ? 3 + feed.condaChannelUrls.length + 1 : 0;
        const pipConfigLines = feed.pipIndexUrl.startsWith("http://") ? 4 : 3;
        const lockLines = 3 + (conda.length ? 1 : 0);
        expect(lines).toHaveLength(3 + condaChannelLines + pipConfigLines + (conda.length ? 3 : 0) + (pip.length ? 3 : 0) + lockLines);
        expect(lines[1]).toBe(`FROM ${baseImage}`);
        expect(lines.filter((l) => l.startsWith("FROM "))).toHaveLength(1);
        expect(lines.filter((l) => l === "COPY requirements.txt /tmp/feedgate/requirements.txt")).toHaveLength(pip.length ? 1 : 0);
        expect(lines.filter((l) => l === "COPY conda.yml /tmp/feedgate/conda.yml")).toHaveLength(conda.length ? 1 : 0);
      }),
      RUNS,
    );
  });
});

describe("entries with a tab, line terminator or control character", () => {
  it("a tab where PEP 508 allows whitespace passes the grammar, but the schema refuses it as a control character", () => {
    fc.assert(
      fc.property(pipRequirementWithTab, condaSpecWithTab, (pip, conda) => {
        expect(isPep508Requirement(pip)).toBe(true);
        expect(pipRequirementSchema.safeParse(pip).error?.issues.map((i) => i.message)).toEqual([SINGLE_LINE_MESSAGE]);
        expect(isCondaMatchSpec(conda)).toBe(true);
        expect(condaSpecSchema.safeParse(conda).error?.issues.map((i) => i.message)).toEqual([SINGLE_LINE_MESSAGE]);
      }),
      { numRuns: 100 },
    );
  });

  it("are refused by the schemas, and every renderer throws instead of writing them", () => {
    fc.assert(
      fc.property(withForbidden(pipRequirement), withForbidden(condaMatchSpec), fc.constantFrom(...feeds), (pip, conda, feed) => {
        expect(pipRequirementSchema.safeParse(pip).error?.issues.map((i) => i.message)).toEqual([SINGLE_LINE_MESSAGE]);
        expect(condaSpecSchema.safeParse(conda).error?.issues.map((i) => i.message)).toEqual([SINGLE_LINE_MESSAGE]);
        const baseImage = BASE_IMAGE_IDS[0];
        expect(() => renderRequirementsTxt({ baseImage, conda: [], pip: ["tinyml==0.3.0", pip] })).toThrow(/pip\[1\].*contains a line break or control character/);
        expect(() => renderCondaYml({ baseImage, conda: ["tinyhttp", conda], pip: [] }, feed)).toThrow(/conda\[1\]/);
        expect(() => renderDockerfile({ baseImage, conda: [], pip: [pip] }, feed)).toThrow(/pip\[0\]/);
        expect(() => renderDockerfile({ baseImage, conda: [conda], pip: [] }, feed)).toThrow(/conda\[0\]/);
      }),
      RUNS,
    );
  });
});
