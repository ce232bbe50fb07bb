import { describe, expect, it } from "vitest";
import { testProviders, useTestDatabase } from "@/testing/test-database";
import { DEMO_TEAMS, DEMO_UPSTREAMS, DEMO_USERS } from "./demo-data";
import { seedDemoData } from "./seed";

for (const provider of testProviders()) {
  describe(`demo seed on ${provider}`, () => {
    const t = useTestDatabase(provider);

    it("creates the demo world once and changes nothing when run again", async () => {
      await seedDemoData(t.db, { nexusBaseUrl: "https://127.0.0.1:9443" });
      const snapshot = async () => ({
        teams: await t.db.team.findMany({ orderBy: { slug: "asc" } }),
        users: await t.db.user.findMany({ orderBy: { email: "asc" } }),
        memberships: await t.db.teamMembership.count(),
        teamGroups: await t.db.teamGroup.findMany({ select: { groupId: true, team: { select: { slug: true } } }, orderBy: { groupId: "asc" } }),
        upstreams: await t.db.upstreamSource.findMany({ orderBy: { name: "asc" } }),
        hosts: await t.db.feedHost.findMany(),
      });
      const first = await snapshot();
      expect(first.users.map((u) => u.entraOid).sort()).toEqual(DEMO_USERS.map((u) => u.oid).sort());
      expect(first.upstreams.map((u) => [u.name, u.status])).toEqual(
        [...DEMO_UPSTREAMS].sort((a, b) => a.name.localeCompare(b.name)).map((u) => [u.name, "approved"]),
      );
      expect(first.hosts).toHaveLength(1);
      expect(first.hosts[0]?.baseUrl).toBe("https://127.0.0.1:9443");
      expect(first.memberships).toBe(DEMO_USERS.reduce((n, u) => n + u.teams.length, 0));
      // Each demo team is mapped to its Entra group, so sign-in derives membership from groups.
      expect(first.teamGroups.map((g) => [g.team.slug, g.groupId])).toEqual(DEMO_TEAMS.map((t) => [t.slug, t.groupId]).sort((a, b) => a[1]!.localeCompare(b[1]!)));

      await seedDemoData(t.db, { nexusBaseUrl: "https://127.0.0.1:9443" });
      expect(await snapshot()).toEqual(first);
    });

    it("follows the sandbox Nexus to a new port without duplicating the host", async () => {
      await seedDemoData(t.db, { nexusBaseUrl: "https://127.0.0.1:9555" });
      const hosts = await t.db.feedHost.findMany();
      expect(hosts.map((h) => h.baseUrl)).toEqual(["https://127.0.0.1:9555"]);
    });

    it("keeps the credential out of the database: only a reference is stored", async () => {
      const host = await t.db.feedHost.findFirstOrThrow();
      expect(host.credentialRef).toMatch(/^(env|file|keyvault):/);
    });
  });
}
