import { beforeEach, describe, expect, it, vi } from "vitest";
import { appRequest, APP_URL, sessionCookieFor, useAuthHarness } from "@/testing/auth-harness";
import { testProviders } from "@/testing/test-database";

// Server actions read the request through next/headers; outside Next, give them this one.
const request = vi.hoisted(() => ({ cookie: "", origin: "" as string | null }));
vi.mock("next/headers", async () => (await import("@/testing/next-request")).nextHeadersFor(request));
vi.mock("next/cache", async () => (await import("@/testing/next-request")).nextCacheStub);

for (const provider of testProviders()) {
  describe(`upstream decisions are for Approvers only (${provider})`, () => {
    const h = useAuthHarness(provider);
    let upstreamId = "";

    beforeEach(async () => {
      const up = await h.db.upstreamSource.create({
        data: { name: `internal-${Date.now()}-${Math.random()}`, kind: "pypi", url: `https://pypi.internal.example/${Math.random()}/`, justification: "Internal wheels" },
      });
      upstreamId = up.id;
      request.origin = APP_URL;
    });

    async function snapshot() {
      const [upstream, approvals, audits] = await Promise.all([
        h.db.upstreamSource.findUniqueOrThrow({ where: { id: upstreamId } }),
        h.db.approval.count(),
        h.db.auditEvent.count({ where: { action: { startsWith: "upstream." } } }),
      ]);
      return { upstream, approvals, audits };
    }

    async function callRoute(cookie: string | undefined, origin?: string | null) {
      const { POST } = await import("./route");
      return POST(appRequest(`/api/v1/upstreams/${upstreamId}/decision`, { method: "POST", cookie, origin, body: { decision: "approve", reason: "Looks fine to me" } }), {
        params: Promise.resolve({ id: upstreamId }),
      });
    }

    it("a Requester calling the REST API directly gets 403 and the database is unchanged", async () => {
      const before = await snapshot();
      const res = await callRoute(await sessionCookieFor(h, "Alice Chen"));
      expect(res.status).toBe(403);
      expect(await snapshot()).toEqual(before);
    });

    it("a Requester calling the server action directly gets 403 and the database is unchanged", async () => {
      const before = await snapshot();
      request.cookie = await sessionCookieFor(h, "Bilal Okafor");
      const { decideUpstreamAction } = await import("@/lib/actions/approvals");
      const result = await decideUpstreamAction({ upstreamId, decision: "approve", reason: "I would like this" });
      expect(result.serverError).toMatchObject({ code: "forbidden", status: 403 });
      expect(result.data).toBeUndefined();
      expect(await snapshot()).toEqual(before);
    });

    it("without a session: 401 from the API and the action, nothing written", async () => {
      const before = await snapshot();
      expect((await callRoute(undefined)).status).toBe(401);
      request.cookie = "feedgate-session=forged.value.that.is.not.a.jwe";
      const { decideUpstreamAction } = await import("@/lib/actions/approvals");
      expect((await decideUpstreamAction({ upstreamId, decision: "approve", reason: "Anonymous" })).serverError).toMatchObject({ status: 401 });
      expect(await snapshot()).toEqual(before);
    });

    it("an Approver's call from another origin is refused (403), nothing written", async () => {
      const before = await snapshot();
      const cookie = await sessionCookieFor(h, "Carmen Diaz");
      expect((await callRoute(cookie, "https://evil.example")).status).toBe(403);
      request.cookie = cookie;
      request.origin = "https://evil.example";
      const { decideUpstreamAction } = await import("@/lib/actions/approvals");
      expect((await decideUpstreamAction({ upstreamId, decision: "approve", reason: "Cross-site" })).serverError).toMatchObject({ code: "cross_origin", status: 403 });
      expect(await snapshot()).toEqual(before);
    });

    it("an Approver can decide through the API, once, with an Approval row and an audit event", async () => {
      const carmen = h.user("Carmen Diaz");
      const cookie = await sessionCookieFor(h, "Carmen Diaz");
      const res = await callRoute(cookie);
      expect(res.status).toBe(200);
      const after = await snapshot();
      expect(after.upstream).toMatchObject({ status: "approved", decidedByOid: carmen.oid, decisionReason: "Looks fine to me" });
      expect(await h.db.approval.count({ where: { subjectId: upstreamId, approverOid: carmen.oid, decision: "approve" } })).toBe(1);
      const event = await h.db.auditEvent.findFirstOrThrow({ where: { action: "upstream.approved", targetId: upstreamId } });
      expect(event).toMatchObject({ actorOid: carmen.oid, before: { status: "proposed" }, after: { status: "approved", reason: "Looks fine to me" } });
      expect((await callRoute(cookie)).status).toBe(409);
    });

    it("an Approver can decline through the server action", async () => {
      request.cookie = await sessionCookieFor(h, "Dmitri Ivanov");
      const { decideUpstreamAction } = await import("@/lib/actions/approvals");
      const result = await decideUpstreamAction({ upstreamId, decision: "decline", reason: "Not maintained" });
      expect(result.data).toMatchObject({ status: "declined" });
      expect((await snapshot()).upstream.status).toBe("declined");
    });
  });
}
