import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { ActingUser } from "@/lib/auth/acting-user";
import { loadActingUser } from "@/lib/auth/acting-user";
import type { Role } from "@/lib/auth/roles";
import { isAppError } from "@/lib/errors";
import { testProviders, useTestDatabase } from "@/testing/test-database";
import { completeSignIn } from "./complete-sign-in";
import { endAllSessions, endSession } from "./end-session";
import { listUserSessions } from "./list-user-sessions";

const meta = { correlationId: "test-correlation-id", ip: "203.0.113.10" };

for (const provider of testProviders()) {
  describe(`sessions as rows (${provider})`, () => {
    const t = useTestDatabase(provider);

    async function signIn(roles: Role[], oid = `oid-${randomUUID().slice(0, 8)}`) {
      const { session } = await completeSignIn(t.db, { oid, tenantId: undefined, name: `Person ${oid}`, email: `${oid}@contoso.example`, roles, groups: undefined }, meta);
      return session;
    }
    async function actingAs(roles: Role[]): Promise<ActingUser> {
      const acting = await loadActingUser(t.db, await signIn(roles));
      if (!acting) throw new Error("sign-in did not resolve");
      return acting;
    }

    it("a sign-in creates the Session row the cookie names, granted the token's roles, ending SESSION_MAX_HOURS after sign-in", async () => {
      const session = await signIn(["Feedgate.Approver"]);
      const row = await t.db.session.findUniqueOrThrow({ where: { id: session.sid } });
      expect(row).toMatchObject({ userId: session.uid, roles: ["Feedgate.Approver"], revokedAt: null, revokedBy: null });
      expect(row.expiresAt.getTime()).toBe((session.authTime + 12 * 3600) * 1000);
      const audit = await t.db.auditEvent.findFirstOrThrow({ where: { action: "auth.sign_in", targetId: session.uid } });
      expect(audit.after).toMatchObject({ sessionId: session.sid, ip: "203.0.113.10" });
    });

    it("signing out ends that session only, once", async () => {
      const oid = `oid-${randomUUID().slice(0, 8)}`;
      const [a, b] = [await signIn(["Feedgate.Requester"], oid), await signIn(["Feedgate.Requester"], oid)];
      expect(await endSession(t.db, a, meta)).toBe(true);
      expect(await endSession(t.db, a, meta)).toBe(false);
      expect(await loadActingUser(t.db, a)).toBeNull();
      expect(await loadActingUser(t.db, b)).not.toBeNull();
      // A cookie pointing at another person's session cannot end it.
      const c = await signIn(["Feedgate.Requester"]);
      expect(await endSession(t.db, { ...a, sid: c.sid }, meta)).toBe(false);
      expect(await loadActingUser(t.db, c)).not.toBeNull();
    });

    it("sign out everywhere: anyone for themselves, only an Admin for others; expired sessions are not counted as live", async () => {
      const oid = `oid-${randomUUID().slice(0, 8)}`;
      const sessions = [await signIn(["Feedgate.Requester"], oid), await signIn(["Feedgate.Requester"], oid)];
      const self = await loadActingUser(t.db, sessions[0]!);
      if (!self) throw new Error("no user");
      await t.db.session.create({ data: { userId: self.id, roles: ["Feedgate.Requester"], expiresAt: new Date(Date.now() - 1000) } });

      const approver = await actingAs(["Feedgate.Approver"]);
      const refused = await endAllSessions(t.db, approver, self.id, meta).catch((e: unknown) => e);
      expect(isAppError(refused) && refused.status).toBe(403);
      expect(await t.db.session.count({ where: { userId: self.id, revokedAt: null } })).toBe(3);

      expect(await endAllSessions(t.db, self, self.id, meta)).toEqual({ userId: self.id, revoked: 2, liveSessions: 0 });
      for (const s of sessions) expect(await loadActingUser(t.db, s)).toBeNull();
      const rows = await t.db.session.findMany({ where: { userId: self.id, revokedAt: { not: null } } });
      expect(rows.map((r) => r.revokedBy)).toEqual(["self", "self"]);

      const admin = await actingAs(["Feedgate.Admin"]);
      const again = await signIn(["Feedgate.Requester"], oid);
      expect(await endAllSessions(t.db, admin, self.id, meta)).toEqual({ userId: self.id, revoked: 1, liveSessions: 0 });
      expect((await t.db.session.findUniqueOrThrow({ where: { id: again.sid } })).revokedBy).toBe(admin.oid);
      const missing = await endAllSessions(t.db, admin, "no-such-user", meta).catch((e: unknown) => e);
      expect(isAppError(missing) && missing.status).toBe(404);
    });

    it("lists live sessions per user for Admins only", async () => {
      const oid = `oid-${randomUUID().slice(0, 8)}`;
      const s = await signIn(["Feedgate.Requester"], oid);
      await signIn(["Feedgate.Requester"], oid);
      await endSession(t.db, s, meta);
      const requester = await actingAs(["Feedgate.Requester"]);
      const refused = await listUserSessions(t.db, requester).catch((e: unknown) => e);
      expect(isAppError(refused) && refused.status).toBe(403);
      const admin = await actingAs(["Feedgate.Admin"]);
      const rows = await listUserSessions(t.db, admin);
      expect(rows.find((r) => r.userId === s.uid)).toMatchObject({ liveSessions: 1, name: `Person ${oid}` });
      expect(rows.find((r) => r.userId === s.uid)?.lastSeenAt).toBeInstanceOf(Date);
    });
  });
}
