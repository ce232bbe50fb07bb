import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { enqueueJob } from "@/lib/jobs/enqueue-job";
import { BASE_IMAGE_IDS } from "@/lib/validation/base-images";
import { bearerOf, createApiClient, documentedOperations, implementedOperations, loadOpenApi, sessionOf, type Credential } from "@/testing/api-client";
import { readyFeed, submittedRequest, uniqueSuffix } from "@/testing/approval-fixtures";
import { useAuthHarness } from "@/testing/auth-harness";
import { validState } from "@/testing/request-fixtures";
import { addFault, clearFaults, startTestSandbox, type TestSandbox } from "@/testing/sandbox";
import { seedLargeLog } from "@/testing/seed-builds";
import { testProviders } from "@/testing/test-database";

const openapi = loadOpenApi();
const KINDS = ["session", "bearer"] as const;
type Kind = (typeof KINDS)[number];
/** A well-formed id (it passes every path schema) that names nothing. */
const MISSING = "doesnotexist0000";
const EVIL = "https://evil.example";

// Workspace discovery reads the sandbox ARM the way the portal does: through DATA_DIR/sandbox/endpoints.json.
const sandboxRoot = mkdtempSync(path.join(tmpdir(), "feedgate-openapi-"));
let sandbox: TestSandbox | undefined;
beforeAll(async () => {
  sandbox = await startTestSandbox({ dataDir: path.join(sandboxRoot, "sandbox"), seedWorkspaces: true });
  process.env.DATA_DIR = sandboxRoot;
});
afterAll(async () => {
  await sandbox?.stop();
  rmSync(sandboxRoot, { recursive: true, force: true });
});

const operations = Object.entries(openapi.paths).flatMap(([template, item]) => Object.entries(item).map(([method, op]) => ({ template, method: method.toUpperCase(), op })));

describe("openapi.json", () => {
  it("documents every exported method of every app/api/v1 route file, and nothing that does not exist", async () => {
    expect(documentedOperations(openapi)).toEqual(await implementedOperations());
  });

  it("lets every operation take a session cookie or a bearer token, with unique operation ids and a documented 401", () => {
    expect(Object.keys(openapi.components.securitySchemes).sort()).toEqual(["bearer", "session"]);
    const ids = operations.map((o) => o.op.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const { template, method, op } of operations) {
      expect(op.security, `${method} ${template}`).toEqual([{ bearer: [] }, { session: [] }]);
      expect(op.responses["401"], `${method} ${template}`).toBeDefined();
    }
  });
});

for (const provider of testProviders()) {
  describe(`every /api/v1 operation, called for real with a session and with a bearer token (${provider})`, () => {
    const h = useAuthHarness(provider);
    const api = createApiClient(openapi);
    const people = { alice: "Alice Chen", carmen: "Carmen Diaz", dmitri: "Dmitri Ivanov" } as const;
    const as = {} as Record<keyof typeof people, Record<Kind, Credential>>;
    const ids = { vision: "", nlp: "", visionFeed: "", pendingFeed: "", build: "" };

    beforeAll(async () => {
      for (const [key, name] of Object.entries(people) as [keyof typeof people, string][]) {
        as[key] = { session: await sessionOf(h, name), bearer: await bearerOf(h, name) };
      }
      const [vision, nlp] = await Promise.all([h.db.team.findUniqueOrThrow({ where: { slug: "vision" } }), h.db.team.findUniqueOrThrow({ where: { slug: "nlp" } })]);
      Object.assign(ids, { vision: vision.id, nlp: nlp.id });
      const pypi = await h.db.upstreamSource.findFirstOrThrow({ where: { name: "pypi.org" } });
      const feed = await readyFeed(h.db, { teamSlug: "vision", upstreamId: pypi.id, repository: "vision-pypi-org-pypi", condaChannelUrl: "https://127.0.0.1:8443/repository/vision-conda-forge-conda/" });
      const host = await h.db.feedHost.findFirstOrThrow();
      const pending = await h.db.feed.create({ data: { teamId: vision.id, hostId: host.id, name: `pending-${uniqueSuffix()}` } });
      Object.assign(ids, { visionFeed: feed.id, pendingFeed: pending.id, build: await finishedBuild(vision.id) });
    });

    /** A SUCCEEDED build of Vision Research with a short log, so its tail ends at once. */
    async function finishedBuild(teamId: string): Promise<string> {
      const name = `api-${uniqueSuffix()}`;
      const ws = await h.db.workspace.create({
        data: { teamId, name, armId: `/subscriptions/s/resourceGroups/${name}/providers/Microsoft.MachineLearningServices/workspaces/${name}`, subscriptionId: "s", resourceGroup: name, region: "eastus" },
      });
      const env = await h.db.environment.create({ data: { teamId, workspaceId: ws.id, name: "vision-train", version: "1", baseImage: BASE_IMAGE_IDS[0], packages: { conda: [], pip: ["tinyml==0.3.0"] }, dockerfileHash: "h" } });
      const started = new Date(Date.now() - 60_000);
      const build = await h.db.environmentBuild.create({
        data: { environmentId: env.id, teamId, workspaceId: ws.id, environmentName: env.name, status: "SUCCEEDED", queuedAt: started, startedAt: started, finishedAt: new Date(), durationMs: 60_000, phaseTimings: { QUEUED: { start: started.toISOString(), end: started.toISOString() } } },
      });
      await seedLargeLog(h.db, build.id, 5000);
      return build.id;
    }

    async function proposedUpstream(url = `https://${uniqueSuffix()}.contoso.example/simple/`) {
      return h.db.upstreamSource.create({ data: { name: `src-${uniqueSuffix()}`, kind: "pypi", url, justification: "Wheels our CI builds", status: "proposed" } });
    }

    for (const kind of KINDS) {
      it(`${kind}: the reads answer what the document says`, async () => {
        const alice = as.alice[kind];
        const carmen = as.carmen[kind];
        expect((await api.call("GET", "/api/v1/me", { as: alice })).body).toMatchObject({ name: "Alice Chen", teams: [{ id: ids.vision }] });
        expect((await api.call("GET", `/api/v1/teams/${ids.vision}`, { as: alice })).status).toBe(200);
        const feeds = await api.call("GET", "/api/v1/feeds", { as: alice });
        expect((feeds.body as { feeds: { id: string }[] }).feeds.map((f) => f.id)).toContain(ids.visionFeed);
        expect((await api.call("GET", `/api/v1/feeds/${ids.visionFeed}`, { as: alice })).status).toBe(200);
        for (const file of ["pip.conf", "condarc", "setup.sh", "Dockerfile"]) {
          expect((await api.call("GET", `/api/v1/feeds/${ids.visionFeed}/config/${file}`, { as: alice })).status, file).toBe(200);
        }
        expect((await api.call("GET", "/api/v1/builds?limit=5", { as: alice })).status).toBe(200);
        expect((await api.call("GET", `/api/v1/builds/${ids.build}`, { as: alice })).status).toBe(200);
        expect((await api.call("GET", `/api/v1/builds/${ids.build}/log`, { as: alice })).status).toBe(200);
        expect((await api.call("GET", `/api/v1/builds/${ids.build}/log`, { as: alice, headers: { range: "bytes=0-99" } })).status).toBe(206);
        expect((await api.call("GET", `/api/v1/builds/${ids.build}/log`, { as: alice, headers: { range: "bytes=999999-" } })).status).toBe(416);
        const tail = await api.call("GET", `/api/v1/builds/${ids.build}/log/stream`, { as: alice });
        expect(tail.events.map((e) => e.event)).toEqual(expect.arrayContaining(["log", "status", "end"]));
        expect(tail.events.find((e) => e.event === "log")?.id).toMatch(/^\d+$/);
        expect((await api.call("GET", "/api/v1/notifications", { as: alice })).status).toBe(200);
        expect((await api.call("GET", "/api/v1/notifications?count", { as: alice })).body).toEqual({ count: expect.any(Number) });
        expect((await api.call("POST", "/api/v1/notifications/seen", { as: alice })).status).toBe(200);
        expect((await api.call("GET", "/api/v1/approvals", { as: carmen })).status).toBe(200);
        // A name that never resolves: the check answers quickly, and no request leaves for a real host.
        const unreachable = await proposedUpstream(`https://feedgate-${uniqueSuffix()}.invalid/simple/`);
        expect((await api.call("GET", `/api/v1/upstreams/${unreachable.id}/reachability`, { as: carmen })).body).toMatchObject({ upstreamId: unreachable.id });
      });

      it(`${kind}: a request goes from draft to submitted, cancelled and retried, and its events stream`, async () => {
        const alice = as.alice[kind];
        const created = await api.call("POST", "/api/v1/requests", { as: alice, body: await validState(h.db) });
        expect(created.status).toBe(201);
        const { id } = created.body as { id: string };
        expect((await api.call("PUT", `/api/v1/requests/${id}`, { as: alice, body: await validState(h.db, { title: `Saved over ${kind}` }) })).status).toBe(200);
        const listed = await api.call("GET", "/api/v1/requests?status=DRAFT", { as: alice });
        expect((listed.body as { requests: { id: string }[] }).requests.map((r) => r.id)).toContain(id);
        expect((await api.call("GET", `/api/v1/requests/${id}`, { as: alice })).body).toMatchObject({ request: { status: "DRAFT", title: `Saved over ${kind}` } });
        expect((await api.call("POST", `/api/v1/requests/${id}/submit`, { as: alice })).body).toMatchObject({ status: "SUBMITTED" });
        expect((await api.call("POST", `/api/v1/requests/${id}/submit`, { as: alice })).status).toBe(409);
        expect((await api.call("PUT", `/api/v1/requests/${id}`, { as: alice, body: await validState(h.db) })).status).toBe(409);
        expect((await api.call("GET", `/api/v1/requests/${id}`, { as: alice })).body).toMatchObject({ request: { status: "SUBMITTED", submittedByOid: h.user("Alice Chen").oid } });

        await enqueueJob(h.db, { kind: "provision-request", subject: `request:${id}`, payload: { requestId: id, upstreamIds: [] } });
        expect((await api.call("POST", `/api/v1/requests/${id}/cancel`, { as: alice })).body).toMatchObject({ status: "CANCELLED" });
        expect((await api.call("POST", `/api/v1/requests/${id}/cancel`, { as: alice })).status).toBe(409);
        const stream = await api.call("GET", `/api/v1/requests/${id}/events?after=0`, { as: alice });
        expect(stream.events.map((e) => e.event)).toEqual(["job", "job", "snapshot", "end"]);
        const [first] = stream.events;
        const resumed = await api.call("GET", `/api/v1/requests/${id}/events`, { as: alice, headers: { "last-event-id": first?.id ?? "" } });
        expect(resumed.events.map((e) => e.event)).toEqual(["job", "snapshot", "end"]);

        expect((await api.call("POST", `/api/v1/requests/${id}/retry`, { as: alice })).body).toMatchObject({ status: "PROVISIONING" });
        expect((await api.call("POST", `/api/v1/requests/${id}/retry`, { as: alice })).status).toBe(409);
      });

      it(`${kind}: an Approver decides requests and upstreams and revokes a source, each once`, async () => {
        const carmen = as.carmen[kind];
        const [approve, decline] = [await submittedRequest(h.db), await submittedRequest(h.db)];
        const approved = await api.call("POST", `/api/v1/approvals/requests/${approve.id}/decision`, { as: carmen, body: { decision: "approve", reason: `Approved over ${kind}` } });
        expect(approved.body).toMatchObject({ status: "APPROVED", outcome: { state: "started" } });
        expect((await api.call("POST", `/api/v1/approvals/requests/${decline.id}/decision`, { as: carmen, body: { decision: "decline", reason: "Use the shared feed" } })).body).toMatchObject({ status: "DECLINED" });
        expect((await api.call("POST", `/api/v1/approvals/requests/${approve.id}/decision`, { as: carmen, body: { decision: "decline", reason: "Changed my mind" } })).status).toBe(409);

        const proposed = await proposedUpstream();
        expect((await api.call("POST", `/api/v1/upstreams/${proposed.id}/decision`, { as: carmen, body: { decision: "approve", reason: "Looks fine to me" } })).body).toMatchObject({ status: "approved" });
        expect((await api.call("POST", `/api/v1/upstreams/${proposed.id}/decision`, { as: carmen, body: { decision: "decline", reason: "Too late" } })).status).toBe(409);

        await readyFeed(h.db, { teamSlug: "vision", upstreamId: proposed.id, repository: `vision-${proposed.name}-pypi` });
        const revoked = await api.call("POST", `/api/v1/upstreams/${proposed.id}/revocation`, { as: carmen, body: { reason: "Policy change" } });
        expect(revoked.body).toMatchObject({ status: "revoked", flaggedFeeds: [{ teamId: ids.vision }] });
        expect((await api.call("POST", `/api/v1/upstreams/${proposed.id}/revocation`, { as: carmen, body: { reason: "Again" } })).status).toBe(409);
      });
      it(`${kind}: an Admin blocks and unblocks a package, reorders and repairs a feed; an Approver sets an allow-list`, async () => {
        const [dmitri, carmen, alice] = [as.dmitri[kind], as.carmen[kind], as.alice[kind]];
        const name = `Tiny_Block_${uniqueSuffix()}`;
        const normalized = name.toLowerCase().replaceAll("_", "-");
        const blocked = await api.call("POST", "/api/v1/package-blocks", { as: dmitri, body: { name, reason: `typosquat, over ${kind}` } });
        expect(blocked.status).toBe(201);
        expect(blocked.body).toMatchObject({ name: normalized, jobs: expect.any(Array) });
        expect((await api.call("POST", "/api/v1/package-blocks", { as: dmitri, body: { name: normalized, reason: "again" } })).status).toBe(409);
        const list = await api.call("GET", "/api/v1/package-blocks", { as: alice });
        expect((list.body as { blocks: { name: string }[] }).blocks.map((b) => b.name)).toContain(normalized);
        expect((await api.call("DELETE", `/api/v1/package-blocks/${name}`, { as: dmitri })).body).toMatchObject({ name: normalized });
        expect((await api.call("GET", "/api/v1/package-blocks", { as: carmen })).body).not.toMatchObject({ blocks: expect.arrayContaining([expect.objectContaining({ name: normalized })]) });

        const source = await proposedUpstream();
        expect((await api.call("PUT", `/api/v1/upstreams/${source.id}/allow-list`, { as: carmen, body: { allowList: ["numpy"], reason: "narrower" } })).status).toBe(409);
        await h.db.upstreamSource.update({ where: { id: source.id }, data: { status: "approved" } });
        const set = await api.call("PUT", `/api/v1/upstreams/${source.id}/allow-list`, { as: carmen, body: { allowList: ["Tiny_Config", "numpy", "numpy"], reason: "narrower" } });
        expect(set.body).toMatchObject({ id: source.id, allowList: ["numpy", "tiny-config"] });
        expect((await h.db.upstreamSource.findUniqueOrThrow({ where: { id: source.id } })).allowList).toEqual(["numpy", "tiny-config"]);

        const pypi = await h.db.upstreamSource.findFirstOrThrow({ where: { name: "pypi.org" } });
        const feed = await readyFeed(h.db, { teamSlug: "vision", upstreamId: pypi.id, repository: `vision-pypi-${uniqueSuffix()}` });
        await h.db.feedUpstream.create({ data: { feedId: feed.id, upstreamId: source.id, repository: `vision-${source.name}-pypi`, position: 1 } });
        const reordered = await api.call("PUT", `/api/v1/feeds/${feed.id}/upstream-order`, { as: dmitri, body: { upstreamIds: [source.id, pypi.id] } });
        expect(reordered.body).toMatchObject({ feedId: feed.id, order: [source.id, pypi.id] });
        expect((await h.db.feedUpstream.findMany({ where: { feedId: feed.id }, orderBy: { position: "asc" } })).map((u) => u.upstreamId)).toEqual([source.id, pypi.id]);
        expect((await api.call("PUT", `/api/v1/feeds/${feed.id}/upstream-order`, { as: dmitri, body: { upstreamIds: [pypi.id] } })).status).toBe(400);
        const repaired = await api.call("POST", `/api/v1/feeds/${feed.id}/repair`, { as: dmitri });
        expect(repaired.status).toBe(202);
        expect(repaired.body).toMatchObject({ feedId: feed.id, jobId: expect.any(String) });
        await h.db.feed.update({ where: { id: feed.id }, data: { status: "RETIRED" } });
        expect((await api.call("POST", `/api/v1/feeds/${feed.id}/repair`, { as: dmitri })).status).toBe(409);
        expect((await api.call("PUT", `/api/v1/feeds/${feed.id}/upstream-order`, { as: dmitri, body: { upstreamIds: [pypi.id, source.id] } })).status).toBe(409);
        // Requesters change no policy.
        expect((await api.call("POST", "/api/v1/package-blocks", { as: alice, body: { name: "tinyplot", reason: "not mine" } })).status).toBe(403);
        expect((await api.call("POST", `/api/v1/feeds/${feed.id}/repair`, { as: alice })).status).toBe(403);
        expect((await api.call("PUT", `/api/v1/feeds/${feed.id}/upstream-order`, { as: alice, body: { upstreamIds: [pypi.id, source.id] } })).status).toBe(403);
        expect((await api.call("PUT", `/api/v1/upstreams/${source.id}/allow-list`, { as: alice, body: { allowList: null, reason: "not mine" } })).status).toBe(403);
        expect((await api.call("DELETE", `/api/v1/package-blocks/${normalized}`, { as: alice })).status).toBe(403);
      });
    }

    for (const kind of KINDS) {
      it(`${kind}: Admins create and change teams, field by field; everyone else gets 403 and nothing changes`, async () => {
        const [dmitri, carmen, alice] = [as.dmitri[kind], as.carmen[kind], as.alice[kind]];
        const slug = `docs-${uniqueSuffix()}`;
        const group = crypto.randomUUID();
        const created = await api.call("POST", "/api/v1/admin/teams", { as: dmitri, body: { slug, name: `Docs ${slug}`, groupIds: [group.toUpperCase()], defaultRegion: "westeurope" } });
        expect(created.status).toBe(201);
        const team = created.body as { id: string; groupIds: string[]; addressPool: string | null };
        expect(team).toMatchObject({ groupIds: [group], addressPool: null });
        const again = await api.call("POST", "/api/v1/admin/teams", { as: dmitri, body: { slug, name: `Other ${slug}` } });
        expect(again.status).toBe(409);
        expect(again.body).toMatchObject({ error: { code: "conflict", fields: { slug: `${slug} is already another team's slug` } } });
        const bad = await api.call("POST", "/api/v1/admin/teams", { as: dmitri, body: { slug: `x-${slug}`, name: "Bad groups", groupIds: ["not-a-guid"], addressPool: "10.1.2.0/8" } });
        expect(bad.status).toBe(400);
        expect(Object.keys((bad.body as { error: { fields: Record<string, string> } }).error.fields).sort()).toEqual(["addressPool", "groupIds"]);
        expect(await h.db.team.count({ where: { slug: `x-${slug}` } })).toBe(0);

        const patched = await api.call("PATCH", `/api/v1/admin/teams/${team.id}`, { as: dmitri, body: { addressPool: `10.${100 + (KINDS.indexOf(kind) * 10)}.0.0/16`, groupIds: [] } });
        expect(patched.status).toBe(200);
        expect(patched.body).toMatchObject({ id: team.id, groupIds: [], defaultRegion: "westeurope" });
        const clash = await api.call("PATCH", `/api/v1/admin/teams/${team.id}`, { as: dmitri, body: { name: "vision research" } });
        expect(clash.status).toBe(409);
        expect(clash.body).toMatchObject({ error: { fields: { name: "team vision already has this name" } } });
        const audit = await h.db.auditEvent.findFirstOrThrow({ where: { action: "team.groups_changed", targetId: team.id } });
        expect(audit).toMatchObject({ before: { groupIds: [group] }, after: { groupIds: [] } });
        const list = await api.call("GET", "/api/v1/admin/teams", { as: dmitri });
        expect((list.body as { teams: { slug: string }[] }).teams.map((t) => t.slug)).toContain(slug);

        const before = await h.db.team.findUniqueOrThrow({ where: { id: team.id } });
        for (const caller of [alice, carmen]) {
          expect((await api.call("GET", "/api/v1/admin/teams", { as: caller })).status).toBe(403);
          expect((await api.call("POST", "/api/v1/admin/teams", { as: caller, body: { slug: `y-${slug}`, name: "Not theirs" } })).status).toBe(403);
          expect((await api.call("PATCH", `/api/v1/admin/teams/${team.id}`, { as: caller, body: { name: "Renamed by someone else" } })).status).toBe(403);
        }
        expect(await h.db.team.findUniqueOrThrow({ where: { id: team.id } })).toEqual(before);
        expect(await h.db.team.count({ where: { slug: `y-${slug}` } })).toBe(0);
      });
    }

    for (const kind of KINDS) {
      it(`${kind}: Admins register, change, disable and test feed hosts; everyone else gets 403 and nothing changes`, async () => {
        const [dmitri, carmen, alice] = [as.dmitri[kind], as.carmen[kind], as.alice[kind]];
        const name = `probe-${kind}-${uniqueSuffix()}`.toLowerCase();
        const baseUrl = `https://${name}.contoso.example:8443`;
        const created = await api.call("POST", "/api/v1/admin/feed-hosts", { as: dmitri, body: { kind: "nexus", name, baseUrl: `${baseUrl}/`, credentialRef: "env:NEXUS_PROBE_PASSWORD" } });
        expect(created.status).toBe(201);
        const host = created.body as { id: string; baseUrl: string; status: string };
        expect(host).toMatchObject({ baseUrl, status: "ACTIVE", credentialRef: "env:NEXUS_PROBE_PASSWORD", lastCheck: null, feedCount: 0 });
        expect((await api.call("POST", "/api/v1/admin/feed-hosts", { as: dmitri, body: { kind: "nexus", name, baseUrl: "https://elsewhere.contoso.example", credentialRef: "env:NEXUS_X" } })).body).toMatchObject({ error: { code: "conflict", fields: { name: expect.any(String) } } });
        const bad = await api.call("POST", "/api/v1/admin/feed-hosts", { as: dmitri, body: { kind: "nexus", name: "Bad Name", baseUrl: "http://nexus.contoso.example", credentialRef: "keyvault:nexus" } });
        expect(bad.status).toBe(400);
        expect(Object.keys((bad.body as { error: { fields: object } }).error.fields).sort()).toEqual(["baseUrl", "credentialRef", "name"]);
        const artifacts = await api.call("POST", "/api/v1/admin/feed-hosts", { as: dmitri, body: { kind: "artifacts", name: `${name}-ado`, organization: "contoso", project: `ml-${kind}`, credentialRef: "https://kv-feedgate.vault.azure.net/secrets/ado-pat" } });
        expect(artifacts.body).toMatchObject({ kind: "artifacts", baseUrl: `https://pkgs.dev.azure.com/contoso/ml-${kind}` });

        const patched = await api.call("PATCH", `/api/v1/admin/feed-hosts/${host.id}`, { as: dmitri, body: { credentialRef: "https://kv-feedgate.vault.azure.net/secrets/nexus-admin" } });
        expect(patched.body).toMatchObject({ id: host.id, credentialRef: "https://kv-feedgate.vault.azure.net/secrets/nexus-admin" });
        const seeded = await h.db.feedHost.findFirstOrThrow({ where: { name: "nexus-sandbox" } });
        expect((await api.call("PATCH", `/api/v1/admin/feed-hosts/${host.id}`, { as: dmitri, body: { baseUrl: seeded.baseUrl } })).status).toBe(409);
        expect((await api.call("PATCH", `/api/v1/admin/feed-hosts/${host.id}`, { as: dmitri, body: { credentialRef: "env:lower-case" } })).status).toBe(400);
        const updatedAudit = await h.db.auditEvent.findFirstOrThrow({ where: { action: "feed_host.updated", targetId: host.id } });
        expect(updatedAudit).toMatchObject({ before: { credentialRef: "env:NEXUS_PROBE_PASSWORD" }, after: { credentialRef: "https://kv-feedgate.vault.azure.net/secrets/nexus-admin" } });

        expect((await api.call("PUT", `/api/v1/admin/feed-hosts/${host.id}/status`, { as: dmitri, body: { enabled: false } })).body).toMatchObject({ error: { fields: { reason: "say why the host is disabled" } } });
        const disabled = await api.call("PUT", `/api/v1/admin/feed-hosts/${host.id}/status`, { as: dmitri, body: { enabled: false, reason: "Nexus upgrade this weekend" } });
        expect(disabled.body).toMatchObject({ status: "DISABLED" });
        expect(await h.db.auditEvent.findFirstOrThrow({ where: { action: "feed_host.disabled", targetId: host.id } })).toMatchObject({ before: { status: "ACTIVE" }, after: { status: "DISABLED", reason: "Nexus upgrade this weekend" } });
        const provisioning = await h.db.feedHost.create({ data: { name: `${name}-vm`, kind: "nexus", baseUrl: `${baseUrl}/vm`, credentialRef: "env:NEXUS_X", status: "PROVISIONING" } });
        expect((await api.call("PUT", `/api/v1/admin/feed-hosts/${provisioning.id}/status`, { as: dmitri, body: { enabled: false, reason: "Not yet" } })).status).toBe(409);

        expect((await api.call("POST", `/api/v1/admin/feed-hosts/${host.id}/connection-test?waitSeconds=99`, { as: dmitri })).status).toBe(400);
        const test = await api.call("POST", `/api/v1/admin/feed-hosts/${host.id}/connection-test?waitSeconds=0`, { as: dmitri });
        expect(test.status).toBe(200);
        // No worker runs in this suite: the check is queued for one.
        const { jobId } = test.body as { finished: boolean; jobId: string };
        expect(test.body).toMatchObject({ finished: false, host: { id: host.id } });
        expect(await h.db.job.findUniqueOrThrow({ where: { id: jobId } })).toMatchObject({ kind: "check-feed-host", status: "QUEUED" });
        const listed = await api.call("GET", "/api/v1/admin/feed-hosts", { as: dmitri });
        expect((listed.body as { hosts: { id: string }[] }).hosts.map((x) => x.id)).toEqual(expect.arrayContaining([host.id, provisioning.id]));

        const before = await h.db.feedHost.findUniqueOrThrow({ where: { id: host.id } });
        const jobs = await h.db.job.count();
        for (const caller of [alice, carmen]) {
          expect((await api.call("GET", "/api/v1/admin/feed-hosts", { as: caller })).status).toBe(403);
          expect((await api.call("POST", "/api/v1/admin/feed-hosts", { as: caller, body: { kind: "nexus", name: `${name}-x`, baseUrl: `${baseUrl}/x`, credentialRef: "env:NEXUS_X" } })).status).toBe(403);
          expect((await api.call("PATCH", `/api/v1/admin/feed-hosts/${host.id}`, { as: caller, body: { credentialRef: "env:STOLEN" } })).status).toBe(403);
          expect((await api.call("PUT", `/api/v1/admin/feed-hosts/${host.id}/status`, { as: caller, body: { enabled: true } })).status).toBe(403);
          expect((await api.call("POST", `/api/v1/admin/feed-hosts/${host.id}/connection-test?waitSeconds=0`, { as: caller })).status).toBe(403);
        }
        expect(await h.db.feedHost.findUniqueOrThrow({ where: { id: host.id } })).toEqual(before);
        expect(await h.db.feedHost.count({ where: { name: `${name}-x` } })).toBe(0);
        expect(await h.db.job.count()).toBe(jobs);
      });

      it(`${kind}: Admins discover the subscription's workspaces and register one to a team; everyone else gets 403`, async () => {
        const [dmitri, carmen, alice] = [as.dmitri[kind], as.carmen[kind], as.alice[kind]];
        const found = await api.call("POST", "/api/v1/admin/workspaces/discovery", { as: dmitri, body: {} });
        expect(found.status).toBe(200);
        const discovery = found.body as { workspaces: { name: string; armId: string; assessment: { isolated: boolean } }[] };
        expect(discovery.workspaces.map((w) => w.name)).toEqual(expect.arrayContaining(["mlw-vision-isolated", "mlw-sandbox-public", "mlw-nlp-nocompute"]));
        expect((await api.call("POST", "/api/v1/admin/workspaces/discovery", { as: dmitri, body: { resourceGroup: "rg-not-there" } })).body).toMatchObject({ error: { fields: { resourceGroup: expect.stringContaining("does not exist") } } });
        expect((await api.call("POST", "/api/v1/admin/workspaces/discovery", { as: dmitri, body: { resourceGroup: "rg/../x" } })).status).toBe(400);

        const target = discovery.workspaces.find((w) => w.name === (kind === "session" ? "mlw-vision-isolated" : "mlw-sandbox-public"));
        const registered = await api.call("POST", "/api/v1/admin/workspaces", { as: dmitri, body: { armId: target?.armId, teamId: ids.vision } });
        expect(registered.status).toBe(201);
        expect(registered.body).toMatchObject({ teamId: ids.vision, status: "REGISTERED" });
        expect((await api.call("POST", "/api/v1/admin/workspaces", { as: dmitri, body: { armId: target?.armId, teamId: ids.nlp } })).status).toBe(409);
        const list = await api.call("GET", "/api/v1/admin/workspaces", { as: dmitri });
        expect((list.body as { workspaces: { armId: string; teamName: string }[] }).workspaces.find((w) => w.armId === target?.armId)).toMatchObject({ teamName: "Vision Research" });

        // Azure refusing the portal's identity is a 502 that says what to do.
        if (!sandbox) throw new Error("no sandbox");
        await addFault(sandbox.endpoints.arm, { kind: "status", status: 403, method: "GET", path: "/providers/Microsoft.MachineLearningServices/workspaces", times: 2 });
        try {
          const refused = await api.call("POST", "/api/v1/admin/workspaces/discovery", { as: dmitri, body: {} });
          expect(refused.status).toBe(502);
          expect(refused.body).toMatchObject({ error: { code: "cloud_unavailable", message: expect.stringContaining("Reader role") } });
          const other = discovery.workspaces.find((w) => w.name === "mlw-nlp-nocompute");
          expect((await api.call("POST", "/api/v1/admin/workspaces", { as: dmitri, body: { armId: other?.armId, teamId: ids.nlp } })).status).toBe(502);
        } finally {
          await clearFaults(sandbox.endpoints.arm);
        }

        const count = await h.db.workspace.count();
        for (const caller of [alice, carmen]) {
          expect((await api.call("GET", "/api/v1/admin/workspaces", { as: caller })).status).toBe(403);
          expect((await api.call("POST", "/api/v1/admin/workspaces/discovery", { as: caller, body: {} })).status).toBe(403);
          expect((await api.call("POST", "/api/v1/admin/workspaces", { as: caller, body: { armId: discovery.workspaces[2]?.armId, teamId: ids.vision } })).status).toBe(403);
        }
        expect(await h.db.workspace.count()).toBe(count);
      });
    }

    it("401 for every operation without credentials or with a bearer token that does not verify", async () => {
      for (const { template, method, op } of operations) {
        for (const credential of [{ kind: "none" } as const, { kind: "bearer", token: "not-a-jwt" } as const, { kind: "bearer", token: "e30.e30.e30" } as const]) {
          const res = await api.call(method, sampleUrl(template), { as: credential, body: sampleBody(op.operationId) });
          expect(res.status, `${method} ${template} as ${JSON.stringify(credential)}`).toBe(401);
        }
      }
    });

    it("403 for session mutations from another origin, and for the wrong role; a bearer token needs no Origin", async () => {
      for (const { template, method, op } of operations) {
        if (method === "GET") continue;
        const res = await api.call(method, sampleUrl(template), { as: callerOf(template).session, origin: EVIL, body: sampleBody(op.operationId) });
        expect(res.status, `${method} ${template}`).toBe(403);
        expect(res.body).toMatchObject({ error: { code: "cross_origin" } });
        // Without any Origin too: browsers always send one on POST, so its absence is refused.
        expect((await api.call(method, sampleUrl(template), { as: callerOf(template).session, origin: null, body: sampleBody(op.operationId) })).status).toBe(403);
      }
      expect((await api.call("POST", "/api/v1/notifications/seen", { as: as.alice.bearer, origin: EVIL })).status).toBe(200);

      for (const kind of KINDS) {
        for (const { template, method, op } of operations) {
          if (method !== "GET" || !op.responses["403"]) continue;
          // The other role: Approvers cannot read team data, Requesters cannot read the approval queue.
          const wrong = callerOf(template) === as.alice ? as.carmen : as.alice;
          const res = await api.call(method, sampleUrl(template), { as: wrong[kind] });
          expect(res.status, `${method} ${template} (${kind})`).toBe(403);
          expect(res.body).toMatchObject({ error: { code: "forbidden" } });
        }
        expect((await api.call("POST", "/api/v1/requests", { as: as.carmen[kind], body: await validState(h.db) })).status).toBe(403);
        const request = await submittedRequest(h.db);
        expect((await api.call("POST", `/api/v1/approvals/requests/${request.id}/decision`, { as: as.alice[kind], body: { decision: "approve", reason: "My own team" } })).status).toBe(403);
        expect((await api.call("POST", `/api/v1/upstreams/${MISSING}/revocation`, { as: as.alice[kind], body: { reason: "Not mine to revoke" } })).status).toBe(403);
      }
    });

    it("404 for every id that names nothing the caller may see, including ids that cannot be ids", async () => {
      for (const kind of KINDS) {
        for (const { template, method, op } of operations) {
          if (!template.includes("{")) continue;
          const res = await api.call(method, sampleUrl(template), { as: callerOf(template)[kind], body: sampleBody(op.operationId) });
          expect(res.status, `${method} ${template} (${kind})`).toBe(404);
        }
      }
      expect((await api.call("GET", "/api/v1/requests/NOT..AN-ID", { as: as.alice.session })).body).toMatchObject({ error: { code: "not_found", message: "No such request." } });
      expect((await api.call("GET", `/api/v1/feeds/${ids.visionFeed}/config/passwd`, { as: as.alice.bearer })).status).toBe(404);
      expect((await api.call("GET", `/api/v1/teams/${ids.nlp}`, { as: as.alice.bearer })).status).toBe(404);
    });

    it("400 for bodies that are not JSON objects or do not fit the form's schema, and for bad filters; 409 for a feed without an index", async () => {
      for (const { template, method, op } of operations) {
        if (!op.requestBody) continue;
        for (const body of ["{not json", "[1, 2]", "\"text\""]) {
          const res = await api.call(method, sampleUrl(template), { as: callerOf(template).bearer, body });
          expect(res.status, `${method} ${template} ${body}`).toBe(400);
          expect(res.body).toMatchObject({ error: { code: "invalid_input", message: body.startsWith("{") ? "The body is not JSON." : "The body must be a JSON object." } });
        }
      }
      const request = await submittedRequest(h.db);
      expect((await api.call("POST", `/api/v1/approvals/requests/${request.id}/decision`, { as: as.carmen.session, body: { decision: "maybe", reason: "x" } })).status).toBe(400);
      expect((await api.call("POST", `/api/v1/upstreams/${MISSING}/revocation`, { as: as.carmen.bearer, body: { reason: "x" } })).status).toBe(400);
      expect((await api.call("POST", "/api/v1/requests", { as: as.alice.session, body: { title: 42 } })).status).toBe(400);
      expect((await api.call("GET", "/api/v1/requests?status=BOGUS", { as: as.alice.bearer })).body).toMatchObject({ error: { message: "Unknown status filter." } });
      expect((await api.call("GET", "/api/v1/builds?status=EXPLODED", { as: as.alice.session })).status).toBe(400);

      const state = await validState(h.db);
      const draft = await api.call("POST", "/api/v1/requests", { as: as.alice.bearer, body: { ...state, environments: [{ ...state.environments[0], pip: "numpy; curl x | sh" }] } });
      const refused = await api.call("POST", `/api/v1/requests/${(draft.body as { id: string }).id}/submit`, { as: as.alice.bearer });
      expect(refused.status).toBe(400);
      expect((refused.body as { issues: unknown[] }).issues.length).toBeGreaterThan(0);

      expect((await api.call("GET", `/api/v1/feeds/${ids.pendingFeed}/config/pip.conf`, { as: as.alice.session })).status).toBe(409);
    });

    it("covered every documented status of every operation, and every success with both credentials", () => {
      const seen = [...api.covered];
      const missing: string[] = [];
      for (const { method, template, op } of operations) {
        const statuses = Object.keys(op.responses);
        for (const status of statuses) if (!seen.some((c) => c.startsWith(`${op.operationId} ${status} `))) missing.push(`${method} ${template} ${status}`);
        const success = statuses.find((s) => s.startsWith("2"));
        for (const kind of KINDS) if (!seen.includes(`${op.operationId} ${success} ${kind}`)) missing.push(`${method} ${template} ${success} with a ${kind}`);
      }
      expect(missing).toEqual([]);
    });

    /** Approvals and upstream sources are Carmen's (Approver); blocks, order, repair and /admin Dmitri's (Admin); everything else Alice's (Requester). */
    function callerOf(template: string) {
      if (/^\/api\/v1\/(package-blocks|admin)\b|\/(upstream-order|repair)$/.test(template)) return as.dmitri;
      return /^\/api\/v1\/(approvals|upstreams)\b/.test(template) ? as.carmen : as.alice;
    }

    function sampleUrl(template: string) {
      return template.replace("{file}", "pip.conf").replace("{id}", MISSING).replace("{name}", MISSING);
    }

    /** A body that passes the operation's schema, so what is tested is what comes after it. */
    function sampleBody(operationId: string): unknown {
      if (operationId === "decideRequest" || operationId === "decideUpstream") return { decision: "approve", reason: "Looks fine to me" };
      if (operationId === "revokeUpstream") return { reason: "Policy change" };
      if (operationId === "blockPackage") return { name: `probe-${uniqueSuffix()}`, reason: "Probe block" };
      if (operationId === "setUpstreamAllowList") return { allowList: ["numpy"], reason: "Probe list" };
      if (operationId === "reorderFeedUpstreams") return { upstreamIds: [MISSING] };
      if (operationId === "createDraft" || operationId === "saveDraft") return { teamId: ids.vision, title: "Probe" };
      if (operationId === "createTeam") return { slug: `probe-${uniqueSuffix()}`, name: `Probe ${uniqueSuffix()}`, groupIds: [] };
      if (operationId === "updateTeam") return { name: "Probe rename" };
      if (operationId === "registerFeedHost") return { kind: "nexus", name: `probe-${uniqueSuffix()}`.toLowerCase(), baseUrl: `https://probe-${uniqueSuffix()}.contoso.example`.toLowerCase(), credentialRef: "env:NEXUS_PROBE" };
      if (operationId === "updateFeedHost") return { credentialRef: "env:NEXUS_PROBE" };
      if (operationId === "setFeedHostStatus") return { enabled: true };
      if (operationId === "discoverWorkspaces") return {};
      if (operationId === "registerWorkspace") return { armId: "/subscriptions/00000000-0000-4000-8000-00000000feed/resourceGroups/rg-ml-existing/providers/Microsoft.MachineLearningServices/workspaces/mlw-nlp-nocompute", teamId: ids.nlp };
      return undefined;
    }
  });
}
