import { readFileSync } from "node:fs";
import path from "node:path";
import { Ajv2020 } from "ajv/dist/2020";
import addFormats from "ajv-formats";
import { generateKeyPair } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { seedFleet, seedLargeLog } from "@/testing/seed-builds";
import { resetEnvCache } from "@/lib/env";
import { appRequest, sessionCookieFor, signIdToken, useAuthHarness } from "@/testing/auth-harness";
import { testProviders } from "@/testing/test-database";

type Handler = (request: Request, context: { params: Promise<{ id: string }> }) => Promise<Response>;
const CLIENT_ID = "3f5a7c9e-0d1b-4c2e-8f6a-0000feed0001";
const AUTOMATION_APP = "7d1e2f3a-0000-4000-8000-00000000a770";

const openapi = JSON.parse(readFileSync(path.join(import.meta.dirname, "../../../../public/openapi.json"), "utf8")) as { components: object; paths: Record<string, unknown> };
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema({ $id: "feedgate", components: openapi.components });
function expectSchema(name: string, value: unknown) {
  const validate = ajv.getSchema(`feedgate#/components/schemas/${name}`);
  if (!validate) throw new Error(`no schema ${name}`);
  const ok = validate(value);
  expect(ok, JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
}

for (const provider of testProviders()) {
  describe(`builds API (${provider})`, () => {
    const h = useAuthHarness(provider);
    const ids = { vision: "", nlp: "", visionBuild: "", nlpBuild: "", logBuild: "" };
    let alice = "";
    let dmitri = "";
    let logSize = 0;

    beforeAll(async () => {
      const [vision, nlp] = await Promise.all([h.db.team.findUniqueOrThrow({ where: { slug: "vision" } }), h.db.team.findUniqueOrThrow({ where: { slug: "nlp" } })]);
      ids.vision = vision.id;
      ids.nlp = nlp.id;
      await seedFleet(h.db, { count: 420, teamIds: [vision.id, nlp.id], workspacesPerTeam: 2, environmentsPerWorkspace: 4, days: 10, prefix: `api-${provider}` });
      ids.visionBuild = (await h.db.environmentBuild.findFirstOrThrow({ where: { teamId: vision.id, status: "SUCCEEDED" } })).id;
      ids.nlpBuild = (await h.db.environmentBuild.findFirstOrThrow({ where: { teamId: nlp.id, status: "FAILED" } })).id;
      ids.logBuild = (await h.db.environmentBuild.findFirstOrThrow({ where: { teamId: vision.id, status: "FAILED" } })).id;
      logSize = await seedLargeLog(h.db, ids.logBuild, 300_000);
      await seedLargeLog(h.db, ids.nlpBuild, 10_000);
      process.env.APP_TOKEN_TEAMS = JSON.stringify({ [AUTOMATION_APP]: ["vision"] });
      resetEnvCache();
      [alice, dmitri] = await Promise.all([sessionCookieFor(h, "Alice Chen"), sessionCookieFor(h, "Dmitri Ivanov")]);
    });

    const list = async () => ((await import("./route")) as { GET: (r: Request) => Promise<Response> }).GET;
    const route = async (p: "[id]/route" | "[id]/log/route" | "[id]/log/stream/route"): Promise<Handler> => {
      const mod = (await (p === "[id]/route" ? import("./[id]/route") : p === "[id]/log/route" ? import("./[id]/log/route") : import("./[id]/log/stream/route"))) as { GET: Handler };
      return mod.GET;
    };
    const call = async (p: "[id]/route" | "[id]/log/route" | "[id]/log/stream/route", url: string, id: string, init: { cookie?: string; headers?: Record<string, string> } = {}) => {
      const req = appRequest(url, { cookie: init.cookie });
      for (const [k, v] of Object.entries(init.headers ?? {})) req.headers.set(k, v);
      return (await route(p))(req, { params: Promise.resolve({ id }) });
    };

    async function walk(cookie: string, query: string, headers: Record<string, string> = {}) {
      const GET = await list();
      const seen: string[] = [];
      let cursor: string | null = null;
      for (let page = 0; page < 100; page++) {
        const req = appRequest(`/api/v1/builds?limit=37${query}${cursor ? `&cursor=${cursor}` : ""}`, { cookie });
        for (const [k, v] of Object.entries(headers)) req.headers.set(k, v);
        const res = await GET(req);
        expect(res.status).toBe(200);
        const body = (await res.json()) as { builds: { id: string }[]; nextCursor: string | null };
        expectSchema("BuildPage", body);
        seen.push(...body.builds.map((b) => b.id));
        cursor = body.nextCursor;
        if (!cursor) return seen;
      }
      throw new Error("paging did not end");
    }

    it("pages through every build exactly once, newest and oldest first, with ties on queuedAt", async () => {
      const all = await h.db.environmentBuild.findMany({ orderBy: [{ queuedAt: "desc" }, { id: "desc" }], select: { id: true, queuedAt: true } });
      const ties = all.filter((b, i) => i > 0 && all[i - 1]?.queuedAt.getTime() === b.queuedAt.getTime()).length;
      expect(ties).toBeGreaterThan(50);
      const newest = await walk(dmitri, "");
      expect(newest).toEqual(all.map((b) => b.id));
      expect(new Set(newest).size).toBe(newest.length);
      const oldest = await walk(dmitri, "&sort=oldest");
      expect(oldest).toEqual([...all].reverse().map((b) => b.id));
      const failed = await walk(dmitri, "&status=FAILED");
      const expected = await h.db.environmentBuild.findMany({ where: { status: "FAILED" }, orderBy: [{ queuedAt: "desc" }, { id: "desc" }], select: { id: true } });
      expect(failed).toEqual(expected.map((b) => b.id));
    });

    it("shows a team member only their team's builds, also when they ask for another team", async () => {
      const own = await walk(alice, "");
      const expected = await h.db.environmentBuild.findMany({ where: { teamId: ids.vision }, orderBy: [{ queuedAt: "desc" }, { id: "desc" }], select: { id: true } });
      expect(own).toEqual(expected.map((b) => b.id));
      expect(await walk(alice, `&team=${ids.nlp}`)).toEqual([]);
    });

    it("answers 404 for another team's build on detail, log and tail, exactly like a missing one", async () => {
      for (const p of ["[id]/route", "[id]/log/route", "[id]/log/stream/route"] as const) {
        const other = await call(p, `/api/v1/builds/${ids.nlpBuild}`, ids.nlpBuild, { cookie: alice });
        const missing = await call(p, "/api/v1/builds/nope", "nope", { cookie: alice });
        expect(other.status, p).toBe(404);
        expect(missing.status).toBe(404);
        const [a, b] = [(await other.json()) as { error: unknown }, (await missing.json()) as { error: unknown }];
        expect(a.error).toEqual(b.error);
        expectSchema("Error", a);
      }
      expect((await call("[id]/route", "/x", ids.nlpBuild, { cookie: dmitri })).status).toBe(200);
    });

    it("refuses callers without a session or valid token", async () => {
      const GET = await list();
      const anonymous = await GET(appRequest("/api/v1/builds"));
      expect(anonymous.status).toBe(401);
      expectSchema("Error", await anonymous.json());
      const { privateKey } = await generateKeyPair("RS256", { extractable: true });
      const forged = await signIdToken(h, accessClaims({ scp: "Builds.Read", oid: h.user("Alice Chen").oid }), { key: privateKey });
      const wrongAudience = await signIdToken(h, { ...accessClaims({ scp: "Builds.Read", oid: h.user("Alice Chen").oid }), aud: "api://someone-else" });
      for (const token of [forged, wrongAudience, "not-a-jwt"]) {
        const res = await GET(withBearer(appRequest("/api/v1/builds"), token));
        expect(res.status).toBe(401);
      }
    });

    it("authorizes bearer access tokens like sessions: a delegated token as the user, an app token by its mapped teams", async () => {
      const delegated = await signIdToken(h, accessClaims({ scp: "Builds.Read", oid: h.user("Alice Chen").oid, roles: ["Feedgate.Requester"] }));
      const visionIds = (await h.db.environmentBuild.findMany({ where: { teamId: ids.vision }, orderBy: [{ queuedAt: "desc" }, { id: "desc" }], select: { id: true } })).map((b) => b.id);
      expect(await walk("", "", { authorization: `Bearer ${delegated}` })).toEqual(visionIds);
      const app = await signIdToken(h, accessClaims({ oid: "sp-automation", azp: AUTOMATION_APP, roles: ["Feedgate.Requester"] }));
      expect(await walk("", "", { authorization: `Bearer ${app}` })).toEqual(visionIds);
      expect((await call("[id]/route", "/x", ids.nlpBuild, { headers: { authorization: `Bearer ${app}` } })).status).toBe(404);
      expect((await call("[id]/log/route", "/x", ids.nlpBuild, { headers: { authorization: `Bearer ${app}` } })).status).toBe(404);
      const unmapped = await signIdToken(h, accessClaims({ oid: "sp-other", azp: "another-app", roles: ["Feedgate.Requester"] }));
      expect(await walk("", "", { authorization: `Bearer ${unmapped}` })).toEqual([]);
      const noRole = await signIdToken(h, accessClaims({ oid: "sp-automation", azp: AUTOMATION_APP, roles: [] }));
      expect((await (await list())(withBearer(appRequest("/api/v1/builds"), noRole))).status).toBe(403);
    });

    it("answers byte ranges of the log with 206, suffix ranges, 416 and the whole log with 200", async () => {
      const whole = await call("[id]/log/route", "/x", ids.logBuild, { cookie: alice });
      expect(whole.status).toBe(200);
      expect(whole.headers.get("accept-ranges")).toBe("bytes");
      const text = Buffer.from(await whole.arrayBuffer());
      expect(text.length).toBe(logSize);
      const cases: [string, number, number][] = [
        ["bytes=0-99", 0, 100],
        ["bytes=1000-", 1000, logSize],
        ["bytes=-500", logSize - 500, logSize],
        [`bytes=${logSize - 10}-${logSize + 1000}`, logSize - 10, logSize],
        ["bytes=65530-65560", 65530, 65561],
      ];
      for (const [range, start, end] of cases) {
        const res = await call("[id]/log/route", "/x", ids.logBuild, { cookie: alice, headers: { range } });
        expect(res.status, range).toBe(206);
        expect(res.headers.get("content-range")).toBe(`bytes ${start}-${end - 1}/${logSize}`);
        expect(res.headers.get("content-length")).toBe(String(end - start));
        expect(Buffer.from(await res.arrayBuffer()).equals(text.subarray(start, end)), range).toBe(true);
      }
      for (const range of [`bytes=${logSize}-`, "bytes=-0"]) {
        const res = await call("[id]/log/route", "/x", ids.logBuild, { cookie: alice, headers: { range } });
        expect(res.status, range).toBe(416);
        expect(res.headers.get("content-range")).toBe(`bytes */${logSize}`);
      }
      const download = await call("[id]/log/route", "/api/v1/builds/x/log?download=1", ids.logBuild, { cookie: alice });
      expect(download.headers.get("content-disposition")).toMatch(/^attachment; filename=".+\.log"$/);
      await download.body?.cancel();
    });

    it("tails a finished build's log over SSE from a byte offset, then ends", async () => {
      const res = await call("[id]/log/stream/route", `/api/v1/builds/${ids.logBuild}/log/stream?from=200000`, ids.logBuild, { cookie: alice });
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
      const body = await res.text();
      const logs = [...body.matchAll(/event: log\nid: (\d+)\ndata: (.*)\n/g)].map((m) => JSON.parse(m[2] ?? "{}") as { from: number; to: number; text: string });
      expect(logs[0]?.from).toBeLessThanOrEqual(200_000);
      expect(logs.at(-1)?.to).toBe(logSize);
      expect(body).toContain("event: status");
      expect(body).toMatch(/event: end\ndata: .*"FAILED"/);
      // Resuming exactly where the viewer's snapshot ended sends nothing twice.
      const resumed = await (await call("[id]/log/stream/route", `/api/v1/builds/${ids.logBuild}/log/stream?from=${logSize}`, ids.logBuild, { cookie: alice })).text();
      expect(resumed).not.toContain("event: log");
      expect(resumed).toContain("event: end");
      const boundary = logs[1]?.from ?? 0;
      const fromBoundary = await (await call("[id]/log/stream/route", "/x", ids.logBuild, { cookie: alice, headers: { "last-event-id": String(boundary) } })).text();
      expect(JSON.parse(/event: log\nid: \d+\ndata: (.*)\n/.exec(fromBoundary)?.[1] ?? "{}")).toMatchObject({ from: boundary });
    });

    it("returns responses that match the OpenAPI file", async () => {
      const detail = await call("[id]/route", "/x", ids.visionBuild, { cookie: alice });
      expect(detail.status).toBe(200);
      const body = (await detail.json()) as { dockerfile: string | null; sources: { pipIndexUrl: string | null } };
      expectSchema("BuildDetail", body);
      expect(body.sources.pipIndexUrl).toMatch(/^https:/);
      expect(body.dockerfile).toContain("FROM mcr.microsoft.com/azureml/");
      const bad = await (await list())(appRequest("/api/v1/builds?status=EXPLODED", { cookie: alice }));
      expect(bad.status).toBe(400);
      expectSchema("Error", await bad.json());
      // Dates and cursors are parsed for real: shape-valid nonsense is a 400 naming the parameter, not a 500.
      const nonsense = Buffer.from("99999999999999999.abc").toString("base64url");
      for (const [query, field] of [["from=2026-99-99", "from"], ["to=2026-02-30", "to"], ["cursor=%25%25%25", "cursor"], [`cursor=${nonsense}`, "cursor"], ["from=2026-11-20&to=2026-11-10", "to"]] as const) {
        const answer = await (await list())(appRequest(`/api/v1/builds?${query}`, { cookie: alice }));
        expect(answer.status, query).toBe(400);
        const error = (await answer.json()) as { error: { message: string } };
        expect(error.error.message, query).toMatch(new RegExp(`^Query parameter ${field} `));
      }
      // openapi.int.test.ts checks the document covers every route; here, that the builds API is in it.
      expect(Object.keys(openapi.paths)).toEqual(expect.arrayContaining(["/api/v1/builds", "/api/v1/builds/{id}", "/api/v1/builds/{id}/log", "/api/v1/builds/{id}/log/stream"]));
    });

    function accessClaims(extra: Record<string, unknown>) {
      return { iss: h.idp.issuer, aud: CLIENT_ID, tid: "9c1f0d4e-5b6a-4f7e-8d9c-0a1b2c3d4e5f", sub: String(extra.oid), ...extra };
    }
  });
}

function withBearer(req: Request, token: string): Request {
  req.headers.set("authorization", `Bearer ${token}`);
  return req;
}
