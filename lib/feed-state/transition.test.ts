import { describe, expect, it } from "vitest";
import { seedDemoData } from "@/prisma/seed";
import { readyFeed } from "@/testing/approval-fixtures";
import { testProviders, useTestDatabase } from "@/testing/test-database";
import { FEED_TRANSITIONS, InvalidFeedTransitionError, markFeedsChecked, setFeedStatus } from "./transition";

for (const provider of testProviders()) describe(`Feed.status has one owner (${provider})`, () => {
  const t = useTestDatabase(provider);
  it("moves only from the statuses the caller read, refuses moves the table forbids, and keeps evidence unless given", async () => {
    {
      await seedDemoData(t.db);
      const pypi = await t.db.upstreamSource.findFirstOrThrow({ where: { name: "pypi.org" } });
      const feed = await readyFeed(t.db, { teamSlug: "vision", upstreamId: pypi.id, repository: "state-pypi" });
      const read = await t.db.feed.findUniqueOrThrow({ where: { id: feed.id } });

      const health = { ok: false, checks: [{ name: "pip index", ok: false, detail: "503" }], warnings: [], source: "recheck" as const };
      expect(await setFeedStatus(t.db, feed.id, ["READY"], "DEGRADED", { health })).toBe(true);
      // A second writer that read READY too loses: exactly one flag.
      expect(await setFeedStatus(t.db, feed.id, ["READY"], "DEGRADED", { health })).toBe(false);
      // A writer that read the row before the move and asks for "nobody wrote since" loses as well.
      expect(await setFeedStatus(t.db, feed.id, ["DEGRADED"], "READY", { unchangedSince: read.updatedAt })).toBe(false);
      const degraded = await t.db.feed.findUniqueOrThrow({ where: { id: feed.id } });
      expect(degraded.status).toBe("DEGRADED");
      expect(degraded.lastHealth).toMatchObject({ source: "recheck", checks: [{ detail: "503" }] });

      expect(await setFeedStatus(t.db, feed.id, ["DEGRADED"], "READY", { unchangedSince: degraded.updatedAt })).toBe(true);
      expect((await t.db.feed.findUniqueOrThrow({ where: { id: feed.id } })).lastHealth).toMatchObject({ source: "recheck" });

      await expect(setFeedStatus(t.db, feed.id, ["RETIRED"], "READY")).rejects.toBeInstanceOf(InvalidFeedTransitionError);
      await expect(setFeedStatus(t.db, feed.id, ["PENDING"], "READY")).rejects.toBeInstanceOf(InvalidFeedTransitionError);
      expect(FEED_TRANSITIONS.RETIRED).toEqual([]);

      const at = new Date("2026-12-02T10:00:00Z");
      await markFeedsChecked(t.db, [feed.id], at);
      expect((await t.db.feed.findUniqueOrThrow({ where: { id: feed.id } })).lastHealthAt?.toISOString()).toBe(at.toISOString());
    }
  });
});
