import { beforeAll, describe, expect, it } from "vitest";
import type { ActingUser } from "@/lib/auth/acting-user";
import { buildFiltersSchema, parseBuildFilters, toSearchParams } from "@/lib/builds/build-filters";
import { listBuilds } from "@/lib/builds/list-builds";
import { seedDemoData } from "@/prisma/seed";
import { uniqueSuffix } from "@/testing/approval-fixtures";
import { testProviders, useTestDatabase } from "@/testing/test-database";
import { getEnvironmentHealth, listStaleEnvironments, readStaleness } from "./environment-health";
import type { StaleReason } from "./stale-reasons";

type Status = "QUEUED" | "RUNNING" | "SUCCEEDED" | "FAILED" | "CANCELLED";
const T0 = new Date("2026-11-20T08:00:00.000Z").getTime();
const banned: StaleReason = { kind: "banned", subject: "tinyml", detail: "tinyml was banned by an admin." };
const baseImage: StaleReason = { kind: "base-image", subject: "mcr.microsoft.com/azureml/base:latest", detail: "The base image has a newer digest." };

describe("stale filter parameter", () => {
  it("reads 1, true and a checked box as on, blank as off, and refuses anything else", () => {
    expect(parseBuildFilters({ stale: "1" }).data?.stale).toBe(true);
    expect(parseBuildFilters({ stale: "on" }).data?.stale).toBe(true);
    expect(parseBuildFilters({ stale: "" }).data?.stale).toBeUndefined();
    expect(parseBuildFilters({}).data?.stale).toBeUndefined();
    expect(parseBuildFilters({ stale: "maybe" }).success).toBe(false);
    expect(toSearchParams(buildFiltersSchema.parse({ stale: "true", status: "SUCCEEDED" })).toString()).toBe("status=SUCCEEDED&stale=1");
    expect(toSearchParams(buildFiltersSchema.parse({})).toString()).toBe("");
  });
});

for (const provider of testProviders()) {
  describe(`environment health and the stale filter (${provider})`, () => {
    const t = useTestDatabase(provider);
    let admin: ActingUser;
    let member: ActingUser;
    let teams: { vision: string; nlp: string };
    const ids: Record<string, { env: string; builds: string[] }> = {};

    async function version(teamId: string, name: string, builds: Status[], extra: { stale?: StaleReason[]; superseded?: boolean } = {}) {
      const workspace = await t.db.workspace.create({
        data: { teamId, armId: `/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws-${uniqueSuffix()}`, name: `ws-${name}`, subscriptionId: "s", resourceGroup: "rg", region: "eastus" },
      });
      const env = await t.db.environment.create({
        data: {
          teamId,
          workspaceId: workspace.id,
          name,
          version: "1",
          baseImage: baseImage.subject,
          packages: { pip: ["tinyml"], conda: [] },
          dockerfileHash: "x",
          ...(extra.stale ? { staleAt: new Date(T0), staleReasons: extra.stale } : {}),
          ...(extra.superseded ? { supersededAt: new Date(T0) } : {}),
        },
      });
      const created: string[] = [];
      for (const [i, status] of builds.entries()) {
        const b = await t.db.environmentBuild.create({ data: { environmentId: env.id, teamId, workspaceId: workspace.id, environmentName: name, status, attempt: i + 1, queuedAt: new Date(T0 + i * 60_000) } });
        created.push(b.id);
      }
      ids[name] = { env: env.id, builds: created };
    }

    beforeAll(async () => {
      await seedDemoData(t.db);
      const [vision, nlp] = await Promise.all([t.db.team.findUniqueOrThrow({ where: { slug: "vision" } }), t.db.team.findUniqueOrThrow({ where: { slug: "nlp" } })]);
      teams = { vision: vision.id, nlp: nlp.id };
      admin = { id: "a", oid: "a", name: "Admin", email: "", roles: ["Feedgate.Admin"], teamIds: [] };
      member = { id: "m", oid: "m", name: "Member", email: "", roles: ["Feedgate.Requester"], teamIds: [vision.id] };
      await version(vision.id, "fresh", ["SUCCEEDED"]);
      await version(vision.id, "retried", ["FAILED", "SUCCEEDED"]);
      await version(vision.id, "failing", ["FAILED", "FAILED"]);
      await version(vision.id, "retrying", ["FAILED", "QUEUED"]);
      await version(vision.id, "cancelled-after-failure", ["FAILED", "CANCELLED"]);
      await version(vision.id, "failed-after-cancel", ["CANCELLED", "FAILED"]);
      // Two successes cannot happen within a version today; the filter must still list only the newest.
      await version(vision.id, "stale-two", ["SUCCEEDED", "SUCCEEDED"], { stale: [banned, baseImage] });
      await version(vision.id, "superseded", ["SUCCEEDED"], { stale: [banned], superseded: true });
      await version(nlp.id, "nlp-stale", ["SUCCEEDED"], { stale: [banned] });
      await version(nlp.id, "nlp-fresh", ["SUCCEEDED"]);
    });

    it("counts each team's current versions as fresh, stale or failing, by their newest build", async () => {
      const health = await getEnvironmentHealth(t.db, admin);
      expect(health.find((h) => h.teamId === teams.vision)).toMatchObject({ fresh: 2, stale: 1, failing: 2 });
      expect(health.find((h) => h.teamId === teams.nlp)).toMatchObject({ fresh: 1, stale: 1, failing: 0 });
    });

    it("shows a member only their own teams", async () => {
      const health = await getEnvironmentHealth(t.db, member);
      expect(health.map((h) => h.teamId)).toEqual([teams.vision]);
      expect(await getEnvironmentHealth(t.db, { ...member, teamIds: [] })).toEqual([]);
    });

    it("groups the stale versions by reason, leaving superseded ones out", async () => {
      const overview = await listStaleEnvironments(t.db, admin);
      expect(overview.total).toBe(2);
      const bannedGroup = overview.groups.find((g) => g.kind === "banned" && g.subject === "tinyml");
      expect(bannedGroup?.environments.map((e) => e.name).sort()).toEqual(["nlp-stale", "stale-two"]);
      expect(overview.groups.find((g) => g.kind === "base-image")?.environments.map((e) => e.name)).toEqual(["stale-two"]);
      expect(bannedGroup?.environments.find((e) => e.name === "stale-two")?.buildId).toBe(ids["stale-two"]?.builds[1]);
      const mine = await listStaleEnvironments(t.db, member);
      expect(mine.total).toBe(1);
      expect(mine.groups.flatMap((g) => g.environments.map((e) => e.name))).toEqual(["stale-two", "stale-two"]);
    });

    it("reads a page's staleness by id: only stale, non-superseded versions", async () => {
      const all = Object.values(ids).map((v) => v.env);
      const staleness = await readStaleness(t.db, all);
      expect([...staleness.keys()].sort()).toEqual([ids["stale-two"]?.env, ids["nlp-stale"]?.env].sort());
      expect(staleness.get(ids["stale-two"]?.env ?? "")?.map((r) => r.kind)).toEqual(["banned", "base-image"]);
    });

    it("filters the builds to the newest succeeded build of each stale version the user may see", async () => {
      const page = await listBuilds(t.db, admin, buildFiltersSchema.parse({ stale: "1" }));
      expect(page.builds.map((b) => b.id).sort()).toEqual([ids["stale-two"]?.builds[1], ids["nlp-stale"]?.builds[0]].sort());
      const mine = await listBuilds(t.db, member, buildFiltersSchema.parse({ stale: "1" }));
      expect(mine.builds.map((b) => b.id)).toEqual([ids["stale-two"]?.builds[1]]);
      const nlpOnly = await listBuilds(t.db, admin, buildFiltersSchema.parse({ stale: "1", team: teams.nlp }));
      expect(nlpOnly.builds.map((b) => b.id)).toEqual([ids["nlp-stale"]?.builds[0]]);
      // Combined with another filter, both apply.
      const failed = await listBuilds(t.db, admin, buildFiltersSchema.parse({ stale: "1", status: "FAILED" }));
      expect(failed.builds).toEqual([]);
      // Paged like any other view.
      const first = await listBuilds(t.db, admin, buildFiltersSchema.parse({ stale: "1", limit: 1 }));
      expect(first.builds).toHaveLength(1);
      const second = await listBuilds(t.db, admin, buildFiltersSchema.parse({ stale: "1", limit: 1, cursor: first.nextCursor ?? undefined }));
      expect(second.builds).toHaveLength(1);
      expect(second.builds[0]?.id).not.toBe(first.builds[0]?.id);
      expect(second.nextCursor).toBeNull();
    });
  });
}
