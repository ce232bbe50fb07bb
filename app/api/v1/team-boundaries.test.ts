import { beforeAll, describe, expect, it, vi } from "vitest";
import { loadActingUser } from "@/lib/auth/acting-user";
import { openSession } from "@/lib/auth/session-cookie";
import { getOverview } from "@/lib/overview/get-overview";
import { appRequest, sessionCookieFor, useAuthHarness } from "@/testing/auth-harness";
import { testProviders } from "@/testing/test-database";

type Handler = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;

// Server actions read the request through next/headers; outside Next, give them Alice's.
const request = vi.hoisted(() => ({ cookie: "", origin: "http://localhost:3999" }));
vi.mock("next/headers", async () => (await import("@/testing/next-request")).nextHeadersFor(request));
vi.mock("next/cache", async () => (await import("@/testing/next-request")).nextCacheStub);

// Every REST route and every server action in the app, found at test time, so new ones are probed too.
const ROUTES = import.meta.glob<Record<string, unknown>>("./**/route.ts");
const ACTIONS = import.meta.glob<Record<string, unknown>>(["/lib/actions/*.ts", "!/lib/actions/safe-action.ts"]);

/** Words that exist only in Language Models' data; none may reach a Vision Research member. */
const TEAM_B_WORDS = ["Language Models", "nlp-private-feed", "nlp-secret-request", "nlp-secret-env", "bilal@contoso.example"];

for (const provider of testProviders()) {
  describe(`team boundaries: a Vision Research member probing Language Models' ids (${provider})`, () => {
    const h = useAuthHarness(provider);
    const b = { team: "", feed: "", request: "", workspace: "", environment: "", build: "" };
    const a = { team: "", feed: "" };
    let alice = "";

    beforeAll(async () => {
      const [vision, nlp] = await Promise.all([h.db.team.findUniqueOrThrow({ where: { slug: "vision" } }), h.db.team.findUniqueOrThrow({ where: { slug: "nlp" } })]);
      const bilal = await h.db.user.findUniqueOrThrow({ where: { entraOid: h.user("Bilal Okafor").oid } });
      const host = await h.db.feedHost.findFirstOrThrow();
      const vf = await h.db.feed.create({ data: { teamId: vision.id, hostId: host.id, name: "vision-feed" } });
      const nf = await h.db.feed.create({ data: { teamId: nlp.id, hostId: host.id, name: "nlp-private-feed" } });
      const ws = await h.db.workspace.create({
        data: { teamId: nlp.id, armId: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/nlp-ws", name: "nlp-ws", subscriptionId: "s", resourceGroup: "rg", region: "westeurope" },
      });
      const req = await h.db.feedRequest.create({ data: { teamId: nlp.id, submittedByOid: bilal.id, title: "nlp-secret-request", payload: { note: "nlp-secret-request" }, feedId: nf.id } });
      const env = await h.db.environment.create({
        data: { teamId: nlp.id, workspaceId: ws.id, requestId: req.id, name: "nlp-secret-env", version: "1", baseImage: "mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04", packages: { conda: [], pip: [] }, dockerfileHash: "h" },
      });
      const build = await h.db.environmentBuild.create({ data: { environmentId: env.id, teamId: nlp.id, workspaceId: ws.id, environmentName: "nlp-secret-env" } });
      Object.assign(b, { team: nlp.id, feed: nf.id, request: req.id, workspace: ws.id, environment: env.id, build: build.id });
      Object.assign(a, { team: vision.id, feed: vf.id });
      alice = await sessionCookieFor(h, "Alice Chen");
      request.cookie = alice;
    });

    /** Team B's rows, as a comparable snapshot: nothing a probe does may change them. */
    async function teamBState() {
      const [feeds, requests, builds, environments, jobs] = await Promise.all([
        h.db.feed.findMany({ where: { teamId: b.team }, orderBy: { id: "asc" } }),
        h.db.feedRequest.findMany({ where: { teamId: b.team }, orderBy: { id: "asc" } }),
        h.db.environmentBuild.findMany({ where: { teamId: b.team }, orderBy: { id: "asc" } }),
        h.db.environment.findMany({ where: { teamId: b.team }, orderBy: { id: "asc" } }),
        h.db.job.count(),
      ]);
      return { feeds, requests, builds, environments, jobs };
    }

    function expectNoTeamB(text: string, where: string) {
      for (const w of TEAM_B_WORDS) expect(text, `${where} revealed "${w}"`).not.toContain(w);
    }

    it("the team-scoped reads answer 404 or an empty list, never team B's data", async () => {
      const teams = await import("./teams/[id]/route");
      const feeds = await import("./feeds/route");
      const feed = await import("./feeds/[id]/route");
      const me = await import("./me/route");
      const get = (url: string) => appRequest(url, { cookie: alice });
      const byId = (id: string) => ({ params: Promise.resolve({ id }) });

      expect((await teams.GET(get(`/api/v1/teams/${b.team}`), byId(b.team))).status).toBe(404);
      expect((await teams.GET(get(`/api/v1/teams/${a.team}`), byId(a.team))).status).toBe(200);
      expect((await feed.GET(get(`/api/v1/feeds/${b.feed}`), byId(b.feed))).status).toBe(404);
      expect((await feed.GET(get(`/api/v1/feeds/${a.feed}`), byId(a.feed))).status).toBe(200);
      const own = (await (await feeds.GET(get("/api/v1/feeds"))).json()) as { feeds: { id: string }[] };
      expect(own.feeds.map((f) => f.id)).toEqual([a.feed]);
      expect(await (await feeds.GET(get(`/api/v1/feeds?teamId=${b.team}`))).json()).toEqual({ feeds: [] });
      const who = (await (await me.GET(get("/api/v1/me"))).json()) as { teams: { id: string }[] };
      expect(who.teams.map((t) => t.id)).toEqual([a.team]);
    });

    it("the overview counts only the own team's feeds and builds", async () => {
      const opened = await openSession(decodeURIComponent(alice.split("=")[1] ?? ""));
      const user = opened && (await loadActingUser(h.db, opened.session));
      if (!user) throw new Error("no session");
      const overview = await getOverview(h.db, user);
      expect(overview.feeds).toBe(1);
      expect(overview.buildsLast24h).toBe(0);
    });

    /** Calls every route with every team B id; returns each response as `where`, status and body. */
    async function sweepRoutes(cookie: string, methods: string[]) {
      const out: { where: string; status: number; text: string; hasId: boolean }[] = [];
      const ids = [b.team, b.feed, b.request, b.workspace, b.environment, b.build];
      for (const [file, load] of Object.entries(ROUTES)) {
        const mod = await load();
        const template = `/api/v1/${file.replace(/^\.\//, "").replace(/\/?route\.ts$/, "")}`;
        const paramNames = [...template.matchAll(/\[(\w+)\]/g)].map((m) => m[1] ?? "");
        for (const method of methods) {
          const handler = mod[method];
          if (typeof handler !== "function") continue;
          for (const id of paramNames.length ? ids : [b.team]) {
            const params = Object.fromEntries(paramNames.map((p) => [p, p === "id" ? id : p === "file" ? "pip.conf" : id]));
            const path = template.replace(/\[(\w+)\]/g, (_m, p: string) => params[p] ?? "");
            const body = method === "GET" || method === "DELETE" ? undefined : probeBody(id, b.team);
            const controller = new AbortController();
            const req = appRequest(`${path}?teamId=${b.team}&requestId=${b.request}&after=0`, { method, cookie, body });
            const res = await (handler as Handler)(new Request(req, { signal: controller.signal }), { params: Promise.resolve(params) });
            out.push({ where: `${method} ${path}`, status: res.status, text: await readSome(res, controller), hasId: paramNames.length > 0 });
          }
        }
      }
      return out;
    }

    it("every REST route, with every team B id in every parameter, reveals and changes nothing of team B", async () => {
      const before = await teamBState();
      expect(Object.keys(ROUTES).length).toBeGreaterThan(3);
      for (const r of await sweepRoutes(alice, ["GET", "POST", "PUT", "PATCH", "DELETE"])) {
        expectNoTeamB(r.text, r.where);
        if (r.hasId) expect(r.status, `${r.where} answered ${r.status}`).toBeGreaterThanOrEqual(400);
      }
      expect(await teamBState()).toEqual(before);
    });

    it("control: the same GET probes do show team B's data to a team B member", async () => {
      const bilal = await sessionCookieFor(h, "Bilal Okafor");
      const revealing = (await sweepRoutes(bilal, ["GET"])).filter((r) => TEAM_B_WORDS.some((w) => r.text.includes(w)));
      expect(revealing.map((r) => r.where)).toEqual(expect.arrayContaining([`GET /api/v1/feeds/${b.feed}`, `GET /api/v1/teams/${b.team}`]));
    });

    it("every server action, given team B's ids, reveals and changes nothing of team B", async () => {
      const before = await teamBState();
      expect(Object.keys(ACTIONS).length).toBeGreaterThan(0);
      for (const [file, load] of Object.entries(ACTIONS)) {
        const mod = await load();
        for (const [name, action] of Object.entries(mod)) {
          if (typeof action !== "function") continue;
          for (const id of [b.team, b.feed, b.request, b.build]) {
            let outcome: unknown;
            try {
              outcome = await (action as (input: unknown) => Promise<unknown>)(probeBody(id, b.team));
            } catch (error) {
              outcome = error instanceof Error ? error.message : String(error);
            }
            expectNoTeamB(JSON.stringify(outcome) ?? "", `${file} ${name}`);
            const data = typeof outcome === "object" && outcome !== null && "data" in outcome ? (outcome as { data: unknown }).data : undefined;
            expect(data, `${file} ${name} returned data for team B's id`).toBeUndefined();
          }
        }
      }
      expect(await teamBState()).toEqual(before);
    });
  });
}

/** A request body that names a team B id under every key an endpoint might read. */
function probeBody(id: string, teamId: string) {
  return {
    id,
    teamId,
    feedId: id,
    requestId: id,
    buildId: id,
    environmentId: id,
    workspaceId: id,
    upstreamId: id,
    decision: "approve",
    reason: "probe from another team",
    title: "probe",
  };
}

/** Reads a response body; event streams are read for a moment and then aborted. */
async function readSome(res: Response, controller: AbortController): Promise<string> {
  if (!res.body) return "";
  if (!(res.headers.get("content-type") ?? "").includes("event-stream")) return res.text();
  const reader = res.body.getReader();
  let text = "";
  const deadline = Date.now() + 300;
  while (Date.now() < deadline) {
    const chunk = await Promise.race([reader.read(), new Promise<null>((r) => setTimeout(() => r(null), 100))]);
    if (!chunk || chunk.done) break;
    text += new TextDecoder().decode(chunk.value);
  }
  controller.abort();
  await reader.cancel().catch(() => undefined);
  return text;
}

