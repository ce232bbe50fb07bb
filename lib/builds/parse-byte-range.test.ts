import { describe, expect, it } from "vitest";
import { parseByteRange } from "./parse-byte-range";

describe("parseByteRange", () => {
  it.each([
    ["bytes=0-9", 100, { start: 0, end: 10 }],
    ["bytes=90-", 100, { start: 90, end: 100 }],
    ["bytes=-10", 100, { start: 90, end: 100 }],
    ["bytes=-1000", 100, { start: 0, end: 100 }],
    ["bytes=95-200", 100, { start: 95, end: 100 }],
    ["bytes=100-", 100, "unsatisfiable"],
    ["bytes=-0", 100, "unsatisfiable"],
    ["bytes=0-", 0, "unsatisfiable"],
    ["bytes=5-1", 100, null],
    ["bytes=0-1,5-6", 100, null],
    ["items=0-1", 100, null],
    [null, 100, null],
  ] as const)("%s of %i bytes", (header, size, expected) => {
    expect(parseByteRange(header, size)).toEqual(expected);
  });
});
