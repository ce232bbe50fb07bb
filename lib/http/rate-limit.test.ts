import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, type PrismaClient } from "@/lib/db/client";
import { isAppError } from "@/lib/errors";
import { testProviders, useTestDatabase } from "@/testing/test-database";
import { CLIENT_ADDRESS_HEADER } from "./client-address";
import { RateLimiter } from "./rate-limit";

const MINUTE = 60_000;

for (const provider of testProviders()) {
  describe(`the database-backed sign-in limiter (${provider})`, () => {
    const t = useTestDatabase(provider);
    // A second client on the same database stands for a second portal instance.
    let other: PrismaClient;
    beforeAll(() => {
      other = createDb(t.url);
    });
    afterAll(async () => {
      await other.$disconnect();
    });

    /** A limiter on a clock the test moves; `base` starts a fresh minute. */
    function limiter(db: () => PrismaClient, clock: { now: number }, perMinute = 3, name = `test-${Math.random().toString(36).slice(2, 8)}`) {
      return new RateLimiter({ name, perMinute: () => perMinute, db, now: () => clock.now });
    }
    const base = () => Math.ceil(Date.now() / MINUTE) * MINUTE + 1000 * MINUTE;

    async function takeMany(l: RateLimiter, key: string, n: number): Promise<boolean[]> {
      const out: boolean[] = [];
      for (let i = 0; i < n; i++) out.push(await l.take(key));
      return out;
    }

    it("allows perMinute requests per client in a fixed window, then refuses until the next window", async () => {
      const clock = { now: base() };
      const l = limiter(() => t.db, clock);
      expect(await takeMany(l, "198.51.100.1", 5)).toEqual([true, true, true, false, false]);
      // Another client is not affected at all.
      expect(await takeMany(l, "198.51.100.2", 3)).toEqual([true, true, true]);
      clock.now += MINUTE - 1;
      expect(await l.take("198.51.100.1")).toBe(false);
      clock.now += 1;
      expect(await takeMany(l, "198.51.100.1", 4)).toEqual([true, true, true, false]);
    });

    it("is shared by every portal instance on the database", async () => {
      const clock = { now: base() };
      const name = `shared-${Math.random().toString(36).slice(2, 8)}`;
      const a = limiter(() => t.db, clock, 4, name);
      const b = limiter(() => other, clock, 4, name);
      expect([await a.take("203.0.113.7"), await b.take("203.0.113.7"), await a.take("203.0.113.7"), await b.take("203.0.113.7")]).toEqual([true, true, true, true]);
      expect(await b.take("203.0.113.7")).toBe(false);
      expect(await a.take("203.0.113.7")).toBe(false);
    });

    it("counts once per request, and refuses an address already at its limit from memory, without another write", async () => {
      const clock = { now: base() };
      const name = `cache-${Math.random().toString(36).slice(2, 8)}`;
      const l = limiter(() => t.db, clock, 3, name);
      const key = `${name}:198.51.100.9:${clock.now}`;
      const row = () => t.db.rateLimitBucket.findUniqueOrThrow({ where: { key } });
      await takeMany(l, "198.51.100.9", 2);
      expect((await row()).count).toBe(2);
      await l.take("198.51.100.9");
      expect((await row()).count).toBe(3);
      expect(await takeMany(l, "198.51.100.9", 200)).toEqual(Array(200).fill(false));
      expect((await row()).count).toBe(3);
      expect((await row()).expiresAt).toEqual(new Date(clock.now + MINUTE));
    });

    it("lets exactly perMinute through when requests race, writing no more than that", async () => {
      const clock = { now: base() };
      const name = `race-${Math.random().toString(36).slice(2, 8)}`;
      const l = limiter(() => t.db, clock, 5, name);
      const answers = await Promise.all(Array.from({ length: 100 }, () => l.take("198.51.100.10")));
      expect(answers.filter(Boolean)).toHaveLength(5);
      expect((await t.db.rateLimitBucket.findUniqueOrThrow({ where: { key: `${name}:198.51.100.10:${clock.now}` } })).count).toBe(5);
      // A second instance that knows nothing yet learns it with one write.
      const b = limiter(() => other, clock, 5, name);
      expect(await takeMany(b, "198.51.100.10", 3)).toEqual([false, false, false]);
      expect((await t.db.rateLimitBucket.findUniqueOrThrow({ where: { key: `${name}:198.51.100.10:${clock.now}` } })).count).toBe(6);
    });

    it("prunes expired windows at most once a minute", async () => {
      const clock = { now: base() };
      const l = limiter(() => t.db, clock, 3);
      await l.take("198.51.100.20");
      await t.db.rateLimitBucket.create({ data: { key: "stale:1", count: 1, expiresAt: new Date(clock.now - 1) } });
      clock.now += 30_000;
      await l.take("198.51.100.21");
      expect(await t.db.rateLimitBucket.count({ where: { key: "stale:1" } })).toBe(1);
      clock.now += 30_000;
      await l.take("198.51.100.22");
      expect(await t.db.rateLimitBucket.count({ where: { key: "stale:1" } })).toBe(0);
      expect(await t.db.rateLimitBucket.count({ where: { expiresAt: { lte: new Date(clock.now) } } })).toBe(0);
    });

    it("enforce() keys on X-Feedgate-Client-Address only (IPv6 by /64) and answers 429", async () => {
      const clock = { now: base() };
      const l = limiter(() => t.db, clock, 2);
      const from = (address: string, forwarded: string) => new Headers({ [CLIENT_ADDRESS_HEADER]: address, "x-forwarded-for": forwarded });
      await l.enforce(from("2001:db8:1:2::1", "1.1.1.1"));
      await l.enforce(from("2001:db8:1:2::99", "2.2.2.2"));
      const refused = await l.enforce(from("2001:db8:1:2:ffff::3", "3.3.3.3")).catch((e: unknown) => e);
      expect(isAppError(refused) && refused.status).toBe(429);
      // Another /64, and an IPv4 client, each have their own count.
      await l.enforce(from("2001:db8:1:3::1", "3.3.3.3"));
      await l.enforce(from("198.51.100.30", "2001:db8:1:2::1"));
    });
  });
}
