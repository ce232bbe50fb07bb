import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { feedRequestSchema, upstreamProposalSchema } from "./feed-request";
import { environmentNameSchema, namePrefixSchema } from "./names";
import { condaSpecSchema, parseEnvironmentYml, parseRequirementsTxt, pipRequirementSchema } from "./package-specs";
import { hasLineBreakOrControl, printable, SINGLE_LINE_MESSAGE, singleLineText, splitAnyLineBreak } from "./single-line-text";
import { upstreamUrlSchema } from "./urls";

/** U+0000–U+001F, U+007F–U+009F (DEL, C1 and NEL), U+2028, U+2029. */
const FORBIDDEN_CODE_POINTS = [...range(0x00, 0x1f), ...range(0x7f, 0x9f), 0x2028, 0x2029];
const forbiddenChar = fc.constantFrom(...FORBIDDEN_CODE_POINTS.map((cp) => String.fromCodePoint(cp)));
/** Everything else, astral planes included (a few code points either side of the ranges on purpose). */
const allowedChar = fc
  .oneof(fc.integer({ min: 0x20, max: 0x7e }), fc.integer({ min: 0xa0, max: 0x2027 }), fc.integer({ min: 0x202a, max: 0xd7ff }), fc.integer({ min: 0xe000, max: 0x10ffff }))
  .map((cp) => String.fromCodePoint(cp));
/** Any text with at least one forbidden character somewhere in it. */
const tainted = fc.tuple(fc.string({ unit: "binary" }), forbiddenChar, fc.string({ unit: "binary" })).map(([a, c, b]) => a + c + b);

const validRequest = {
  teamId: "team00000001",
  title: "Vision training feed",
  workspace: { mode: "new", region: "eastus", namePrefix: "vis", addressSpace: "10.42.0.0/16" },
  feedHost: { mode: "existing", hostId: "host00000001" },
  upstreamIds: ["upstream00000001"],
};

describe("singleLineText", () => {
  it("refuses each forbidden code point and accepts its neighbours", () => {
    const schema = singleLineText();
    for (const cp of FORBIDDEN_CODE_POINTS) {
      const r = schema.safeParse(`a${String.fromCodePoint(cp)}b`);
      expect(r.error?.issues.map((i) => i.message), `U+${cp.toString(16)}`).toEqual([SINGLE_LINE_MESSAGE]);
    }
    for (const cp of [0x20, 0x7e, 0xa0, 0x2027, 0x202a, 0x1f600]) expect(schema.safeParse(`a${String.fromCodePoint(cp)}b`).success).toBe(true);
  });

  it("is checked before trimming, so a terminator at either end is not trimmed away", () => {
    const schema = singleLineText().trim().min(1);
    expect(schema.safeParse("numpy\u2028").success).toBe(false);
    expect(schema.safeParse("\rnumpy").success).toBe(false);
    expect(schema.safeParse("  numpy  ").data).toBe("numpy");
  });

  it("property: any string with a control character or line separator is refused by every user-facing schema, with the one message", () => {
    const schemas = {
      pip: pipRequirementSchema,
      conda: condaSpecSchema,
      environmentName: environmentNameSchema,
      namePrefix: namePrefixSchema,
      url: upstreamUrlSchema,
      title: feedRequestSchema.transform((r) => r.title),
    };
    fc.assert(
      fc.property(tainted, (value) => {
        for (const [name, schema] of Object.entries(schemas)) {
          const input = name === "title" ? { ...validRequest, title: value } : value;
          const r = schema.safeParse(input);
          expect(r.success, name).toBe(false);
          expect(r.error?.issues.map((i) => i.message), name).toContain(SINGLE_LINE_MESSAGE);
        }
        const proposal = upstreamProposalSchema.safeParse({ name: "internal", kind: "pypi", url: "https://pypi.example.com/simple/", justification: `Our wheels ${value}`, allowList: [value] });
        expect(proposal.error?.issues.filter((i) => i.message === SINGLE_LINE_MESSAGE).map((i) => i.path.join("."))).toEqual(["justification", "allowList.0"]);
      }),
      { numRuns: 500 },
    );
  });

  it("property: hasLineBreakOrControl is true exactly when a forbidden character is present", () => {
    fc.assert(fc.property(fc.string({ unit: allowedChar }), (clean) => !hasLineBreakOrControl(clean)));
    fc.assert(fc.property(tainted, (value) => hasLineBreakOrControl(value)));
  });

  it("printable makes every forbidden character a visible escape", () => {
    expect(printable("tinyml>=\r--pre\u2028x")).toBe("tinyml>=\\u{000D}--pre\\u{2028}x");
    fc.assert(fc.property(tainted, (value) => !hasLineBreakOrControl(printable(value))));
  });
});

describe("pasted files end their lines at every line terminator", () => {
  const TERMINATORS = ["\r\n", "\n", "\r", "\v", "\f", "\u0085", "\u2028", "\u2029"].map((t) => [label(t), t]);

  it.each(TERMINATORS)("splitAnyLineBreak splits on %s", (_, t) => {
    expect(splitAnyLineBreak(`a${t}b`)).toEqual(["a", "b"]);
  });

  it.each(TERMINATORS)("requirements.txt separated by %s: `tinyml>=` and `--pre` are two lines, both refused", (_, t) => {
    const r = parseRequirementsTxt(`tinylog==0.1${t}tinyml>=${t}--pre`);
    expect(r.requirements).toEqual(["tinylog==0.1"]);
    expect(r.errors).toHaveLength(2);
    expect(r.errors[0]).toMatch(/^line 2: `tinyml>=` /);
    expect(r.errors[1]).toMatch(/^line 3: `--pre` /);
  });

  it.each(TERMINATORS)("environment.yml separated by %s keeps one entry per line", (_, t) => {
    const yml = ["dependencies:", "  - tinyhttp", "  - pip:", "    - tinyml==0.3.0", "    - -rextra.txt"].join(t);
    const r = parseEnvironmentYml(yml);
    expect(r.conda).toEqual(["tinyhttp"]);
    expect(r.pip).toEqual(["tinyml==0.3.0"]);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatch(/^line 5: `-rextra.txt` /);
  });

  it("a pasted line with another control character is refused by name, shown escaped", () => {
    const r = parseRequirementsTxt("tinyml==0.3.0\u0000\ntinylog\t# comment");
    expect(r.requirements).toEqual([]);
    expect(r.errors).toEqual([`line 1: \`tinyml==0.3.0\\u{0000}\` ${SINGLE_LINE_MESSAGE}`, `line 2: \`tinylog\\u{0009}# comment\` ${SINGLE_LINE_MESSAGE}`]);
  });
});

function label(terminator: string): string {
  return [...terminator].map((c) => `U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0")}`).join(" ");
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}
