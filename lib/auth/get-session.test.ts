import { describe, expect, it } from "vitest";
import { readCookie } from "./get-session";

describe("readCookie", () => {
  it("finds a cookie among others and treats a malformed one as absent", () => {
    expect(readCookie("a=1; feedgate-session=abc%2Edef; b=2", "feedgate-session")).toBe("abc.def");
    expect(readCookie("feedgate-session=%E0%A4%A", "feedgate-session")).toBeUndefined();
    expect(readCookie(null, "feedgate-session")).toBeUndefined();
  });
});
