import { describe, expect, it } from "vitest";
import { actingUser, uniqueSuffix } from "@/testing/approval-fixtures";
import { ForbiddenError } from "@/lib/errors";
import { getTwoPersonRule, setTwoPersonRule } from "@/lib/settings/two-person-rule";
import { testProviders, useTestDatabase } from "@/testing/test-database";
import { seedDemoData } from "@/prisma/seed";
import { decideUpstream } from "./decide-upstream";

for (const provider of testProviders()) {
  describe(`upstream decisions and the two-person rule (${provider})`, () => {
    const t = useTestDatabase(provider);

    async function people() {
      await seedDemoData(t.db);
      const [alice, carmen, dmitri] = await Promise.all(["Alice Chen", "Carmen Diaz", "Dmitri Ivanov"].map((n) => actingUser(t.db, n)));
      return { alice: alice!, carmen: carmen!, dmitri: dmitri! };
    }

    async function proposed(proposedByOid: string | null = null) {
      const name = `src-${uniqueSuffix()}`;
      return t.db.upstreamSource.create({ data: { name, kind: "pypi", url: `https://${name}.contoso.example/simple/`, justification: "Team wheels", proposedByOid } });
    }

    async function setRule(enabled: boolean) {
      const { dmitri } = await people();
      await setTwoPersonRule(t.db, dmitri, enabled, "corr-setting");
    }

    it("only Admins change the rule, and the change is audited as config.changed", async () => {
      const { carmen, dmitri } = await people();
      await expect(setTwoPersonRule(t.db, carmen, true, "c")).rejects.toBeInstanceOf(ForbiddenError);
      expect(await getTwoPersonRule(t.db)).toBe(false);
      expect(await setTwoPersonRule(t.db, dmitri, true, "c1")).toEqual({ enabled: true, changed: true });
      expect(await setTwoPersonRule(t.db, dmitri, true, "c2")).toEqual({ enabled: true, changed: false });
      expect(await getTwoPersonRule(t.db)).toBe(true);
      const event = await t.db.auditEvent.findFirstOrThrow({ where: { action: "config.changed", correlationId: "c1" } });
      expect(event).toMatchObject({ actorOid: dmitri.oid, targetId: "approvals.twoPersonRule", before: { enabled: false }, after: { enabled: true } });
      await setTwoPersonRule(t.db, dmitri, false, "c3");
    });

    it("without the rule one approval decides", async () => {
      await setRule(false);
      const { carmen } = await people();
      const up = await proposed();
      const result = await decideUpstream(t.db, carmen, { upstreamId: up.id, decision: "approve", reason: "Fine" }, "c");
      expect(result).toMatchObject({ status: "approved", approvals: 1, approvalsNeeded: 1 });
    });

    it("with the rule: one approval leaves it proposed, the same person twice is refused, a second approver approves", async () => {
      await setRule(true);
      const { carmen, dmitri } = await people();
      const up = await proposed();
      const first = await decideUpstream(t.db, carmen, { upstreamId: up.id, decision: "approve", reason: "Looks maintained" }, "c1");
      expect(first).toMatchObject({ status: "proposed", approvals: 1, approvalsNeeded: 2, decidedAt: null });
      expect((await t.db.upstreamSource.findUniqueOrThrow({ where: { id: up.id } })).status).toBe("proposed");

      await expect(decideUpstream(t.db, carmen, { upstreamId: up.id, decision: "approve", reason: "Again" }, "c2")).rejects.toMatchObject({ code: "conflict" });
      expect(await t.db.approval.count({ where: { subjectId: up.id } })).toBe(1);

      const second = await decideUpstream(t.db, dmitri, { upstreamId: up.id, decision: "approve", reason: "Agreed" }, "c3");
      expect(second).toMatchObject({ status: "approved", approvals: 2 });
      const stored = await t.db.upstreamSource.findUniqueOrThrow({ where: { id: up.id } });
      expect(stored).toMatchObject({ status: "approved", decidedByOid: dmitri.oid });
      expect(await t.db.auditEvent.count({ where: { targetId: up.id, action: "upstream.approved" } })).toBe(2);
      await setRule(false);
    });

    it("with the rule the proposer can never approve their own source, even as an approver", async () => {
      await setRule(true);
      const { dmitri } = await people();
      const own = await proposed(dmitri.oid);
      await expect(decideUpstream(t.db, dmitri, { upstreamId: own.id, decision: "approve", reason: "Mine is fine" }, "c")).rejects.toBeInstanceOf(ForbiddenError);
      expect(await t.db.approval.count({ where: { subjectId: own.id } })).toBe(0);
      await setRule(false);
    });

    it("with the rule a single decline declines", async () => {
      await setRule(true);
      const { carmen } = await people();
      const up = await proposed();
      expect(await decideUpstream(t.db, carmen, { upstreamId: up.id, decision: "decline", reason: "Typosquat risk" }, "c")).toMatchObject({ status: "declined" });
      await setRule(false);
    });

    it("with the rule, two approvers racing end with exactly one approved source and two approvals", async () => {
      await setRule(true);
      const { carmen, dmitri } = await people();
      const up = await proposed();
      await Promise.all([
        decideUpstream(t.db, carmen, { upstreamId: up.id, decision: "approve", reason: "ok" }, "c1"),
        decideUpstream(t.db, dmitri, { upstreamId: up.id, decision: "approve", reason: "ok" }, "c2"),
      ]);
      expect((await t.db.upstreamSource.findUniqueOrThrow({ where: { id: up.id } })).status).toBe("approved");
      expect(await t.db.approval.count({ where: { subjectId: up.id } })).toBe(2);
      await setRule(false);
    });

    it("without the rule the proposer still cannot decide their own source, and nothing is recorded", async () => {
      await setRule(false);
      const { carmen, dmitri } = await people();
      const own = await proposed(carmen.oid);
      for (const decision of ["approve", "decline"] as const) {
        await expect(decideUpstream(t.db, carmen, { upstreamId: own.id, decision, reason: "Mine is fine" }, "c")).rejects.toBeInstanceOf(ForbiddenError);
      }
      expect(await t.db.approval.count({ where: { subjectId: own.id } })).toBe(0);
      expect(await t.db.auditEvent.count({ where: { targetId: own.id } })).toBe(0);
      expect((await t.db.upstreamSource.findUniqueOrThrow({ where: { id: own.id } })).status).toBe("proposed");
      // Another approver decides it.
      expect(await decideUpstream(t.db, dmitri, { upstreamId: own.id, decision: "approve", reason: "Reviewed" }, "c")).toMatchObject({ status: "approved" });
    });

    it("a Requester cannot decide", async () => {
      const { alice } = await people();
      const up = await proposed();
      await expect(decideUpstream(t.db, alice, { upstreamId: up.id, decision: "approve", reason: "please" }, "c")).rejects.toBeInstanceOf(ForbiddenError);
    });
  });
}
