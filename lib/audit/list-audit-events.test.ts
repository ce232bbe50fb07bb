import { beforeAll, describe, expect, it } from "vitest";
import type { ActingUser } from "@/lib/auth/acting-user";
import { ForbiddenError } from "@/lib/errors";
import { testProviders, useTestDatabase } from "@/testing/test-database";
import { AUDIT_PAGE_SIZE, listAuditEvents } from "./list-audit-events";
import { recordAuditEvent } from "./record-audit-event";

const admin: ActingUser = { id: "u-admin", oid: "oid-admin", name: "Dmitri Ivanov", email: "d@x", roles: ["Feedgate.Admin"], teamIds: [] };
const requester: ActingUser = { ...admin, id: "u-req", roles: ["Feedgate.Requester"] };

for (const provider of testProviders()) {
  describe(`audit trail listing (${provider})`, () => {
    const t = useTestDatabase(provider);

    beforeAll(async () => {
      for (let i = 0; i < AUDIT_PAGE_SIZE + 5; i++) {
        await recordAuditEvent(t.db, { actorOid: `oid-${i % 2}`, actorName: i % 2 ? "Alice Chen" : "Carmen Diaz", action: i % 3 ? "auth.sign_in" : "auth.sign_out", targetType: "user", correlationId: `c${i}` });
      }
      await t.db.auditEvent.create({
        data: { actorOid: "oid-old", actorName: "Old Timer", action: "auth.sign_in", targetType: "user", correlationId: "old", createdAt: new Date("2020-01-02T10:00:00Z") },
      });
    });

    it("is for Admins only", async () => {
      await expect(listAuditEvents(t.db, requester, {})).rejects.toBeInstanceOf(ForbiddenError);
    });

    it("pages newest first without gaps or repeats", async () => {
      const first = await listAuditEvents(t.db, admin, {});
      expect(first.events).toHaveLength(AUDIT_PAGE_SIZE);
      expect(first.nextBefore).toBeDefined();
      const second = await listAuditEvents(t.db, admin, { before: first.nextBefore });
      const ids = [...first.events, ...second.events].map((e) => e.id);
      expect(new Set(ids).size).toBe(AUDIT_PAGE_SIZE + 6);
      expect(ids).toEqual([...ids].sort((x, y) => y - x));
      expect(second.nextBefore).toBeUndefined();
    });

    it("filters by action, actor name or id, and date range", async () => {
      const outs = await listAuditEvents(t.db, admin, { action: "auth.sign_out" });
      expect(outs.events.length).toBeGreaterThan(0);
      expect(outs.events.every((e) => e.action === "auth.sign_out")).toBe(true);
      expect((await listAuditEvents(t.db, admin, { actor: "Alice" })).events.every((e) => e.actorName === "Alice Chen")).toBe(true);
      expect((await listAuditEvents(t.db, admin, { actor: "oid-0" })).events.every((e) => e.actorOid === "oid-0")).toBe(true);
      const day = await listAuditEvents(t.db, admin, { from: "2020-01-02", to: "2020-01-02" });
      expect(day.events.map((e) => e.actorName)).toEqual(["Old Timer"]);
    });
  });
}
