import { describe, expect, it } from "vitest";
import { createDb } from "@/lib/db/client";
import { testProviders, useTestDatabase } from "@/testing/test-database";
import { checkDatabase } from "./check-database";

for (const provider of testProviders()) {
  describe(`health on ${provider}`, () => {
    const t = useTestDatabase(provider);
    it("answers ok on a migrated database", async () => {
      expect(await checkDatabase(t.db)).toEqual({ db: "ok" });
    });
  });
}

describe("health when the database is not usable", () => {
  it("names a missing schema", async () => {
    const db = createDb("file::memory:");
    const health = await checkDatabase(db);
    expect(health).toEqual({ db: "error", reason: expect.stringContaining("schema is missing") });
    await db.$disconnect();
  });

  it("names an unreachable server", async () => {
    const db = createDb("postgresql://nobody@127.0.0.1:1/none");
    const health = await checkDatabase(db);
    expect(health.db).toBe("error");
    expect(health).toEqual({ db: "error", reason: expect.stringMatching(/unreachable|database error/) });
    await db.$disconnect();
  });
});
