import { describe, expect, it } from "vitest";
import { ForbiddenError } from "@/lib/errors";
import { testProviders, useTestDatabase } from "@/testing/test-database";
import { decideUpstream } from "@/lib/upstreams/decide-upstream";
import { seedDemoData } from "@/prisma/seed";
import { decideRequest } from "./decide-request";
import { listApprovalQueue } from "./list-approval-queue";
import { actingUser, submittedRequest, uniqueSuffix } from "@/testing/approval-fixtures";

for (const provider of testProviders()) {
  describe(`request decisions (${provider})`, () => {
    const t = useTestDatabase(provider);

    async function counts(requestId: string) {
      const [request, approvals, audits, jobs] = await Promise.all([
        t.db.feedRequest.findUniqueOrThrow({ where: { id: requestId } }),
        t.db.approval.count({ where: { subjectType: "request", subjectId: requestId } }),
        t.db.auditEvent.count({ where: { targetId: requestId, action: { in: ["request.approved", "request.declined"] } } }),
        t.db.job.count({ where: { subject: `request:${requestId}` } }),
      ]);
      return { status: request.status, approvals, audits, jobs };
    }

    it("approving records the Approval and audit event and starts provisioning (job enqueued)", async () => {
      await seedDemoData(t.db);
      const carmen = await actingUser(t.db, "Carmen Diaz");
      const request = await submittedRequest(t.db);
      const result = await decideRequest(t.db, carmen, { requestId: request.id, decision: "approve", reason: "Standard feed" }, "corr-approve");
      expect(result).toMatchObject({ status: "APPROVED", outcome: { state: "started" } });
      expect(await counts(request.id)).toEqual({ status: "PROVISIONING", approvals: 1, audits: 1, jobs: 1 });
      const approval = await t.db.approval.findFirstOrThrow({ where: { subjectId: request.id } });
      expect(approval).toMatchObject({ approverOid: carmen.oid, decision: "approve", reason: "Standard feed" });
      const audit = await t.db.auditEvent.findFirstOrThrow({ where: { action: "request.approved", targetId: request.id } });
      expect(audit).toMatchObject({ actorOid: carmen.oid, correlationId: "corr-approve", teamId: request.teamId, before: { status: "SUBMITTED" } });
      const job = await t.db.job.findFirstOrThrow({ where: { subject: `request:${request.id}` } });
      expect(job.kind).toBe("provision-request");
    });

    it("is decided exactly once when approvers race", async () => {
      await seedDemoData(t.db);
      const [carmen, dmitri] = await Promise.all([actingUser(t.db, "Carmen Diaz"), actingUser(t.db, "Dmitri Ivanov")]);
      const request = await submittedRequest(t.db);
      const settled = await Promise.allSettled([
        decideRequest(t.db, carmen, { requestId: request.id, decision: "approve", reason: "Fine by me" }, "c1"),
        decideRequest(t.db, dmitri, { requestId: request.id, decision: "approve", reason: "Also fine" }, "c2"),
        decideRequest(t.db, dmitri, { requestId: request.id, decision: "decline", reason: "Changed my mind" }, "c3"),
        decideRequest(t.db, carmen, { requestId: request.id, decision: "approve", reason: "Double click" }, "c4"),
      ]);
      const won = settled.filter((s) => s.status === "fulfilled");
      const lost = settled.filter((s): s is PromiseRejectedResult => s.status === "rejected");
      expect(won).toHaveLength(1);
      expect(lost.map((l) => (l.reason as { code?: string }).code)).toEqual(["conflict", "conflict", "conflict"]);
      const after = await counts(request.id);
      expect(after.approvals).toBe(1);
      expect(after.audits).toBe(1);
      expect(after.jobs).toBeLessThanOrEqual(1);
    });

    it("declining stores the reason for the requester, audits it and starts nothing", async () => {
      await seedDemoData(t.db);
      const carmen = await actingUser(t.db, "Carmen Diaz");
      const request = await submittedRequest(t.db);
      await decideRequest(t.db, carmen, { requestId: request.id, decision: "decline", reason: "Use the shared feed instead" }, "corr-decline");
      expect(await counts(request.id)).toEqual({ status: "DECLINED", approvals: 1, audits: 1, jobs: 0 });
      const stored = await t.db.feedRequest.findUniqueOrThrow({ where: { id: request.id } });
      expect(stored.statusReason).toContain("Use the shared feed instead");
      expect(stored.decidedAt).not.toBeNull();
    });

    it("a team with team-scoped approvers is decided by them alone; other Approvers see why and change nothing", async () => {
      await seedDemoData(t.db);
      const [carmen, dmitri] = await Promise.all([actingUser(t.db, "Carmen Diaz"), actingUser(t.db, "Dmitri Ivanov")]);
      const request = await submittedRequest(t.db);
      const dmitriRow = await t.db.user.update({ where: { entraOid: dmitri.oid }, data: { lastRoles: ["Feedgate.Approver", "Feedgate.Admin"] } });
      await t.db.teamApprover.create({ data: { teamId: request.teamId, userId: dmitriRow.id } });
      try {
        const queue = await listApprovalQueue(t.db, carmen);
        expect(queue.requests.find((r) => r.id === request.id)?.decideBlockedReason).toBe("Vision Research's requests are decided by its team approvers: Dmitri Ivanov.");
        expect((await listApprovalQueue(t.db, dmitri)).requests.find((r) => r.id === request.id)?.decideBlockedReason).toBeNull();
        const refused = await decideRequest(t.db, carmen, { requestId: request.id, decision: "approve", reason: "Not my team" }, "c-scoped").catch((e: unknown) => e);
        expect(refused).toBeInstanceOf(ForbiddenError);
        expect((refused as ForbiddenError).message).toBe("Vision Research's requests are decided by its team approvers: Dmitri Ivanov.");
        expect(await counts(request.id)).toEqual({ status: "SUBMITTED", approvals: 0, audits: 0, jobs: 0 });
        const decided = await decideRequest(t.db, dmitri, { requestId: request.id, decision: "decline", reason: "Use the team feed" }, "d-scoped");
        expect(decided.status).toBe("DECLINED");

        // The only team approver's own request (or one of a team whose approvers lost the role) is
        // not left undecidable: any other Approver decides it.
        const own = await submittedRequest(t.db, { submittedBy: dmitri });
        expect((await listApprovalQueue(t.db, carmen)).requests.find((r) => r.id === own.id)?.decideBlockedReason).toBeNull();
        expect((await decideRequest(t.db, carmen, { requestId: own.id, decision: "approve", reason: "Team approver is the submitter" }, "c-own")).status).toBe("APPROVED");
        await t.db.user.update({ where: { id: dmitriRow.id }, data: { lastRoles: ["Feedgate.Requester"] } });
        const orphan = await submittedRequest(t.db);
        expect((await decideRequest(t.db, carmen, { requestId: orphan.id, decision: "decline", reason: "No team approver left" }, "c-orphan")).status).toBe("DECLINED");
      } finally {
        await t.db.teamApprover.deleteMany({ where: { teamId: request.teamId } });
      }
    });

    it("a Requester cannot decide, and nothing changes", async () => {
      await seedDemoData(t.db);
      const alice = await actingUser(t.db, "Alice Chen");
      const request = await submittedRequest(t.db);
      await expect(decideRequest(t.db, alice, { requestId: request.id, decision: "approve", reason: "Mine please" }, "c")).rejects.toBeInstanceOf(ForbiddenError);
      expect(await counts(request.id)).toEqual({ status: "SUBMITTED", approvals: 0, audits: 0, jobs: 0 });
    });

    it("an approved request waits for its proposed upstream, then provisioning starts when it is approved", async () => {
      await seedDemoData(t.db);
      const [carmen, dmitri, alice] = await Promise.all([actingUser(t.db, "Carmen Diaz"), actingUser(t.db, "Dmitri Ivanov"), actingUser(t.db, "Alice Chen")]);
      const name = `wheels-${uniqueSuffix()}`;
      const request = await submittedRequest(t.db, { submittedBy: alice, proposals: [{ name, url: `https://${name}.contoso.example/simple/` }] });
      const first = await decideRequest(t.db, carmen, { requestId: request.id, decision: "approve", reason: "Ok once the source is" }, "c1");
      expect(first.outcome).toEqual({ state: "waiting-for-upstreams", pending: [name] });
      expect((await counts(request.id)).status).toBe("AWAITING_UPSTREAM");
      // Approved and held: it is no longer decidable, so nobody approves it twice.
      await expect(decideRequest(t.db, dmitri, { requestId: request.id, decision: "approve", reason: "again" }, "c2")).rejects.toMatchObject({ code: "conflict" });

      const upstream = await t.db.upstreamSource.findFirstOrThrow({ where: { name } });
      await decideUpstream(t.db, dmitri, { upstreamId: upstream.id, decision: "approve", reason: "Our own wheels" }, "c3");
      expect(await counts(request.id)).toMatchObject({ status: "PROVISIONING", jobs: 1 });
    });
  });
}
