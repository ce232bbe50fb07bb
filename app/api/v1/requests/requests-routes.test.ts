import { beforeEach, describe, expect, it, vi } from "vitest";
import { validState } from "@/testing/request-fixtures";
import { appRequest, APP_URL, sessionCookieFor, useAuthHarness } from "@/testing/auth-harness";
import { testProviders } from "@/testing/test-database";
import type { WizardState } from "@/lib/validation/request-wizard";

// Server actions read the request through next/headers; outside Next, give them this one.
const request = vi.hoisted(() => ({ cookie: "", origin: "" as string | null }));
vi.mock("next/headers", async () => (await import("@/testing/next-request")).nextHeadersFor(request));
vi.mock("next/cache", async () => (await import("@/testing/next-request")).nextCacheStub);

type Params = { params: Promise<{ id: string }> };
const params = (id: string): Params => ({ params: Promise.resolve({ id }) });

for (const provider of testProviders()) {
  describe(`request routes and actions (${provider})`, () => {
    const h = useAuthHarness(provider);
    let alice = "";

    beforeEach(async () => {
      request.origin = APP_URL;
      alice ||= await sessionCookieFor(h, "Alice Chen");
      request.cookie = alice;
    });

    async function snapshot() {
      const [requests, submitted, upstreams, audits] = await Promise.all([
        h.db.feedRequest.count(),
        h.db.feedRequest.count({ where: { status: { not: "DRAFT" } } }),
        h.db.upstreamSource.count(),
        h.db.auditEvent.count({ where: { action: { startsWith: "request." } } }),
      ]);
      return { requests, submitted, upstreams, audits };
    }

    async function createDraft(cookie: string, state: WizardState) {
      const { POST } = await import("./route");
      return POST(appRequest("/api/v1/requests", { method: "POST", cookie, body: state }));
    }

    async function submitRoute(cookie: string | undefined, id: string) {
      const { POST } = await import("./[id]/submit/route");
      return POST(appRequest(`/api/v1/requests/${id}/submit`, { method: "POST", cookie }), params(id));
    }

    it("creates a draft, lists it, reads it, and submits it exactly once over REST", async () => {
      const res = await createDraft(alice, await validState(h.db));
      expect(res.status).toBe(201);
      const { id, issues } = (await res.json()) as { id: string; issues: unknown[] };
      expect(issues).toEqual([]);
      const { GET: list } = await import("./route");
      const listed = (await (await list(appRequest("/api/v1/requests", { cookie: alice }))).json()) as { requests: { id: string; status: string }[] };
      expect(listed.requests.find((r) => r.id === id)?.status).toBe("DRAFT");

      const first = await submitRoute(alice, id);
      expect(first.status).toBe(200);
      expect(((await first.json()) as { status: string }).status).toBe("SUBMITTED");
      expect((await submitRoute(alice, id)).status).toBe(409);

      const { GET } = await import("./[id]/route");
      const detail = (await (await GET(appRequest(`/api/v1/requests/${id}`, { cookie: alice }), params(id))).json()) as { request: { status: string }; timeline: { stages: unknown[] } };
      expect(detail.request.status).toBe("SUBMITTED");
      expect(detail.timeline.stages).toHaveLength(4);
    });

    const malicious: [string, (s: WizardState) => WizardState, RegExp][] = [
      ["numpy; curl x | sh", (s) => ({ ...s, environments: [{ ...s.environments[0]!, pip: "numpy; curl x | sh" }] }), /`numpy; curl x \| sh` is not a PEP 508 requirement/],
      ["file:///etc/passwd", (s) => ({ ...s, proposedUpstreams: [{ ...s.proposedUpstreams[0]!, url: "file:///etc/passwd" }] }), /must use https/],
      ["http://169.254.169.254/", (s) => ({ ...s, proposedUpstreams: [{ ...s.proposedUpstreams[0]!, url: "http://169.254.169.254/" }] }), /must use https/],
      ["a repository name with ../", (s) => ({ ...s, proposedUpstreams: [{ ...s.proposedUpstreams[0]!, name: "../repo" }] }), /name: must be 2–41 lower-case/],
      ["an environment name with a newline", (s) => ({ ...s, environments: [{ ...s.environments[0]!, name: "env\nname" }] }), /Environment 1, name: contains a line break or control character/],
    ];
    for (const [label, mutate, message] of malicious) {
      it(`REST and action both refuse ${label}: 400 with the reason, nothing submitted or proposed`, async () => {
        const res = await createDraft(alice, mutate(await validState(h.db)));
        const { id } = (await res.json()) as { id: string };
        const before = await snapshot();

        const refused = await submitRoute(alice, id);
        expect(refused.status).toBe(400);
        const body = (await refused.json()) as { error: { code: string; message: string }; issues: { path: string; message: string }[] };
        expect(body.error.code).toBe("invalid_input");
        expect(body.error.message).toMatch(message);
        expect(body.issues.length).toBeGreaterThan(0);

        const { submitRequestAction } = await import("@/lib/actions/requests");
        const result = await submitRequestAction({ requestId: id });
        expect(result.data).toMatchObject({ ok: false, message: expect.stringMatching(message) });
        expect(await snapshot()).toEqual(before);
      });
    }

    it("Bilal cannot read, submit, cancel or retry Alice's request (404), nor stream its events; nothing changes", async () => {
      const res = await createDraft(alice, await validState(h.db));
      const { id } = (await res.json()) as { id: string };
      expect((await submitRoute(alice, id)).status).toBe(200);
      const bilal = await sessionCookieFor(h, "Bilal Okafor");
      const before = await h.db.feedRequest.findUniqueOrThrow({ where: { id } });

      const { GET } = await import("./[id]/route");
      expect((await GET(appRequest(`/api/v1/requests/${id}`, { cookie: bilal }), params(id))).status).toBe(404);
      const { GET: events } = await import("./[id]/events/route");
      expect((await events(appRequest(`/api/v1/requests/${id}/events`, { cookie: bilal }), params(id))).status).toBe(404);
      for (const verb of ["cancel", "retry"] as const) {
        const { POST } = verb === "cancel" ? await import("./[id]/cancel/route") : await import("./[id]/retry/route");
        expect((await POST(appRequest(`/api/v1/requests/${id}/${verb}`, { method: "POST", cookie: bilal }), params(id))).status).toBe(404);
      }
      request.cookie = bilal;
      const { cancelRequestAction } = await import("@/lib/actions/requests");
      expect((await cancelRequestAction({ requestId: id })).serverError).toMatchObject({ status: 404 });
      expect(await h.db.feedRequest.findUniqueOrThrow({ where: { id } })).toEqual(before);
    });

    it("an Approver gets 403 from the requester-only routes and actions, and no draft is created", async () => {
      const carmen = await sessionCookieFor(h, "Carmen Diaz");
      const before = await snapshot();
      expect((await createDraft(carmen, await validState(h.db))).status).toBe(403);
      const { GET: list } = await import("./route");
      expect((await list(appRequest("/api/v1/requests", { cookie: carmen }))).status).toBe(403);
      request.cookie = carmen;
      const { saveDraftAction } = await import("@/lib/actions/requests");
      expect((await saveDraftAction({ state: await validState(h.db) })).serverError).toMatchObject({ code: "forbidden", status: 403 });
      expect(await snapshot()).toEqual(before);
    });

    it("refuses cross-origin and anonymous calls, writing nothing", async () => {
      const before = await snapshot();
      const { POST } = await import("./route");
      expect((await POST(appRequest("/api/v1/requests", { method: "POST", cookie: alice, origin: "https://evil.example", body: await validState(h.db) }))).status).toBe(403);
      expect((await POST(appRequest("/api/v1/requests", { method: "POST", body: await validState(h.db) }))).status).toBe(401);
      request.origin = "https://evil.example";
      const { saveDraftAction } = await import("@/lib/actions/requests");
      expect((await saveDraftAction({ state: await validState(h.db) })).serverError).toMatchObject({ code: "cross_origin" });
      expect(await snapshot()).toEqual(before);
    });

    it("streams the job's events as SSE after ?after=, honours Last-Event-ID, and ends once the request is settled", async () => {
      const res = await createDraft(alice, await validState(h.db));
      const { id } = (await res.json()) as { id: string };
      await submitRoute(alice, id);
      const { enqueueJob } = await import("@/lib/jobs/enqueue-job");
      const job = await enqueueJob(h.db, { kind: "provision-request", subject: `request:${id}`, payload: { requestId: id, upstreamIds: ["x"] } });
      const { POST: cancel } = await import("./[id]/cancel/route");
      expect((await cancel(appRequest(`/api/v1/requests/${id}/cancel`, { method: "POST", cookie: alice }), params(id))).status).toBe(200);
      const ids = (await h.db.jobEvent.findMany({ where: { jobId: job.id }, orderBy: { id: "asc" } })).map((e) => e.id);
      expect(ids.length).toBe(2); // queued, cancelled

      const { GET } = await import("./[id]/events/route");
      const stream = await GET(appRequest(`/api/v1/requests/${id}/events?after=0`, { cookie: alice }), params(id));
      expect(stream.headers.get("content-type")).toMatch(/^text\/event-stream/);
      const text = await stream.text();
      expect(text).toContain(`id: ${ids[0]}\nevent: job\n`);
      expect(text).toContain(`id: ${ids[1]}\nevent: job\n`);
      expect(text).toContain("event: snapshot");
      expect(text).toContain("event: end");

      const resumed = appRequest(`/api/v1/requests/${id}/events`, { cookie: alice });
      resumed.headers.set("last-event-id", String(ids[0]));
      const rest = await (await GET(resumed, params(id))).text();
      expect(rest).not.toContain(`id: ${ids[0]}\n`);
      expect(rest).toContain(`id: ${ids[1]}\n`);
    });
  });
}
