import { describe, expect, it } from "vitest";
import { decideRequest } from "@/lib/approvals/decide-request";
import { actingUser, submittedRequest, uniqueSuffix } from "@/testing/approval-fixtures";
import { testProviders, useTestDatabase } from "@/testing/test-database";
import { recordAuditEvent } from "@/lib/audit/record-audit-event";
import { seedDemoData } from "@/prisma/seed";
import { seedFleet } from "@/testing/seed-builds";
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

    it("a team hears why its feed was flagged: a revoke names the upstream, the feed watcher says what it found", async () => {
      await seedDemoData(t.db);
      const alice = await actingUser(t.db, "Alice Chen");
      const teamId = alice.teamIds[0];
      if (!teamId) throw new Error("seed");
      await markNotificationsSeen(t.db, alice);
      await new Promise((r) => setTimeout(r, 5));
      const flag = (after: object, targetId: string) => recordAuditEvent(t.db, { actorOid: "system:test", action: "feed.flagged", targetType: "feed", targetId, before: { status: "READY" }, after, correlationId: "c", teamId });
      await flag({ status: "DEGRADED", upstream: "pypi-internal", reason: "moved" }, "feed-a");
      await flag({ status: "DEGRADED", detail: "vision-feed does not answer: https://nexus.example/repository/x/simple/ did not answer (ECONNREFUSED)." }, "feed-b");
      await flag({ status: "DEGRADED", drift: ["Proxy vision-pypi is missing on Nexus."] }, "feed-c");
      const details = (await listNotifications(t.db, alice)).items.filter((i) => i.kind === "feed-flagged").map((i) => i.detail);
      expect(details).toEqual(
        expect.arrayContaining([
          "pypi-internal was revoked; its proxy is being switched offline.",
          expect.stringContaining("does not answer"),
          "Its configuration on Nexus drifted: Proxy vision-pypi is missing on Nexus. An Admin can repair it.",
        ]),
      );
      expect(details).toHaveLength(3);
    });

    it("an automation's app-only token can mark seen without a person row (no error, nothing written)", async () => {
      await seedDemoData(t.db);
      const app = { id: "app:automation", oid: "sp-automation", name: "App automation", email: "", roles: ["Feedgate.Requester" as const], teamIds: [] };
      const before = await t.db.user.findMany({ select: { id: true, notificationsSeenAt: true }, orderBy: { id: "asc" } });
      await expect(markNotificationsSeen(t.db, app)).resolves.toMatchObject({ seenAt: expect.any(Date) });
      expect(await t.db.user.findMany({ select: { id: true, notificationsSeenAt: true }, orderBy: { id: "asc" } })).toEqual(before);
    });

    it("the badge counts the team's builds finished after the seen marker, and only those", async () => {
      await seedDemoData(t.db);
      const alice = await actingUser(t.db, "Alice Chen");
      const teamId = alice.teamIds[0];
      const other = await t.db.team.findFirstOrThrow({ where: { id: { notIn: alice.teamIds } } });
      if (!teamId) throw new Error("seed");
      const fleet = await seedFleet(t.db, { count: 0, teamIds: [teamId, other.id], workspacesPerTeam: 1, environmentsPerWorkspace: 1, prefix: `badge-${uniqueSuffix()}` });
      const { seenAt } = await markNotificationsSeen(t.db, alice);
      const baseline = await countNotifications(t.db, alice);
      const at = (ms: number) => new Date(seenAt.getTime() + ms);
      const build = (team: string, status: "SUCCEEDED" | "FAILED" | "CANCELLED" | "RUNNING", finishedAt: Date | null) => {
        const env = fleet.environments.find((e) => e.teamId === team);
        if (!env) throw new Error("no environment");
        return { environmentId: env.id, teamId: team, workspaceId: env.workspaceId, environmentName: env.name, status, queuedAt: at(-3_600_000), finishedAt };
      };
      await t.db.environmentBuild.createMany({
        data: [
          build(teamId, "SUCCEEDED", at(-60_000)), // before the marker: seen
          build(teamId, "FAILED", at(-1)),
          build(teamId, "SUCCEEDED", at(1_000)), // after: new
          build(teamId, "FAILED", at(2_000)),
          build(teamId, "CANCELLED", at(3_000)), // not a finished outcome
          build(teamId, "RUNNING", null),
          build(other.id, "SUCCEEDED", at(4_000)), // another team's
        ],
      });
      expect(await countNotifications(t.db, alice)).toBe(baseline + 2);
      const unread = (await listNotifications(t.db, alice)).items.filter((i) => i.kind === "build-finished" && i.isUnread);
      expect(unread).toHaveLength(2);
      await t.db.user.update({ where: { id: alice.id }, data: { notificationsSeenAt: at(1_500) } });
      expect(await countNotifications(t.db, alice)).toBe(baseline + 1);
      await t.db.user.update({ where: { id: alice.id }, data: { notificationsSeenAt: at(10_000) } });
      expect(await countNotifications(t.db, alice)).toBe(baseline);
    });
  });
}
