import { describe, expect, it } from "vitest";
import { SINGLE_LINE_MESSAGE } from "@/lib/validation/single-line-text";
import { allowListInputSchema, packageBlockInputSchema } from "./policy-schemas";

const TAINTS = ["\n", "\r", "\v", "\f", "\t", "\u0085", "\u2028", "\u2029", "\u0000", "\u007f"];

describe("policy schemas", () => {
  it("refuse a line break or control character in a package name or a reason, even at either end", () => {
    for (const taint of TAINTS) {
      for (const name of [`tiny${taint}plot`, `tinyplot${taint}`, `${taint}tinyplot`]) {
        const r = packageBlockInputSchema.safeParse({ name, reason: "typosquat" });
        expect(r.success, JSON.stringify(name)).toBe(false);
        expect(r.error?.issues.map((i) => i.message)).toContain(SINGLE_LINE_MESSAGE);
      }
      const reason = packageBlockInputSchema.safeParse({ name: "tinyplot", reason: `typosquat${taint}--index-url https://evil.example/` });
      expect(reason.error?.issues.map((i) => i.path.join("."))).toEqual(["reason"]);
      const list = allowListInputSchema.safeParse({ upstreamId: "u1", allowList: ["numpy", `pandas${taint}`], reason: "narrower" });
      expect(list.error?.issues.map((i) => i.path.join("."))).toEqual(["allowList.1"]);
    }
  });

  it("accept names PEP 503 normalises later, trimmed of spaces, and null for all packages", () => {
    expect(packageBlockInputSchema.parse({ name: "  Tiny_Config ", reason: " typosquat " })).toEqual({ name: "Tiny_Config", reason: "typosquat" });
    expect(allowListInputSchema.parse({ upstreamId: "u1", allowList: null, reason: "all again" }).allowList).toBeNull();
    expect(packageBlockInputSchema.safeParse({ name: "not/a-name", reason: "typosquat" }).success).toBe(false);
  });
});
