import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { PrismaClient } from "@/generated/prisma/client";
import { PrismaClient as PostgresPrismaClient } from "@/generated/prisma-postgresql/client";
import { createAdapterFactory, providerOf } from "@/lib/db/adapter";
import { env } from "@/lib/env";
import { testProviders, useTestDatabase } from "@/testing/test-database";
import { LAST_SEEN_RESOLUTION_MS, loadActingUser } from "./acting-user";
import type { Role } from "./roles";
import type { SessionPayload } from "./session-cookie";

/** A client on the same database that counts the SQL statements it sends. */
function countingClient(url: string): { db: PrismaClient; statements: string[] } {
  const statements: string[] = [];
  const adapter = createAdapterFactory(url);
  const options = { adapter, log: [{ emit: "event" as const, level: "query" as const }] };
  const db = providerOf(url) === "postgresql" ? (new PostgresPrismaClient(options) as unknown as PrismaClient) : new PrismaClient(options);
  (db as unknown as { $on(event: "query", cb: (e: { query: string }) => void): void }).$on("query", (e) => statements.push(e.query));
  return { db, statements };
}

for (const provider of testProviders()) {
  describe(`loadActingUser resolves a cookie through its Session row (${provider})`, () => {
    const t = useTestDatabase(provider);
    let teamIds: string[] = [];

    beforeAll(async () => {
      const teams = await Promise.all(["a", "b"].map((k) => t.db.team.create({ data: { slug: `team-${k}-${randomUUID().slice(0, 8)}`, name: k } })));
      teamIds = teams.map((x) => x.id).sort();
    });

    /** A user holding `lastRoles`, in both teams, with one session granted `granted`. */
    async function signedIn(granted: Role[], lastRoles: Role[] = granted, session: { expiresAt?: Date; revokedAt?: Date; lastSeenAt?: Date } = {}) {
      const suffix = randomUUID().slice(0, 8);
      const user = await t.db.user.create({ data: { entraOid: `oid-${suffix}`, name: `User ${suffix}`, email: `${suffix}@contoso.example`, lastRoles } });
      for (const teamId of teamIds) await t.db.teamMembership.create({ data: { teamId, userId: user.id } });
      const row = await t.db.session.create({
        data: { userId: user.id, roles: granted, expiresAt: session.expiresAt ?? new Date(Date.now() + 3_600_000), revokedAt: session.revokedAt, lastSeenAt: session.lastSeenAt },
      });
      const payload: SessionPayload = { sid: row.id, uid: user.id, oid: user.entraOid, name: user.name, email: user.email, authTime: Math.floor(Date.now() / 1000) };
      return { user, row, payload };
    }

    it("a live session is its user, with the roles both granted and still held, and every team", async () => {
      const { user, payload } = await signedIn(["Feedgate.Approver", "Feedgate.Admin"], ["Feedgate.Admin", "Feedgate.Requester"]);
      const acting = await loadActingUser(t.db, payload);
      expect(acting).toEqual({ id: user.id, oid: user.entraOid, name: user.name, email: user.email, roles: ["Feedgate.Admin"], teamIds });
      expect([...(acting?.teamIds ?? [])].sort()).toEqual(teamIds);
    });

    it("is nobody for a missing, revoked or expired row, a row of another user, or a session left without a role", async () => {
      const live = await signedIn(["Feedgate.Requester"]);
      expect(await loadActingUser(t.db, live.payload)).not.toBeNull();
      expect(await loadActingUser(t.db, { ...live.payload, sid: "no-such-session" })).toBeNull();
      const other = await signedIn(["Feedgate.Admin"]);
      // A cookie naming someone else's session (or someone else with this one) is refused.
      expect(await loadActingUser(t.db, { ...live.payload, sid: other.row.id })).toBeNull();
      expect(await loadActingUser(t.db, { ...live.payload, oid: other.user.entraOid })).toBeNull();
      const revoked = await signedIn(["Feedgate.Requester"], undefined, { revokedAt: new Date() });
      expect(await loadActingUser(t.db, revoked.payload)).toBeNull();
      const expired = await signedIn(["Feedgate.Requester"], undefined, { expiresAt: new Date(Date.now() - 1000) });
      expect(await loadActingUser(t.db, expired.payload)).toBeNull();
      const demoted = await signedIn(["Feedgate.Approver"], ["Feedgate.Requester"]);
      expect(await loadActingUser(t.db, demoted.payload)).toBeNull();
      const neverSaw = await signedIn(["Feedgate.Approver"], []);
      expect(await loadActingUser(t.db, neverSaw.payload)).toBeNull();
    });

    it("expires at expiresAt even while the row is otherwise untouched", async () => {
      const expiresAt = new Date(Date.now() + 10 * 60_000);
      const s = await signedIn(["Feedgate.Requester"], undefined, { expiresAt });
      expect(await loadActingUser(t.db, s.payload, new Date(expiresAt.getTime() - 1))).not.toBeNull();
      expect(await loadActingUser(t.db, s.payload, expiresAt)).toBeNull();
    });

    it("idles out on the server: a session unused for longer than SESSION_IDLE_MINUTES names no one", async () => {
      const start = new Date();
      const s = await signedIn(["Feedgate.Requester"], undefined, { lastSeenAt: start });
      const idle = env.SESSION_IDLE_MINUTES * 60_000 + LAST_SEEN_RESOLUTION_MS;
      expect(await loadActingUser(t.db, s.payload, new Date(start.getTime() + idle))).not.toBeNull();
      // That request refreshed lastSeenAt, so the session is good for another idle period from there.
      const refreshed = (await t.db.session.findUniqueOrThrow({ where: { id: s.row.id } })).lastSeenAt;
      expect(refreshed.getTime()).toBe(start.getTime() + idle);
      expect(await loadActingUser(t.db, s.payload, new Date(refreshed.getTime() + idle + 1))).toBeNull();
    });

    it("costs one query per request, and writes lastSeenAt at most once a minute", async () => {
      const start = new Date();
      const s = await signedIn(["Feedgate.Requester"], undefined, { lastSeenAt: start });
      const { db, statements } = countingClient(t.url);
      try {
        await db.$connect();
        statements.length = 0;
        for (const offset of [0, 1_000, 30_000, LAST_SEEN_RESOLUTION_MS - 1]) {
          expect(await loadActingUser(db, s.payload, new Date(start.getTime() + offset))).not.toBeNull();
        }
        expect(statements).toHaveLength(4);
        expect(statements.every((q) => /SELECT/i.test(q) && /JOIN/i.test(q))).toBe(true);
        expect((await t.db.session.findUniqueOrThrow({ where: { id: s.row.id } })).lastSeenAt).toEqual(start);

        const later = new Date(start.getTime() + LAST_SEEN_RESOLUTION_MS);
        statements.length = 0;
        expect(await loadActingUser(db, s.payload, later)).not.toBeNull();
        expect(statements.filter((q) => /UPDATE/i.test(q))).toHaveLength(1);
        expect((await t.db.session.findUniqueOrThrow({ where: { id: s.row.id } })).lastSeenAt).toEqual(later);
        // Two requests in the same minute after that: reads only.
        statements.length = 0;
        await loadActingUser(db, s.payload, new Date(later.getTime() + 5_000));
        await loadActingUser(db, s.payload, new Date(later.getTime() + 10_000));
        expect(statements.filter((q) => /UPDATE/i.test(q))).toHaveLength(0);
      } finally {
        await db.$disconnect();
      }
    });
  });
}
