import { describe, expect, it } from "vitest";
import { testProviders, useTestDatabase } from "@/testing/test-database";
import { feedRequestSchema } from "@/lib/validation/feed-request";
import { seedDemoData } from "@/prisma/seed";
import { startProvisioningIfReady, resumeRequestsWaitingOnUpstreams } from "./start";

const actor = { actorOid: "approver-oid", actorName: "Approver", correlationId: "corr-1" };

for (const provider of testProviders()) {
  describe(`start provisioning on ${provider}`, () => {
    const t = useTestDatabase(provider);

    async function approvedRequest(proposal?: { url: string; name: string }) {
      await seedDemoData(t.db);
      const team = await t.db.team.findUniqueOrThrow({ where: { slug: "vision" } });
      const host = await t.db.feedHost.findFirstOrThrow();
      const pypi = await t.db.upstreamSource.findFirstOrThrow({ where: { name: "pypi.org" } });
      const payload = feedRequestSchema.parse({
        teamId: team.id,
        title: "Feed",
        workspace: { mode: "new", region: "eastus", namePrefix: "abc", addressSpace: "10.1.0.0/16" },
        feedHost: { mode: "existing", hostId: host.id },
        upstreamIds: [pypi.id],
        proposedUpstreams: proposal ? [{ name: proposal.name, kind: "pypi", url: proposal.url, justification: "Internal wheels we build" }] : [],
      });
      if (proposal) {
        await t.db.upstreamSource.create({ data: { name: proposal.name, kind: "pypi", url: payload.proposedUpstreams[0]?.url ?? "", status: "proposed" } });
      }
      return t.db.feedRequest.create({ data: { teamId: team.id, submittedByOid: "u", title: "Feed", payload, status: "APPROVED" } });
    }

    it("enqueues one job for an approved request, and only one", async () => {
      const request = await approvedRequest();
      const first = await startProvisioningIfReady(t.db, request.id, actor);
      expect(first.state).toBe("started");
      const again = await startProvisioningIfReady(t.db, request.id, actor);
      expect(again.state).toBe("not-approved");
      expect(await t.db.job.count({ where: { subject: `request:${request.id}` } })).toBe(1);
      expect((await t.db.feedRequest.findUniqueOrThrow({ where: { id: request.id } })).status).toBe("PROVISIONING");
      const audit = await t.db.auditEvent.findFirstOrThrow({ where: { action: "job.started", targetId: request.id } });
      expect(audit.actorOid).toBe("approver-oid");
    });

    it("holds a request on its proposed upstream, then starts once it is approved", async () => {
      const request = await approvedRequest({ name: "internal-wheels", url: "https://wheels.contoso.example/simple/" });
      const held = await startProvisioningIfReady(t.db, request.id, actor);
      expect(held).toEqual({ state: "waiting-for-upstreams", pending: ["internal-wheels"] });
      expect(await t.db.job.count({ where: { subject: `request:${request.id}` } })).toBe(0);

      await t.db.upstreamSource.update({ where: { name: "internal-wheels" }, data: { status: "approved" } });
      const outcomes = await resumeRequestsWaitingOnUpstreams(t.db, actor);
      expect(outcomes.map((o) => o.state)).toContain("started");
      const job = await t.db.job.findFirstOrThrow({ where: { subject: `request:${request.id}` } });
      expect((job.payload as { upstreamIds: string[] }).upstreamIds).toHaveLength(2);
    });

    it("declines a request whose proposed upstream was declined, saying why", async () => {
      const request = await approvedRequest({ name: "sketchy-index", url: "https://sketchy.example/simple/" });
      await t.db.upstreamSource.update({ where: { name: "sketchy-index" }, data: { status: "declined", decisionReason: "unknown publisher" } });
      const outcome = await startProvisioningIfReady(t.db, request.id, actor);
      expect(outcome.state).toBe("declined");
      const stored = await t.db.feedRequest.findUniqueOrThrow({ where: { id: request.id } });
      expect(stored.status).toBe("DECLINED");
      expect(stored.statusReason).toContain("unknown publisher");
    });
  });
}
