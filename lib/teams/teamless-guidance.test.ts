import { describe, expect, it } from "vitest";
import type { ActingUser } from "@/lib/auth/acting-user";
import { seedDemoData } from "@/prisma/seed";
import { actingUser, uniqueSuffix } from "@/testing/approval-fixtures";
import { testProviders, useTestDatabase } from "@/testing/test-database";
import { getTeamlessGuidance } from "./teamless-guidance";

for (const provider of testProviders()) {
  describe(`a person in no team (${provider})`, () => {
    const t = useTestDatabase(provider);

    it("is told who the Admins are and which id to give them; members, Approvers and Admins are not", async () => {
      await seedDemoData(t.db);
      const suffix = uniqueSuffix();
      // Admins are whoever last signed in with the Admin role; a role lost at a later sign-in no longer counts.
      await t.db.user.create({ data: { entraOid: `oid-admin-${suffix}`, name: "Erin Admin", email: `erin-${suffix}@contoso.example`, lastRoles: ["Feedgate.Admin"], lastSignInAt: new Date() } });
      await t.db.user.create({ data: { entraOid: `oid-former-${suffix}`, name: "Frank Former", email: `frank-${suffix}@contoso.example`, lastRoles: ["Feedgate.Requester"], lastSignInAt: new Date() } });
      const row = await t.db.user.create({ data: { entraOid: `oid-new-${suffix}`, name: "Nadia New", email: `nadia-${suffix}@contoso.example`, lastRoles: ["Feedgate.Requester"], lastSignInAt: new Date() } });
      const newcomer: ActingUser = { id: row.id, oid: row.entraOid, name: row.name, email: row.email, roles: ["Feedgate.Requester"], teamIds: [] };

      const guidance = await getTeamlessGuidance(t.db, newcomer);
      expect(guidance).toMatchObject({ oid: `oid-new-${suffix}`, email: row.email });
      expect(guidance?.admins).toContainEqual({ name: "Erin Admin", email: `erin-${suffix}@contoso.example` });
      expect(guidance?.admins.map((a) => a.name)).not.toContain("Frank Former");

      expect(await getTeamlessGuidance(t.db, await actingUser(t.db, "Alice Chen"))).toBeNull();
      expect(await getTeamlessGuidance(t.db, { ...newcomer, roles: ["Feedgate.Approver"] })).toBeNull();
      expect(await getTeamlessGuidance(t.db, { ...newcomer, roles: ["Feedgate.Admin"] })).toBeNull();
    });
  });
}
