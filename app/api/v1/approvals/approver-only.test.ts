import { beforeEach, describe, expect, it, vi } from "vitest";
import { readyFeed, submittedRequest, uniqueSuffix } from "@/testing/approval-fixtures";
import { appRequest, APP_URL, sessionCookieFor, useAuthHarness } from "@/testing/auth-harness";
import { testProviders } from "@/testing/test-database";

// Server actions read the request through next/headers; outside Next, give them this one.
const request = vi.hoisted(() => ({ cookie: "", origin: "" as string | null }));
vi.mock("next/headers", async () => (await import("@/testing/next-request")).nextHeadersFor(request));
vi.mock("next/cache", async () => (await import("@/testing/next-request")).nextCacheStub);

for (const provider of testProviders()) {
  describe(`approver and admin actions refuse Requesters (${provider})`, () => {
    const h = useAuthHarness(provider);
    let requestId = "";
    let upstreamId = "";

    beforeEach(async () => {
      request.origin = APP_URL;
      const r = await submittedRequest(h.db);
      requestId = r.id;
      const name = `src-${uniqueSuffix()}`;
      upstreamId = (await h.db.upstreamSource.create({ data: { name, kind: "pypi", url: `https://${name}.contoso.example/simple/`, status: "approved" } })).id;
      await readyFeed(h.db, { teamSlug: "vision", upstreamId, repository: `vision-${name}-pypi` });
    });

    async function snapshot() {
      const [req, upstream, feeds, approvals, audits, jobs, settings] = await Promise.all([
        h.db.feedRequest.findUniqueOrThrow({ where: { id: requestId } }),
        h.db.upstreamSource.findUniqueOrThrow({ where: { id: upstreamId } }),
        h.db.feed.findMany({ orderBy: { id: "asc" }, select: { id: true, status: true } }),
        h.db.approval.count(),
        h.db.auditEvent.count({ where: { action: { notIn: ["auth.sign_in"] } } }),
        h.db.job.count(),
        h.db.setting.findMany(),
      ]);
      return { req, upstream, feeds, approvals, audits, jobs, settings };
    }

    it("REST: a Requester gets 403 on request decisions, revocation, the queue and reachability; nothing changes", async () => {
      const cookie = await sessionCookieFor(h, "Alice Chen");
      const before = await snapshot();
      const decision = await import("./requests/[id]/decision/route");
      const revocation = await import("@/app/api/v1/upstreams/[id]/revocation/route");
      const reachability = await import("@/app/api/v1/upstreams/[id]/reachability/route");
      const queue = await import("./route");
      const calls = [
        decision.POST(appRequest(`/api/v1/approvals/requests/${requestId}/decision`, { method: "POST", cookie, body: { decision: "approve", reason: "Approve my own" } }), { params: Promise.resolve({ id: requestId }) }),
        revocation.POST(appRequest(`/api/v1/upstreams/${upstreamId}/revocation`, { method: "POST", cookie, body: { reason: "Revoke it" } }), { params: Promise.resolve({ id: upstreamId }) }),
        reachability.GET(appRequest(`/api/v1/upstreams/${upstreamId}/reachability`, { cookie }), { params: Promise.resolve({ id: upstreamId }) }),
        queue.GET(appRequest("/api/v1/approvals", { cookie })),
      ];
      for (const res of await Promise.all(calls)) expect(res.status).toBe(403);
      expect(await snapshot()).toEqual(before);
    });

    it("server actions: a Requester gets 403 from decideRequest, revokeUpstream and setTwoPersonRule; an Approver from setTwoPersonRule", async () => {
      const before = await snapshot();
      request.cookie = await sessionCookieFor(h, "Bilal Okafor");
      const approvals = await import("@/lib/actions/approvals");
      const admin = await import("@/lib/actions/admin");
      expect((await approvals.decideRequestAction({ requestId, decision: "approve", reason: "please" })).serverError).toMatchObject({ code: "forbidden", status: 403 });
      expect((await approvals.revokeUpstreamAction({ upstreamId, reason: "please" })).serverError).toMatchObject({ code: "forbidden", status: 403 });
      expect((await admin.setTwoPersonRuleAction({ enabled: true })).serverError).toMatchObject({ code: "forbidden", status: 403 });
      request.cookie = await sessionCookieFor(h, "Carmen Diaz");
      expect((await admin.setTwoPersonRuleAction({ enabled: true })).serverError).toMatchObject({ code: "forbidden", status: 403 });
      expect(await snapshot()).toEqual(before);
    });

    it("an Approver decides a request through REST once (409 after), and revokes through the action", async () => {
      const cookie = await sessionCookieFor(h, "Carmen Diaz");
      const { POST } = await import("./requests/[id]/decision/route");
      const call = () => POST(appRequest(`/api/v1/approvals/requests/${requestId}/decision`, { method: "POST", cookie, body: { decision: "decline", reason: "Use the shared feed" } }), { params: Promise.resolve({ id: requestId }) });
      expect((await call()).status).toBe(200);
      expect((await call()).status).toBe(409);
      request.cookie = cookie;
      const { revokeUpstreamAction } = await import("@/lib/actions/approvals");
      expect((await revokeUpstreamAction({ upstreamId, reason: "Policy change" })).data).toMatchObject({ status: "revoked", flaggedFeeds: 1 });
    });

    it("an Admin toggles the two-person rule through the action", async () => {
      request.cookie = await sessionCookieFor(h, "Dmitri Ivanov");
      const { setTwoPersonRuleAction } = await import("@/lib/actions/admin");
      expect((await setTwoPersonRuleAction({ enabled: true })).data).toEqual({ enabled: true, changed: true });
      expect((await setTwoPersonRuleAction({ enabled: false })).data).toEqual({ enabled: false, changed: true });
      expect(await h.db.auditEvent.count({ where: { action: "config.changed" } })).toBeGreaterThanOrEqual(2);
    });
  });
}
