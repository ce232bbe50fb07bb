import { beforeAll, describe, expect, it } from "vitest";
import type { ActingUser } from "@/lib/auth/acting-user";
import { seedDemoData } from "@/prisma/seed";
import { testProviders, useTestDatabase } from "@/testing/test-database";
import { buildFiltersSchema, type BuildFilters } from "./build-filters";
import { getBuildStats, getBuildTrend, percentile } from "./build-stats";
import { encodeCursor } from "./build-filters";
import { decodeCursor, listBuilds } from "./list-builds";
import { loadBuildDashboard } from "./load-build-dashboard";
import { seedFleet } from "@/testing/seed-builds";

const NOW = new Date("2026-11-27T12:00:00.000Z");
const DAY = 86_400_000;

for (const provider of testProviders()) {
  describe(`listBuilds and stats (${provider})`, () => {
    const t = useTestDatabase(provider);
    let admin: ActingUser;
    let member: ActingUser;
    let teams: { vision: string; nlp: string };
    let workspaceId = "";

    beforeAll(async () => {
      await seedDemoData(t.db);
      const [vision, nlp] = await Promise.all([t.db.team.findUniqueOrThrow({ where: { slug: "vision" } }), t.db.team.findUniqueOrThrow({ where: { slug: "nlp" } })]);
      teams = { vision: vision.id, nlp: nlp.id };
      const fleet = await seedFleet(t.db, { count: 600, teamIds: [vision.id, nlp.id], workspacesPerTeam: 2, environmentsPerWorkspace: 5, days: 20, now: NOW });
      workspaceId = fleet.workspaces[1]?.id ?? "";
      admin = { id: "a", oid: "a", name: "Admin", email: "", roles: ["Feedgate.Admin"], teamIds: [] };
      member = { id: "m", oid: "m", name: "Member", email: "", roles: ["Feedgate.Requester"], teamIds: [vision.id] };
    });

    async function all(actor: ActingUser, filters: Partial<BuildFilters>) {
      const out: string[] = [];
      let cursor: string | undefined;
      for (;;) {
        const page = await listBuilds(t.db, actor, buildFiltersSchema.parse({ ...filters, cursor, limit: 200 }));
        out.push(...page.builds.map((b) => b.id));
        if (!page.nextCursor) return out;
        cursor = page.nextCursor;
      }
    }

    async function oracle(where: (b: { teamId: string; workspaceId: string; status: string; failureClass: string | null; environmentName: string; queuedAt: Date }) => boolean) {
      const rows = await t.db.environmentBuild.findMany({ orderBy: [{ queuedAt: "desc" }, { id: "desc" }] });
      return rows.filter(where).map((r) => r.id);
    }

    it("applies each filter, and the team scope before any of them", async () => {
      const from = new Date(NOW.getTime() - 5 * DAY).toISOString().slice(0, 10);
      const to = new Date(NOW.getTime() - 2 * DAY).toISOString().slice(0, 10);
      const cases: [Partial<BuildFilters>, Parameters<typeof oracle>[0]][] = [
        [{ status: "FAILED" }, (b) => b.status === "FAILED"],
        [{ failureClass: "FEED_AUTH" }, (b) => b.failureClass === "FEED_AUTH"],
        [{ team: teams.nlp }, (b) => b.teamId === teams.nlp],
        [{ workspace: workspaceId }, (b) => b.workspaceId === workspaceId],
        [{ q: "pytorch" }, (b) => b.environmentName.includes("pytorch")],
        [{ from, to }, (b) => b.queuedAt >= new Date(`${from}T00:00:00Z`) && b.queuedAt < new Date(Date.parse(`${to}T00:00:00Z`) + DAY)],
        [{ status: "SUCCEEDED", team: teams.vision, q: "vision" }, (b) => b.status === "SUCCEEDED" && b.teamId === teams.vision && b.environmentName.includes("vision")],
      ];
      for (const [filters, predicate] of cases) {
        const expected = await oracle(predicate);
        expect(expected.length, JSON.stringify(filters)).toBeGreaterThan(0);
        expect(await all(admin, filters), JSON.stringify(filters)).toEqual(expected);
        expect(await all(member, filters)).toEqual(await oracle((b) => b.teamId === teams.vision && predicate(b)));
      }
      expect(await all(member, { team: teams.nlp })).toEqual([]);
    });

    it("refuses a tampered cursor and a user without a builds role", async () => {
      expect(decodeCursor(encodeCursor({ queuedAt: NOW, id: "abc" }))).toEqual({ queuedAt: NOW, id: "abc" });
      // The filter schema refuses it (a 400 naming cursor); listBuilds refuses it too if handed one anyway.
      expect(buildFiltersSchema.safeParse({ cursor: "!!!" }).success).toBe(false);
      await expect(listBuilds(t.db, admin, { ...buildFiltersSchema.parse({}), cursor: "!!!" })).rejects.toMatchObject({ code: "invalid_input" });
      await expect(listBuilds(t.db, { ...member, roles: ["Feedgate.Approver"] }, buildFiltersSchema.parse({}))).rejects.toMatchObject({ code: "forbidden" });
    });

    it("computes the summary cards and trend as a JavaScript oracle would", async () => {
      for (const actor of [admin, member]) {
        const rows = (await t.db.environmentBuild.findMany()).filter((b) => actor === admin || b.teamId === teams.vision);
        const stats = await getBuildStats(t.db, actor, {}, NOW);
        const from = new Date(stats.window.from);
        const inWindow = rows.filter((b) => b.queuedAt >= from && b.queuedAt < NOW);
        const succeeded = inWindow.filter((b) => b.status === "SUCCEEDED");
        const failed = inWindow.filter((b) => b.status === "FAILED");
        expect(stats.runningNow).toBe(rows.filter((b) => b.status === "RUNNING" || b.status === "PROVISIONING_ACR").length);
        expect(stats.queuedNow).toBe(rows.filter((b) => b.status === "QUEUED").length);
        expect(stats.failedLast24h).toBe(rows.filter((b) => b.status === "FAILED" && b.queuedAt.getTime() >= NOW.getTime() - DAY).length);
        expect(stats.successRate).toBeCloseTo(succeeded.length / (succeeded.length + failed.length), 10);
        const durations = succeeded.map((b) => b.durationMs ?? 0).sort((a, b) => a - b);
        expect(stats.durationSample).toBe(durations.length);
        expect(stats.p50DurationMs).toBe(percentile(durations, 0.5));
        expect(stats.p95DurationMs).toBe(percentile(durations, 0.95));
        const trend = await getBuildTrend(t.db, actor, {}, NOW);
        // The dashboard reuses the trend's day counts for the success rate: the same figures.
        expect((await loadBuildDashboard(t.db, actor, buildFiltersSchema.parse({}), NOW)).stats).toEqual(stats);
        expect(trend.reduce((s, p) => s + p.succeeded + p.failed + p.other, 0)).toBe(rows.filter((b) => b.queuedAt >= from && b.queuedAt < new Date(Math.ceil(NOW.getTime() / DAY) * DAY)).length);
      }
      const narrowed = await getBuildTrend(t.db, member, { q: "torch", workspace: workspaceId }, NOW);
      const narrowRows = (await t.db.environmentBuild.findMany({ where: { teamId: teams.vision, workspaceId, environmentName: { contains: "torch" } } })).filter((b) => b.queuedAt.getTime() >= Date.parse(`${narrowed[0]?.day ?? ""}T00:00:00Z`) && b.queuedAt < NOW);
      for (const point of narrowed) {
        const ofDay = narrowRows.filter((b) => b.queuedAt.toISOString().startsWith(point.day));
        expect(point, point.day).toEqual({ day: point.day, succeeded: ofDay.filter((b) => b.status === "SUCCEEDED").length, failed: ofDay.filter((b) => b.status === "FAILED").length, other: ofDay.filter((b) => b.status !== "SUCCEEDED" && b.status !== "FAILED").length });
      }
      expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.95)).toBe(10);
      expect(percentile([1, 2, 3, 4], 0.5)).toBe(2);
      expect(percentile([], 0.5)).toBeNull();
    });

    it("keeps the day and name counts equal to the builds through inserts, status moves, re-dating, renames and deletes, and the trend follows them", async () => {
      // What BuildDayCount must hold: the builds grouped by day, team, workspace and status.
      const expected = async () => {
        const rows = await t.db.environmentBuild.findMany({ select: { queuedAt: true, teamId: true, workspaceId: true, status: true } });
        const counts = new Map<string, number>();
        for (const b of rows) {
          const key = `${b.queuedAt.toISOString().slice(0, 10)}|${b.teamId}|${b.workspaceId}|${b.status}`;
          counts.set(key, (counts.get(key) ?? 0) + 1);
        }
        return [...counts].sort();
      };
      const actual = async () => (await t.db.buildDayCount.findMany()).filter((c) => c.n !== 0).map((c) => [`${c.day}|${c.teamId}|${c.workspaceId}|${c.status}`, c.n] as [string, number]).sort();
      // And BuildNameCount: the builds grouped by name and team.
      const expectedNames = async () => {
        const counts = new Map<string, number>();
        for (const b of await t.db.environmentBuild.findMany({ select: { environmentName: true, teamId: true } })) counts.set(`${b.environmentName}|${b.teamId}`, (counts.get(`${b.environmentName}|${b.teamId}`) ?? 0) + 1);
        return [...counts].sort();
      };
      const actualNames = async () => (await t.db.buildNameCount.findMany()).filter((c) => c.n !== 0).map((c) => [`${c.name}|${c.teamId}`, c.n] as [string, number]).sort();
      expect(await actual()).toEqual(await expected());
      expect(await actualNames()).toEqual(await expectedNames());

      const fleet = await seedFleet(t.db, { count: 40, teamIds: [teams.vision], workspacesPerTeam: 1, environmentsPerWorkspace: 2, days: 3, now: NOW, prefix: "daycount" });
      const env = fleet.environments[0];
      if (!env) throw new Error("no environment");
      const one = await t.db.environmentBuild.create({ data: { environmentId: env.id, teamId: env.teamId, workspaceId: env.workspaceId, environmentName: env.name, status: "QUEUED", queuedAt: new Date(NOW.getTime() - 3_600_000) } });
      await t.db.environmentBuild.update({ where: { id: one.id }, data: { status: "RUNNING", logBytes: 10 } });
      await t.db.environmentBuild.update({ where: { id: one.id }, data: { logBytes: 20 } });
      await t.db.environmentBuild.update({ where: { id: one.id }, data: { status: "SUCCEEDED", durationMs: 1000, finishedAt: NOW } });
      await t.db.environmentBuild.updateMany({ where: { environmentName: env.name, status: "FAILED" }, data: { status: "CANCELLED" } });
      await t.db.environmentBuild.update({ where: { id: one.id }, data: { queuedAt: new Date(NOW.getTime() - 2 * DAY) } });
      await t.db.environmentBuild.updateMany({ where: { environmentName: env.name, status: "CANCELLED" }, data: { environmentName: "daycount-renamed" } });
      expect(await actual()).toEqual(await expected());
      expect(await actualNames()).toEqual(await expectedNames());
      await t.db.environmentBuild.deleteMany({ where: { environmentId: fleet.environments[1]?.id } });
      await t.db.environmentBuild.delete({ where: { id: one.id } });
      expect(await actual()).toEqual(await expected());
      expect(await actualNames()).toEqual(await expectedNames());

      // The trend, read from the day counts, against the builds themselves, per person and filter.
      const from = new Date(NOW.getTime() - 9 * DAY).toISOString().slice(0, 10);
      const to = new Date(NOW.getTime() - 1 * DAY).toISOString().slice(0, 10);
      for (const [actor, inScope] of [[admin, () => true], [member, (b: { teamId: string }) => b.teamId === teams.vision]] as const) {
        for (const filters of [{}, { team: teams.nlp }, { team: teams.vision }, { workspace: workspaceId }, { from, to }] as Partial<BuildFilters>[]) {
          const trend = await getBuildTrend(t.db, actor, filters, NOW);
          const rows = (await t.db.environmentBuild.findMany()).filter((b) => inScope(b) && (!filters.team || b.teamId === filters.team) && (!filters.workspace || b.workspaceId === filters.workspace));
          for (const point of trend) {
            const ofDay = rows.filter((b) => b.queuedAt.toISOString().startsWith(point.day));
            expect(point, `${actor.id} ${JSON.stringify(filters)} ${point.day}`).toEqual({ day: point.day, succeeded: ofDay.filter((b) => b.status === "SUCCEEDED").length, failed: ofDay.filter((b) => b.status === "FAILED").length, other: ofDay.filter((b) => b.status !== "SUCCEEDED" && b.status !== "FAILED").length });
          }
          // The cards' window counts come from the same rows when the trend does not cover the window.
          const stats = await getBuildStats(t.db, actor, filters, NOW);
          const windowFrom = new Date(stats.window.from);
          const windowTo = new Date(stats.window.to);
          const inWindow = rows.filter((b) => b.queuedAt >= windowFrom && b.queuedAt < windowTo);
          expect(stats.finishedInWindow, JSON.stringify(filters)).toBe(inWindow.filter((b) => b.status === "SUCCEEDED" || b.status === "FAILED").length);
        }
      }
      // A range longer than the trend's 62 days: the counts still cover all of it.
      const long = await getBuildStats(t.db, admin, { from: "2026-06-01", to: "2026-11-27" }, NOW);
      expect(long.finishedInWindow).toBe(await t.db.environmentBuild.count({ where: { status: { in: ["SUCCEEDED", "FAILED"] }, queuedAt: { gte: new Date("2026-06-01T00:00:00Z"), lt: new Date("2026-11-28T00:00:00Z") } } }));
    });

    it("searches names as a substring through the name index: wildcards literal, short text, renamed builds", async () => {
      const fleet = await seedFleet(t.db, { count: 0, teamIds: [teams.vision, teams.nlp], workspacesPerTeam: 1, environmentsPerWorkspace: 1, prefix: "search" });
      const names = ["Under_score-a", "underXscore-b", "pct%name-c", "pctXname-d", "MiXeD-Case-e", "back\\slash-f", "zq"];
      await t.db.environmentBuild.createMany({
        data: names.map((environmentName, i) => {
          const env = fleet.environments[i % fleet.environments.length];
          if (!env) throw new Error("no environment");
          return { environmentId: env.id, teamId: env.teamId, workspaceId: env.workspaceId, environmentName, status: "SUCCEEDED" as const, queuedAt: new Date(NOW.getTime() - (i + 1) * 60_000) };
        }),
      });
      const renamed = await t.db.environmentBuild.findFirstOrThrow({ where: { environmentName: "pctXname-d" } });
      await t.db.environmentBuild.update({ where: { id: renamed.id }, data: { environmentName: "renamed-qqv" } });
      // What `contains` promised on each database: ASCII-case-insensitive on SQLite, case-sensitive on PostgreSQL.
      const matches = (name: string, q: string) => (provider === "sqlite" ? name.toLowerCase().includes(q.toLowerCase()) : name.includes(q));
      for (const q of ["_", "%", "\\", "mixed", "MiXeD", "Xs", "zq", "e", "qqv", "pctXname", "pytorch", "torch-tr", "no-such-environment"]) {
        const expected = await oracle((b) => matches(b.environmentName, q));
        expect(await all(admin, { q }), q).toEqual(expected);
        expect(await all(member, { q }), q).toEqual(await oracle((b) => b.teamId === teams.vision && matches(b.environmentName, q)));
        const trend = await getBuildTrend(t.db, admin, { q, from: "2026-10-01", to: "2026-11-27" }, NOW);
        expect(trend.reduce((n, p) => n + p.succeeded + p.failed + p.other, 0), q).toBe(expected.length);
      }
      expect(await all(admin, { q: "_" })).toHaveLength(1);
      expect(await all(admin, { q: "no-such-environment" })).toEqual([]);
    });
  });
}
