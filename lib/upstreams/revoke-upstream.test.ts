import { describe, expect, it } from "vitest";
import { actingUser, readyFeed, uniqueSuffix } from "@/testing/approval-fixtures";
import { ForbiddenError } from "@/lib/errors";
import { testProviders, useTestDatabase } from "@/testing/test-database";
import { seedDemoData } from "@/prisma/seed";
import { revokeUpstream } from "./revoke-upstream";
import { SWITCH_PROXIES_OFFLINE_KIND } from "@/lib/workflows/switch-proxies-offline/schema";

for (const provider of testProviders()) {
  describe(`revoking an upstream (${provider})`, () => {
    const t = useTestDatabase(provider);

    async function approvedWithFeeds() {
      await seedDemoData(t.db);
      const name = `src-${uniqueSuffix()}`;
      const up = await t.db.upstreamSource.create({ data: { name, kind: "pypi", url: `https://${name}.contoso.example/simple/`, status: "approved" } });
      const vision = await readyFeed(t.db, { teamSlug: "vision", upstreamId: up.id, repository: `vision-${name}-pypi` });
      const nlp = await readyFeed(t.db, { teamSlug: "nlp", upstreamId: up.id, repository: `nlp-${name}-pypi` });
      return { up, vision, nlp };
    }

    it("flags every feed using it, audits per team and queues the offline switch in the same commit", async () => {
      const { up, vision, nlp } = await approvedWithFeeds();
      const carmen = await actingUser(t.db, "Carmen Diaz");
      const result = await revokeUpstream(t.db, carmen, { upstreamId: up.id, reason: "Compromised maintainer account" }, "corr-revoke");
      expect(result.flaggedFeeds.map((f) => f.id).sort()).toEqual([vision.id, nlp.id].sort());
      expect(await t.db.upstreamSource.findUniqueOrThrow({ where: { id: up.id } })).toMatchObject({ status: "revoked", decisionReason: "Compromised maintainer account", decidedByOid: carmen.oid });
      for (const feed of [vision, nlp]) {
        const flagged = await t.db.feed.findUniqueOrThrow({ where: { id: feed.id } });
        expect(flagged.status).toBe("DEGRADED");
        // The catalog names the cause, not the last probe's "all good".
        expect(flagged.lastHealth).toMatchObject({ ok: false, source: "revoke", checks: [{ name: "upstream", detail: `Upstream ${up.name} was revoked by Carmen Diaz: Compromised maintainer account` }] });
        expect((await t.db.feedUpstream.findUniqueOrThrow({ where: { feedId_upstreamId: { feedId: feed.id, upstreamId: up.id } } })).flaggedAt).not.toBeNull();
        expect(await t.db.auditEvent.findFirstOrThrow({ where: { action: "feed.flagged", targetId: feed.id } })).toMatchObject({ teamId: feed.teamId, correlationId: "corr-revoke" });
      }
      expect(await t.db.auditEvent.count({ where: { action: "upstream.revoked", targetId: up.id } })).toBe(1);
      expect(await t.db.approval.count({ where: { subjectId: up.id, decision: "revoke" } })).toBe(1);
      const job = await t.db.job.findUniqueOrThrow({ where: { id: result.jobId } });
      expect(job).toMatchObject({ kind: SWITCH_PROXIES_OFFLINE_KIND, status: "QUEUED", payload: { upstreamId: up.id } });
    });

    it("happens once: a second revocation conflicts, and only approved sources can be revoked", async () => {
      const { up } = await approvedWithFeeds();
      const [carmen, dmitri] = await Promise.all([actingUser(t.db, "Carmen Diaz"), actingUser(t.db, "Dmitri Ivanov")]);
      const settled = await Promise.allSettled([
        revokeUpstream(t.db, carmen, { upstreamId: up.id, reason: "one" }, "c1"),
        revokeUpstream(t.db, dmitri, { upstreamId: up.id, reason: "two" }, "c2"),
      ]);
      expect(settled.filter((s) => s.status === "fulfilled")).toHaveLength(1);
      expect(await t.db.job.count({ where: { kind: SWITCH_PROXIES_OFFLINE_KIND, payload: { equals: { upstreamId: up.id } } } })).toBe(1);
      const proposed = await t.db.upstreamSource.create({ data: { name: `p-${uniqueSuffix()}`, kind: "pypi", url: `https://p${uniqueSuffix()}.contoso.example/` } });
      await expect(revokeUpstream(t.db, carmen, { upstreamId: proposed.id, reason: "no" }, "c3")).rejects.toMatchObject({ code: "conflict" });
    });

    it("a Requester cannot revoke, and nothing changes", async () => {
      const { up, vision } = await approvedWithFeeds();
      const alice = await actingUser(t.db, "Alice Chen");
      await expect(revokeUpstream(t.db, alice, { upstreamId: up.id, reason: "I do not like it" }, "c")).rejects.toBeInstanceOf(ForbiddenError);
      expect((await t.db.upstreamSource.findUniqueOrThrow({ where: { id: up.id } })).status).toBe("approved");
      expect((await t.db.feed.findUniqueOrThrow({ where: { id: vision.id } })).status).toBe("READY");
    });
  });
}
