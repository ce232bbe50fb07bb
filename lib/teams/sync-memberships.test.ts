import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { testProviders, useTestDatabase } from "@/testing/test-database";
import { groupIdsFromClaim } from "@/lib/auth/graph-groups";
import { syncEntraMemberships } from "./sync-memberships";

const G1 = "11111111-aaaa-4bbb-8ccc-000000000001";
const G2 = "22222222-aaaa-4bbb-8ccc-000000000002";

describe("groupIdsFromClaim", () => {
  it("keeps GUID strings only, lower-cased and deduplicated", () => {
    expect(groupIdsFromClaim([G1, G1.toUpperCase(), "admins", 42, null, `${G2}; drop`, G2])).toEqual([G1, G2]);
    expect(groupIdsFromClaim("not-an-array")).toEqual([]);
    expect(groupIdsFromClaim(undefined)).toEqual([]);
  });
});

for (const provider of testProviders()) {
  describe(`syncEntraMemberships (${provider})`, () => {
    const t = useTestDatabase(provider);

    // Each test has its own groups (the database is shared by the tests of one provider).
    async function world() {
      const tag = randomUUID().slice(0, 8);
      const [g1, g2, g3] = [randomUUID(), randomUUID(), randomUUID()];
      const mk = (s: string) => t.db.team.create({ data: { slug: `${s}-${tag}`, name: `${s} ${tag}` } });
      const [a, b, c] = [await mk("a"), await mk("b"), await mk("c")];
      await t.db.teamGroup.createMany({ data: [{ teamId: a.id, groupId: g1 }, { teamId: b.id, groupId: g2 }, { teamId: c.id, groupId: g3 }] });
      const user = await t.db.user.create({ data: { entraOid: `oid-${tag}`, name: `P ${tag}`, email: `${tag}@contoso.example` } });
      return { G1: g1, G2: g2, G3: g3, a, b, c, who: { id: user.id, oid: user.entraOid, name: user.name } };
    }
    const memberships = (userId: string) =>
      t.db.teamMembership.findMany({ where: { userId }, select: { teamId: true, source: true }, orderBy: { teamId: "asc" } });

    it("adds the mapped teams as entra, removes unmatched entra ones, and never touches manual rows", async () => {
      const w = await world();
      // Only teams mapped to *some* group take part; a team mapped to nothing is ignored.
      await t.db.teamMembership.create({ data: { teamId: w.c.id, userId: w.who.id, source: "manual" } });
      const first = await syncEntraMemberships(t.db, w.who, [w.G1, w.G2], "c1");
      expect(first.changed).toBe(true);
      expect(await memberships(w.who.id)).toEqual(
        [{ teamId: w.a.id, source: "entra" }, { teamId: w.b.id, source: "entra" }, { teamId: w.c.id, source: "manual" }].sort((x, y) => x.teamId.localeCompare(y.teamId)),
      );
      const audit = await t.db.auditEvent.findFirstOrThrow({ where: { action: "team.memberships_synced", targetId: w.who.id, correlationId: "c1" } });
      expect(audit.before).toEqual({ teamIds: [] });
      expect(audit.after).toEqual({ teamIds: [w.a.id, w.b.id].sort() });

      // Left group 1, joined group 3 (a team they already hold manually): a removed, c stays manual.
      await syncEntraMemberships(t.db, w.who, [w.G2, w.G3], "c2");
      expect(await memberships(w.who.id)).toEqual(
        [{ teamId: w.b.id, source: "entra" }, { teamId: w.c.id, source: "manual" }].sort((x, y) => x.teamId.localeCompare(y.teamId)),
      );
      const second = await t.db.auditEvent.findFirstOrThrow({ where: { action: "team.memberships_synced", correlationId: "c2" } });
      expect(second.before).toEqual({ teamIds: [w.a.id, w.b.id].sort() });
      expect(second.after).toEqual({ teamIds: [w.b.id] });
    });

    it("an unchanged sign-in changes nothing and writes no audit event", async () => {
      const w = await world();
      await syncEntraMemberships(t.db, w.who, [w.G1], "u1");
      const again = await syncEntraMemberships(t.db, w.who, [w.G1], "u2");
      expect(again).toEqual({ changed: false, before: [w.a.id], after: [w.a.id] });
      expect(await t.db.auditEvent.count({ where: { action: "team.memberships_synced", correlationId: "u2" } })).toBe(0);
    });

    it("a user in no mapped group ends with no entra teams, keeping their manual ones", async () => {
      const w = await world();
      await t.db.teamMembership.create({ data: { teamId: w.c.id, userId: w.who.id, source: "manual" } });
      await syncEntraMemberships(t.db, w.who, [w.G1, w.G2], "n1");
      await syncEntraMemberships(t.db, w.who, ["44444444-aaaa-4bbb-8ccc-000000000004", "not-a-guid"], "n2");
      expect(await memberships(w.who.id)).toEqual([{ teamId: w.c.id, source: "manual" }]);
    });
  });
}
