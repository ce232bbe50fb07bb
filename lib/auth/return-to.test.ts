import { describe, expect, it } from "vitest";
import { safeReturnTo } from "./return-to";

const APP = "http://localhost:3000";

/** Where a browser would go with this Location, from a page of the app. */
function landsOn(location: string): string {
  return new URL(location, `${APP}/signin`).origin;
}

describe("safeReturnTo", () => {
  it("keeps same-origin paths with their query and fragment", () => {
    expect(safeReturnTo("/requests/abc?tab=builds#log")).toBe("/requests/abc?tab=builds#log");
    expect(safeReturnTo("/builds?from=2026-11-01")).toBe("/builds?from=2026-11-01");
    expect(safeReturnTo("/%09/encoded-stays-a-path")).toBe("/%09/encoded-stays-a-path");
  });

  it("refuses the probe's payloads, which browsers resolve to another host", () => {
    for (const payload of ["/\t/127.0.0.1:3301/", "/\n/127.0.0.1:3301/", "/\r/127.0.0.1:3301/", "/\t\\127.0.0.1:3301/", "//evil.example/", "/\\evil.example", "/\\/evil.example", "https://evil.example/", " /x", "\t/x"]) {
      // The old check passed the first four through as paths, and the browser left the site.
      expect(safeReturnTo(payload), JSON.stringify(payload)).toBe("/");
    }
  });

  it("never returns a Location that leaves the site or holds a control character, for every code point at every position", () => {
    const specials = [...Array.from({ length: 0x20 }, (_, i) => i), 0x7f, ...Array.from({ length: 0x20 }, (_, i) => 0x80 + i), 0x2028, 0x2029, 0x5c];
    for (const code of specials) {
      const c = String.fromCodePoint(code);
      for (const value of [`/${c}/evil.example/`, `${c}//evil.example`, `/a${c}b`, `/requests${c}`, `/${c}${c}evil.example`]) {
        const result = safeReturnTo(value);
        expect(landsOn(result), JSON.stringify(value)).toBe(APP);
        expect(result, JSON.stringify(value)).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\\]/);
        expect(result.startsWith("//")).toBe(false);
      }
    }
  });

  it("sends auth pages and the API back to the home page", () => {
    expect(safeReturnTo("/signin")).toBe("/");
    expect(safeReturnTo("/signin?returnTo=/x")).toBe("/");
    expect(safeReturnTo("/api/v1/me")).toBe("/");
    expect(safeReturnTo("/./api/v1/me")).toBe("/");
    expect(safeReturnTo(null)).toBe("/");
    expect(safeReturnTo("/".padEnd(2001, "a"))).toBe("/");
  });
});
