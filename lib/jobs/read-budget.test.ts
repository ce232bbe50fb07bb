import { describe, expect, it } from "vitest";
import { isEveryNthPoll, POLL_CAP_FACTOR, pollDelay } from "@/lib/jobs/poll-cadence";
import { RECOVERY_MS, SharedReadBudget, type ReadLimits } from "@/lib/jobs/read-budget";
import { testProviders, useTestDatabase } from "@/testing/test-database";

/** A clock that only moves when a budget waits on it, so a test knows exactly how long it waited. */
function fakeClock(start = Date.parse("2026-12-01T10:00:00Z")) {
  const clock = { t: start, waited: [] as number[] };
  return {
    clock,
    now: () => clock.t,
    wait: async (ms: number) => {
      clock.waited.push(ms);
      clock.t += ms;
    },
  };
}

let sequence = 0;

for (const provider of testProviders()) {
  describe(`the shared read budget on ${provider}`, () => {
    const t = useTestDatabase(provider);
    const budget = (limits: ReadLimits, time: ReturnType<typeof fakeClock>, key = `test:${++sequence}`) => new SharedReadBudget({ db: t.db, key, limits, now: time.now, wait: time.wait });

    it("lets a burst go at once, then one read per 1/rate seconds", async () => {
      const time = fakeClock();
      const b = budget({ perSecond: 2, burst: 4 }, time);
      for (let i = 0; i < 4; i++) await b.take();
      expect(time.clock.waited).toEqual([]);
      await b.take();
      await b.take();
      expect(time.clock.waited).toEqual([500, 500]);
      expect(await b.availableIn()).toBe(500);
    });

    it("is one budget for every worker: parallel takes through separate handles never spend a token twice", async () => {
      const time = fakeClock();
      const key = `shared:${++sequence}`;
      const handles = Array.from({ length: 4 }, () => budget({ perSecond: 1, burst: 12 }, time, key));
      await Promise.all(Array.from({ length: 12 }, (_, i) => handles[i % handles.length]?.take()));
      expect(time.clock.waited).toEqual([]);
      const row = await t.db.readBudget.findUniqueOrThrow({ where: { key } });
      expect(row.tokens).toBeCloseTo(0, 6);
      expect(row.version).toBe(12);
      expect(await handles[0]?.availableIn()).toBe(1000);
    });

    it("holds every reader for a 429's Retry-After, halves the rate, and recovers it over RECOVERY_MS", async () => {
      const time = fakeClock();
      const key = `throttled:${++sequence}`;
      const a = budget({ perSecond: 4, burst: 40 }, time, key);
      const other = budget({ perSecond: 4, burst: 40 }, time, key);
      await a.take();
      await a.throttled(30_000);
      // Several workers seeing the same 429 shrink it once.
      await other.throttled(30_000);
      expect(await other.availableIn()).toBe(30_000);
      await other.take();
      // Held 30 s, then nothing had accrued yet: one token at the halved rate (2/s) is 500 ms.
      expect(time.clock.waited.reduce((sum, ms) => sum + ms, 0)).toBeGreaterThanOrEqual(30_000 + 400);
      const halved = await t.db.readBudget.findUniqueOrThrow({ where: { key } });
      expect(halved.ratePerSecond).toBeGreaterThan(1.9);
      expect(halved.ratePerSecond).toBeLessThan(2.1);
      time.clock.t += RECOVERY_MS;
      await a.take();
      expect((await t.db.readBudget.findUniqueOrThrow({ where: { key } })).ratePerSecond).toBe(4);
    });

    it("gives up waiting when the signal aborts", async () => {
      const controller = new AbortController();
      const b = new SharedReadBudget({ db: t.db, key: `abort:${++sequence}`, limits: { perSecond: 0.001, burst: 1 } });
      await b.take();
      const waiting = b.take(controller.signal);
      controller.abort(new Error("cancelled"));
      await expect(waiting).rejects.toThrow();
    });
  });
}

describe("the polling cadence", () => {
  it("starts at the floor, grows with age to 30 times it, and never polls before Retry-After", () => {
    expect(pollDelay(0, 2_000)).toBe(2_000);
    expect(pollDelay(60_000, 2_000)).toBe(12_000);
    expect(pollDelay(3_600_000, 2_000)).toBe(2_000 * POLL_CAP_FACTOR);
    expect(pollDelay(0, 2_000, 15_000)).toBe(15_000);
    expect(pollDelay(0, 20)).toBe(20);
    expect(pollDelay(3_600_000, 20)).toBe(600);
  });

  it("polls 79 times in a deployment's first hour at the default 2 s, and lists operations on about one in five", () => {
    let polls = 0;
    let listings = 0;
    for (let age = 0; age < 3_600_000; age += pollDelay(age, 2_000)) {
      polls++;
      if (isEveryNthPoll(age, 2_000, 5)) listings++;
    }
    expect(polls).toBe(79);
    expect(listings).toBe(17);
    expect(isEveryNthPoll(0, 2_000, 5)).toBe(true);
  });
});
