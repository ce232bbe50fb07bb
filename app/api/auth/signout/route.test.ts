import { NextRequest } from "next/server";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { submittedRequest } from "@/testing/approval-fixtures";
import { appRequest, APP_URL, cookiesFrom, sessionCookieFor, sessionIdOf, signOutThroughMenu, useAuthHarness } from "@/testing/auth-harness";
import { testProviders } from "@/testing/test-database";

type Handler = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;
type Action = (input: unknown) => Promise<{ serverError?: { status: number }; data?: unknown; validationErrors?: unknown }>;

// Server actions and pages read the request through next/headers; outside Next, give them this one.
const request = vi.hoisted(() => ({ cookie: "", origin: "http://localhost:3999" }));
vi.mock("next/headers", async () => (await import("@/testing/next-request")).nextHeadersFor(request));
vi.mock("next/cache", async () => (await import("@/testing/next-request")).nextCacheStub);

// Every REST route and every server action, found at test time, so new ones are covered too.
const ROUTES = import.meta.glob<Record<string, unknown>>("/app/api/v1/**/route.ts");
const ACTIONS = import.meta.glob<Record<string, unknown>>(["/lib/actions/*.ts", "!/lib/actions/safe-action.ts"]);
const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"];

/** Every method of every /api/v1 route with this cookie (placeholder ids, `{}` bodies): `where` → status. */
async function sweepRoutes(cookie: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const [file, load] of Object.entries(ROUTES)) {
    const mod = await load();
    const template = file.replace(/^\/app/, "").replace(/\/route\.ts$/, "");
    const params = Object.fromEntries([...template.matchAll(/\[(\w+)\]/g)].map((m) => [m[1] ?? "", m[1] === "file" ? "pip.conf" : "cm0000000000000000000000"]));
    const path = template.replace(/\[(\w+)\]/g, (_m, p: string) => params[p] ?? "");
    for (const method of METHODS) {
      const handler = mod[method];
      if (typeof handler !== "function") continue;
      const controller = new AbortController();
      const body = method === "GET" || method === "HEAD" || method === "DELETE" ? undefined : {};
      const req = new Request(appRequest(`${path}?after=0`, { method, cookie, body }), { signal: controller.signal });
      const res = await (handler as Handler)(req, { params: Promise.resolve(params) });
      out[`${method} ${path}`] = res.status;
      // Event streams are not read: the status is what matters here.
      controller.abort();
      await res.body?.cancel().catch(() => undefined);
    }
  }
  return out;
}

/** Every server action called with this cookie: `file name` → the status of its serverError (0 for none). */
async function sweepActions(cookie: string): Promise<Record<string, number>> {
  request.cookie = cookie;
  const out: Record<string, number> = {};
  for (const [file, load] of Object.entries(ACTIONS)) {
    for (const [name, action] of Object.entries(await load())) {
      if (typeof action !== "function") continue;
      const result = await (action as Action)({});
      out[`${file} ${name}`] = result.serverError?.status ?? 0;
    }
  }
  return out;
}

const statuses = (answers: Record<string, number>) => new Set(Object.values(answers));

for (const provider of testProviders()) {
  describe(`sign-out ends the session on the server (${provider})`, () => {
    const h = useAuthHarness(provider);
    beforeEach(() => {
      request.cookie = "";
    });
    afterEach(() => {
      vi.useRealTimers();
    });

    async function me(cookie: string) {
      const { GET } = await import("@/app/api/v1/me/route");
      return GET(appRequest("/api/v1/me", { cookie }));
    }
    async function userId(name: string) {
      return (await h.db.user.findUniqueOrThrow({ where: { entraOid: h.user(name).oid } })).id;
    }

    it("after sign-out through the route, a copied cookie answers 401 on every /api/v1 route and every server action, and pages send it to sign-in", async () => {
      const cookie = await sessionCookieFor(h, "Alice Chen");
      const copy = cookie;
      // Control: the cookie works everywhere first, so the 401s below are the sign-out's doing.
      const before = await sweepRoutes(copy);
      expect(Object.keys(before).length).toBeGreaterThan(15);
      expect(statuses(before).has(401), JSON.stringify(before)).toBe(false);
      const actionsBefore = await sweepActions(copy);
      expect(Object.keys(actionsBefore).length).toBeGreaterThan(5);
      expect(statuses(actionsBefore).has(401), JSON.stringify(actionsBefore)).toBe(false);
      const { requirePageUser } = await import("@/lib/auth/require-page-user");
      request.cookie = copy;
      await expect(requirePageUser()).resolves.toMatchObject({ name: "Alice Chen" });

      const res = await signOutThroughMenu(cookie);
      expect(res.status).toBe(204);
      expect(res.headers.getSetCookie().some((c) => c.startsWith("feedgate-session=;") && /Max-Age=0/.test(c))).toBe(true);

      const after = await sweepRoutes(copy);
      expect(Object.keys(after)).toEqual(Object.keys(before));
      expect([...statuses(after)], JSON.stringify(after)).toEqual([401]);
      expect([...statuses(await sweepActions(copy))]).toEqual([401]);
      request.cookie = copy;
      await expect(requirePageUser()).rejects.toThrow(/NEXT_REDIRECT/);
      const row = await h.db.session.findUniqueOrThrow({ where: { id: await sessionIdOf(copy) } });
      expect(row).toMatchObject({ revokedBy: "self" });
      expect(row.revokedAt).not.toBeNull();
    });

    it("sign-out is audited once; signing out again with the copy changes and records nothing", async () => {
      const cookie = await sessionCookieFor(h, "Bilal Okafor");
      const count = () => h.db.auditEvent.count({ where: { action: "auth.sign_out", actorOid: h.user("Bilal Okafor").oid } });
      const before = await count();
      expect((await signOutThroughMenu(cookie)).status).toBe(204);
      expect((await signOutThroughMenu(cookie)).status).toBe(204);
      expect(await count()).toBe(before + 1);
      // A sign-out from another origin is refused and ends nothing.
      const other = await sessionCookieFor(h, "Bilal Okafor");
      const { POST } = await import("./route");
      expect((await POST(appRequest("/api/auth/signout", { method: "POST", cookie: other, origin: "https://evil.example" }))).status).toBe(403);
      expect((await me(other)).status).toBe(200);
    });

    it("'Sign out everywhere' from the account menu ends every session of the person, copies included, and nobody else's; audited with counts", async () => {
      const [a1, a2, a3] = [await sessionCookieFor(h, "Carmen Diaz"), await sessionCookieFor(h, "Carmen Diaz"), await sessionCookieFor(h, "Carmen Diaz")];
      const bystander = await sessionCookieFor(h, "Alice Chen");
      const carmen = await userId("Carmen Diaz");
      const live = () => h.db.session.count({ where: { userId: carmen, revokedAt: null } });
      const liveBefore = await live();
      expect(liveBefore).toBeGreaterThanOrEqual(3);
      for (const c of [a1, a2, a3]) expect((await me(c)).status).toBe(200);

      const res = await signOutThroughMenu(a2, "everywhere");
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ revoked: liveBefore });
      expect(cookiesFrom(res)["feedgate-session"]).toBe("");
      expect(await live()).toBe(0);
      for (const c of [a1, a2, a3]) {
        expect((await me(c)).status).toBe(401);
        expect([...statuses(await sweepRoutes(c))]).toEqual([401]);
      }
      expect((await me(bystander)).status).toBe(200);
      const event = await h.db.auditEvent.findFirstOrThrow({ where: { action: "auth.sign_out", targetId: carmen }, orderBy: { id: "desc" } });
      expect(event).toMatchObject({ actorOid: h.user("Carmen Diaz").oid, before: { liveSessions: liveBefore }, after: { liveSessions: 0, revoked: liveBefore, scope: "everywhere", revokedBy: "self" } });
      // An ended session cannot end the others: a copy signed out everywhere answers 401 and ends nothing.
      const fresh = await sessionCookieFor(h, "Carmen Diaz");
      expect((await signOutThroughMenu(a1, "everywhere")).status).toBe(401);
      expect((await me(fresh)).status).toBe(200);
    });

    it("an Admin signs any user out everywhere through the Admin page's action; a non-Admin gets 403 and nothing changes", async () => {
      const target = [await sessionCookieFor(h, "Bilal Okafor"), await sessionCookieFor(h, "Bilal Okafor")];
      const bilal = await userId("Bilal Okafor");
      const live = () => h.db.session.count({ where: { userId: bilal, revokedAt: null } });
      const liveBefore = await live();
      const { signOutUserEverywhereAction } = await import("@/lib/actions/admin");

      for (const who of ["Alice Chen", "Carmen Diaz"]) {
        request.cookie = await sessionCookieFor(h, who);
        expect((await signOutUserEverywhereAction({ userId: bilal })).serverError).toMatchObject({ code: "forbidden", status: 403 });
      }
      expect(await live()).toBe(liveBefore);
      for (const c of target) expect((await me(c)).status).toBe(200);

      request.cookie = await sessionCookieFor(h, "Dmitri Ivanov");
      expect((await signOutUserEverywhereAction({ userId: bilal })).data).toEqual({ userId: bilal, revoked: liveBefore, liveSessions: 0 });
      for (const c of target) expect((await me(c)).status).toBe(401);
      const rows = await h.db.session.findMany({ where: { userId: bilal, id: { in: await Promise.all(target.map(sessionIdOf)) } } });
      expect(rows.map((r) => r.revokedBy)).toEqual([h.user("Dmitri Ivanov").oid, h.user("Dmitri Ivanov").oid]);
      const event = await h.db.auditEvent.findFirstOrThrow({ where: { action: "auth.sign_out", targetId: bilal }, orderBy: { id: "desc" } });
      expect(event).toMatchObject({ actorOid: h.user("Dmitri Ivanov").oid, before: { liveSessions: liveBefore }, after: { liveSessions: 0, revoked: liveBefore, revokedBy: h.user("Dmitri Ivanov").oid } });
      expect((await signOutUserEverywhereAction({ userId: "no-such-user" })).serverError).toMatchObject({ status: 404 });
    });

    it("a role removed at a later sign-in is gone from the older session at once: the approval queue and decisions answer 403", async () => {
      const { id: requestId } = await submittedRequest(h.db);
      const old = await sessionCookieFor(h, "Dmitri Ivanov");
      const { GET: queue } = await import("@/app/api/v1/approvals/route");
      expect((await queue(appRequest("/api/v1/approvals", { cookie: old }))).status).toBe(200);

      // Later, Entra no longer grants Approver: the next sign-in shows it.
      const later = await sessionCookieFor(h, "Dmitri Ivanov", { roles: ["Feedgate.Admin"] });
      for (const cookie of [old, later]) {
        expect((await queue(appRequest("/api/v1/approvals", { cookie }))).status).toBe(403);
        expect(await (await me(cookie)).json()).toMatchObject({ roles: ["Feedgate.Admin"] });
        request.cookie = cookie;
        const { decideRequestAction } = await import("@/lib/actions/approvals");
        expect((await decideRequestAction({ requestId, decision: "approve", reason: "still an approver?" })).serverError).toMatchObject({ status: 403 });
      }
      expect((await h.db.feedRequest.findUniqueOrThrow({ where: { id: requestId } })).status).toBe("SUBMITTED");

      // A role granted again later does not reach back into the older session: it was never granted there.
      const again = await sessionCookieFor(h, "Dmitri Ivanov", { roles: ["Feedgate.Approver", "Feedgate.Admin"] });
      expect((await queue(appRequest("/api/v1/approvals", { cookie: again }))).status).toBe(200);
      expect((await queue(appRequest("/api/v1/approvals", { cookie: later }))).status).toBe(403);
    });

    it("a sign-in refused because no role is left ends what the older sessions could do", async () => {
      const old = await sessionCookieFor(h, "Alice Chen");
      expect((await me(old)).status).toBe(200);
      await expect(sessionCookieFor(h, "Alice Chen", { roles: [] })).rejects.toThrow(/answered 403/);
      expect((await me(old)).status).toBe(401);
      await sessionCookieFor(h, "Alice Chen");
    });

    it("proxy.ts rolls the cookie with the same session id, and a rolled copy of a signed-out session stays signed out", async () => {
      const { proxy } = await import("@/proxy");
      const cookie = await sessionCookieFor(h, "Bilal Okafor");
      const sid = await sessionIdOf(cookie);
      vi.useFakeTimers({ toFake: ["Date"] });
      vi.setSystemTime(Date.now() + 5 * 60_000);
      const roll = async (c: string) => {
        const set = (await proxy(new NextRequest(`${APP_URL}/feeds`, { headers: { cookie: c } }))).headers.getSetCookie()[0] ?? "";
        return set.split(";")[0] ?? "";
      };
      const rolled = await roll(cookie);
      expect(rolled).toMatch(/^feedgate-session=./);
      expect(rolled).not.toBe(cookie);
      expect(await sessionIdOf(rolled)).toBe(sid);
      expect((await me(rolled)).status).toBe(200);

      expect((await signOutThroughMenu(rolled)).status).toBe(204);
      vi.setSystemTime(Date.now() + 5 * 60_000);
      const rolledAgain = await roll(cookie);
      expect(await sessionIdOf(rolledAgain)).toBe(sid);
      for (const c of [cookie, rolled, rolledAgain]) expect((await me(c)).status).toBe(401);
    });
  });
}
