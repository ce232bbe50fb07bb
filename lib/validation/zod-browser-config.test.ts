import { describe, expect, it } from "vitest";
import { configureZodForBrowser } from "./zod-browser-config";

describe("configureZodForBrowser", () => {
  it("makes zod jitless whether zod was loaded before or after it", async () => {
    const { z } = await import("zod");
    const before = z.config().jitless;
    try {
      configureZodForBrowser();
      expect(z.config().jitless).toBe(true);
    } finally {
      z.config({ jitless: before });
    }
  });

  it("creates the configuration zod will adopt when it is not loaded yet", () => {
    const target: { __zod_globalConfig?: { jitless?: boolean } } = {};
    configureZodForBrowser(target);
    expect(target.__zod_globalConfig).toEqual({ jitless: true });
  });
});
