import { describe, expect, it } from "vitest";
import { decideRequest } from "@/lib/approvals/decide-request";
import { actingUser, submittedRequest, uniqueSuffix } from "@/lib/approvals/test-fixtures/approval-fixtures";
import { testProviders, useTestDatabase } from "@/lib/testing/test-database";
import { seedDemoData } from "@/prisma/seed";
import { countNotifications, listNotifications, markNotificationsSeen } from "./list-notifications";

for (const provider of testProviders()) {
  describe(`notifications (${provider})`, () => {
    const t = useTestDatabase(provider);

    it("Approvers see what awaits a decision until it is decided; Requesters see their request change and can clear it", async () => {
      await seedDemoData(t.db);
      const [alice, bilal, carmen] = await Promise.all(["Alice Chen", "Bilal Okafor", "Carmen Diaz"].map((n) => actingUser(t.db, n)));
      if (!alice || !bilal || !carmen) throw new Error("seed");
      const baseline = await countNotifications(t.db, carmen);
      const name = `wheels-${uniqueSuffix()}`;
      const request = await submittedRequest(t.db, { submittedBy: alice, proposals: [{ name, url: `https://${name}.contoso.example/simple/` }] });

      expect(await countNotifications(t.db, carmen)).toBe(baseline + 2);
      const forCarmen = await listNotifications(t.db, carmen);
      expect(forCarmen.items.map((i) => i.title)).toEqual(expect.arrayContaining([`Upstream ${name} awaits a decision`, `Request “${request.title}” awaits a decision`]));
      // Seen does not clear what still needs a decision.
      await markNotificationsSeen(t.db, carmen);
      expect(await countNotifications(t.db, carmen)).toBe(baseline + 2);

      await markNotificationsSeen(t.db, alice);
      expect(await countNotifications(t.db, alice)).toBe(0);
      await new Promise((r) => setTimeout(r, 5));
      await decideRequest(t.db, carmen, { requestId: request.id, decision: "decline", reason: "Use the shared feed" }, "c");
      expect(await countNotifications(t.db, carmen)).toBe(baseline + 1);
      expect(await countNotifications(t.db, alice)).toBe(1);
      const forAlice = await listNotifications(t.db, alice);
      expect(forAlice.items[0]).toMatchObject({ kind: "request-changed", isUnread: true, href: `/requests/${request.id}` });
      expect(forAlice.items[0]?.title).toContain("declined");
      // Another team's requester hears nothing about it.
      expect((await listNotifications(t.db, bilal)).items.some((i) => i.id.includes(request.id))).toBe(false);

      await markNotificationsSeen(t.db, alice);
      expect(await countNotifications(t.db, alice)).toBe(0);
      expect((await listNotifications(t.db, alice)).items[0]).toMatchObject({ isUnread: false });
    });
  });
}
