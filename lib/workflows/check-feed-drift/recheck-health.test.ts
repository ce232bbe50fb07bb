/**
 * The periodic re-check against a real HTTP index (a local server that answers or refuses), on a
 * real database. The step context is the runner's interface, recorded here: the runner itself is
 * tested in lib/jobs, and the whole watcher end to end in provision-restart.int.test.ts.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Cloud } from "@/lib/cloud/cloud";
import type { StepContext } from "@/lib/jobs/define-job";
import { seedDemoData } from "@/prisma/seed";
import { readyFeed, uniqueSuffix } from "@/testing/approval-fixtures";
import { testProviders, useTestDatabase } from "@/testing/test-database";
import { recheckFeedHealth } from "./recheck-health";
import type { CheckFeedDriftPayload } from "./schema";

let server: Server;
let status = 200;
let base = "";
beforeAll(async () => {
  server = createServer((_req, res) => res.writeHead(status, { "content-type": "text/html" }).end("<html></html>"));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** Nexus feeds are probed anonymously: the Cloud is never asked, and says so if it is. */
const noCloud = new Proxy({} as Cloud, { get: (_t, key) => { throw new Error(`the re-check of a Nexus feed used cloud.${String(key)}`); } });

function stepContext(events: string[]): StepContext<CheckFeedDriftPayload> {
  return {
    jobId: "job-recheck", kind: "check-feed-drift", subject: "feed-drift-watch", step: "watch", payload: { everyMs: 100 }, attempt: 1, maxAttempts: 1000,
    results: {}, saved: undefined, signal: new AbortController().signal,
    checkpoint: async () => undefined,
    event: async (type) => void events.push(type),
    waitFor: () => { throw new Error("not used"); },
  } as StepContext<CheckFeedDriftPayload>;
}

for (const provider of testProviders()) {
  describe(`the feed re-check (${provider})`, () => {
    const t = useTestDatabase(provider);

    it("degrades a READY feed whose index stops answering, recovers it by itself, and never clears a revoke's flag", async () => {
      await seedDemoData(t.db);
      const pypi = await t.db.upstreamSource.findFirstOrThrow({ where: { name: "pypi.org" } });
      const repository = `recheck-${uniqueSuffix()}`;
      const feed = await readyFeed(t.db, { teamSlug: "vision", upstreamId: pypi.id, repository, pipIndexUrl: `${base}/repository/${repository}/simple/` });
      const events: string[] = [];
      const round = () => recheckFeedHealth({ db: t.db, cloud: noCloud }, stepContext(events));

      status = 200;
      expect(await round()).toMatchObject({ degraded: [], recovered: [] });
      expect((await t.db.feed.findUniqueOrThrow({ where: { id: feed.id } })).status).toBe("READY");

      status = 404;
      expect((await round()).degraded).toContain(feed.id);
      const down = await t.db.feed.findUniqueOrThrow({ where: { id: feed.id } });
      expect(down.status).toBe("DEGRADED");
      expect(JSON.stringify(down.lastHealth)).toMatch(/does not exist \(404\).*or was deleted/);
      expect(await t.db.auditEvent.count({ where: { action: "feed.flagged", targetId: feed.id } })).toBe(1);
      // Still down: no second flag.
      expect((await round()).degraded).not.toContain(feed.id);
      expect(await t.db.auditEvent.count({ where: { action: "feed.flagged", targetId: feed.id } })).toBe(1);

      status = 200;
      expect((await round()).recovered).toContain(feed.id);
      expect((await t.db.feed.findUniqueOrThrow({ where: { id: feed.id } })).status).toBe("READY");
      expect(await t.db.auditEvent.count({ where: { action: "feed.recovered", targetId: feed.id } })).toBe(1);

      // Down again, and meanwhile its upstream is revoked: answering again does not make it READY.
      status = 503;
      expect((await round()).degraded).toContain(feed.id);
      await t.db.feedUpstream.updateMany({ where: { feedId: feed.id }, data: { flaggedAt: new Date() } });
      status = 200;
      expect((await round()).recovered).not.toContain(feed.id);
      expect((await t.db.feed.findUniqueOrThrow({ where: { id: feed.id } })).status).toBe("DEGRADED");
      expect(events).toEqual(expect.arrayContaining(["health.degraded", "health.recovered"]));
    });

    it("leaves a feed degraded for another reason (drift, provisioning) to its Repair or its job", async () => {
      await seedDemoData(t.db);
      const pypi = await t.db.upstreamSource.findFirstOrThrow({ where: { name: "pypi.org" } });
      const repository = `drifted-${uniqueSuffix()}`;
      const feed = await readyFeed(t.db, { teamSlug: "vision", upstreamId: pypi.id, repository, pipIndexUrl: `${base}/repository/${repository}/simple/` });
      await t.db.feed.update({ where: { id: feed.id }, data: { status: "DEGRADED", lastHealth: { ok: false, checks: [{ name: "nexus configuration", ok: false, detail: "Proxy x is missing on Nexus." }], warnings: [] } } });
      status = 200;
      expect((await recheckFeedHealth({ db: t.db, cloud: noCloud }, stepContext([]))).recovered).not.toContain(feed.id);
      expect((await t.db.feed.findUniqueOrThrow({ where: { id: feed.id } })).status).toBe("DEGRADED");
    });
  });
}
