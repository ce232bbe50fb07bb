/**
 * Teams from Entra groups at sign-in, end to end at HTTP level: the sandbox provider issues the
 * real id_token (a `groups` claim, or the overage marker) and Graph access token, and on overage
 * the portal's session route makes the real Graph call against the sandbox Graph.
 */
import { decodeJwt } from "jose";
import { describe, expect, it } from "vitest";
import { DEMO_TEAMS } from "@/prisma/demo-data";
import { appRequest, cookiesFrom, exchangeToken, idTokenClaims, signIdToken, signInAtIdp, startSignIn, useAuthHarness } from "@/testing/auth-harness";
import { testProviders } from "@/testing/test-database";

const VISION = DEMO_TEAMS[0];

for (const provider of testProviders()) {
  describe(`teams from Entra groups at sign-in (${provider})`, () => {
    const h = useAuthHarness(provider);

    async function teamsOf(name: string) {
      const user = await h.db.user.findUniqueOrThrow({ where: { entraOid: h.user(name).oid } });
      const rows = await h.db.teamMembership.findMany({ where: { userId: user.id }, select: { source: true, team: { select: { slug: true } } } });
      return rows.map((r) => `${r.team.slug}:${r.source}`).sort();
    }

    it("overage: the id_token names no groups, the route reads them from Graph, and Omar joins Vision Research as entra", async () => {
      const { nonce, cookie } = await startSignIn();
      const tokens = await signInAtIdp(h, "Omar Haddad", nonce);
      const claims = decodeJwt(tokens.idToken);
      expect(claims.groups).toBeUndefined();
      expect(claims._claim_names).toEqual({ groups: "src1" });
      expect(decodeJwt(tokens.accessToken)).toMatchObject({ aud: "https://graph.microsoft.com", scp: "GroupMember.Read.All", oid: h.user("Omar Haddad").oid });
      expect(await teamsOf("Omar Haddad")).toEqual([]);

      const res = await exchangeToken(tokens.idToken, cookie, { graphAccessToken: tokens.accessToken });
      expect(res.status).toBe(200);
      expect(await teamsOf("Omar Haddad")).toEqual([`${VISION.slug}:entra`]);
      const audit = await h.db.auditEvent.findFirstOrThrow({ where: { action: "team.memberships_synced", actorOid: h.user("Omar Haddad").oid }, orderBy: { id: "desc" } });
      expect(audit.before).toEqual({ teamIds: [] });
    });

    it("overage with Graph refusing the token: sign-in still succeeds and the entra memberships are kept", async () => {
      const { nonce, cookie } = await startSignIn();
      const tokens = await signInAtIdp(h, "Omar Haddad", nonce);
      const res = await exchangeToken(tokens.idToken, cookie, { graphAccessToken: `${tokens.accessToken.slice(0, -4)}AAAA` });
      expect(res.status).toBe(200);
      expect(await teamsOf("Omar Haddad")).toEqual([`${VISION.slug}:entra`]);
    });

    it("overage with someone else's genuine Graph token: their groups are not taken, the memberships are kept", async () => {
      const before = await teamsOf("Omar Haddad");
      const other = await signInAtIdp(h, "Bilal Okafor", (await startSignIn()).nonce);
      const { nonce, cookie } = await startSignIn();
      const tokens = await signInAtIdp(h, "Omar Haddad", nonce);
      const res = await exchangeToken(tokens.idToken, cookie, { graphAccessToken: other.accessToken });
      expect(res.status).toBe(200);
      expect(await teamsOf("Omar Haddad")).toEqual(before);
      expect(before).not.toContain("nlp:entra");
    });

    it("the groups step: an overage sign-in without a Graph token signs in, asks for one, and POST /api/auth/groups takes only the person's own", async () => {
      const { POST } = await import("@/app/api/auth/groups/route");
      const { nonce, cookie } = await startSignIn();
      const tokens = await signInAtIdp(h, "Omar Haddad", nonce);
      const signedIn = await exchangeToken(tokens.idToken, cookie);
      expect(signedIn.status).toBe(200);
      expect(await signedIn.json()).toMatchObject({ user: { name: "Omar Haddad" }, groups: "needed" });
      const set = cookiesFrom(signedIn);
      expect(set["feedgate-groups-step"]).toBe("1");
      const session = Object.entries(set).find(([k, v]) => k.includes("feedgate-session") && v);
      const sessionCookie = `${session?.[0]}=${session?.[1]}`;
      const groups = (body: unknown, init: { cookie?: string; origin?: string | null } = {}) => POST(appRequest("/api/auth/groups", { method: "POST", cookie: sessionCookie, body, ...init }));

      // Not signed in, another origin, a bad body: refused, nothing changes.
      const before = await teamsOf("Omar Haddad");
      expect((await groups({ graphAccessToken: tokens.accessToken }, { cookie: "" })).status).toBe(401);
      expect((await groups({ graphAccessToken: tokens.accessToken }, { origin: "https://evil.example" })).status).toBe(403);
      expect((await groups({ graphAccessToken: "a b" })).status).toBe(400);
      // Someone else's genuine token: the step ends, Omar's teams stay.
      const bilal = await signInAtIdp(h, "Bilal Okafor", (await startSignIn()).nonce);
      const refused = await groups({ graphAccessToken: bilal.accessToken });
      expect(await refused.json()).toMatchObject({ synced: false });
      expect(cookiesFrom(refused)["feedgate-groups-step"]).toBe("");
      expect(await teamsOf("Omar Haddad")).toEqual(before);

      await h.db.teamMembership.deleteMany({ where: { user: { entraOid: h.user("Omar Haddad").oid } } });
      const taken = await groups({ graphAccessToken: tokens.accessToken });
      expect(taken.status).toBe(200);
      expect(await taken.json()).toMatchObject({ synced: true, teams: [{ slug: VISION.slug }] });
      expect(await teamsOf("Omar Haddad")).toEqual([`${VISION.slug}:entra`]);
      expect(await (await groups({ skip: true })).json()).toMatchObject({ synced: false, teams: [{ slug: VISION.slug }] });
    });

    it("a groups claim from the provider keeps a seeded manual membership manual", async () => {
      const { nonce, cookie } = await startSignIn();
      const tokens = await signInAtIdp(h, "Alice Chen", nonce, ["openid", "profile", "email"]);
      expect(decodeJwt(tokens.idToken).groups).toEqual(h.user("Alice Chen").groups);
      expect((await exchangeToken(tokens.idToken, cookie)).status).toBe(200);
      expect(await teamsOf("Alice Chen")).toEqual([`${VISION.slug}:manual`]);
    });

    it("a person in no mapped group signs in with no team", async () => {
      const { nonce, cookie } = await startSignIn();
      const tokens = await signInAtIdp(h, "Nadia Novak", nonce, ["openid", "profile", "email"]);
      expect((await exchangeToken(tokens.idToken, cookie)).status).toBe(200);
      expect(await teamsOf("Nadia Novak")).toEqual([]);
    });

    it("non-GUID values in the groups claim are ignored; the GUIDs still count", async () => {
      const { nonce, cookie } = await startSignIn();
      const claims = { ...idTokenClaims(h, h.user("Nadia Novak"), nonce), groups: ["vision", `${VISION.groupId}'--`, 7, VISION.groupId.toUpperCase()] };
      expect((await exchangeToken(await signIdToken(h, claims), cookie)).status).toBe(200);
      expect(await teamsOf("Nadia Novak")).toEqual([`${VISION.slug}:entra`]);
      const { nonce: n2, cookie: c2 } = await startSignIn();
      const junk = { ...idTokenClaims(h, h.user("Nadia Novak"), n2), groups: ["vision", "../admin"] };
      expect((await exchangeToken(await signIdToken(h, junk), c2)).status).toBe(200);
      expect(await teamsOf("Nadia Novak")).toEqual([]);
    });

    it("refuses a graphAccessToken that is not token-shaped, changing nothing", async () => {
      const { nonce, cookie } = await startSignIn();
      const res = await exchangeToken(await signIdToken(h, idTokenClaims(h, h.user("Nadia Novak"), nonce)), cookie, { graphAccessToken: "a b\nc" });
      expect(res.status).toBe(400);
    });
  });
}
