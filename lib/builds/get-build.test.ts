import { describe, expect, it } from "vitest";
import { seedDemoData } from "@/prisma/seed";
import { actingUser, readyFeed, uniqueSuffix } from "@/testing/approval-fixtures";
import { testProviders, useTestDatabase } from "@/testing/test-database";
import { appendBuildLog } from "./build-log";
import { getBuild } from "./get-build";
import { recordBuildLock } from "./record-build-lock";

for (const provider of testProviders()) {
  describe(`build detail (${provider})`, () => {
    const t = useTestDatabase(provider);

    it("reports the index the build used, not the one its team's feed row points at now", async () => {
      await seedDemoData(t.db);
      const alice = await actingUser(t.db, "Alice Chen");
      const team = await t.db.team.findUniqueOrThrow({ where: { slug: "vision" } });
      const pypi = await t.db.upstreamSource.findFirstOrThrow({ where: { name: "pypi.org" } });
      const used = "https://nexus.contoso.example/repository/vision-first/simple/";
      // A later request of the team on the same host re-pointed the shared feed row.
      const feed = await readyFeed(t.db, { teamSlug: "vision", upstreamId: pypi.id, repository: "vision-second", pipIndexUrl: "https://nexus.contoso.example/repository/vision-second/simple/" });
      const workspace = await t.db.workspace.create({
        data: { teamId: team.id, armId: `/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws-${uniqueSuffix()}`, name: "ws", subscriptionId: "s", resourceGroup: "rg", region: "eastus" },
      });
      const request = await t.db.feedRequest.create({ data: { teamId: team.id, submittedByOid: alice.oid, title: "First", payload: {}, status: "READY", feedId: feed.id } });
      const env = await t.db.environment.create({
        data: { teamId: team.id, workspaceId: workspace.id, requestId: request.id, name: "train", version: "1", baseImage: "mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04:latest", packages: { pip: ["tinyml==0.3.0"], conda: [] }, dockerfileHash: "x" },
      });
      const recorded = await t.db.environmentBuild.create({
        data: { environmentId: env.id, teamId: team.id, workspaceId: workspace.id, environmentName: "train", status: "SUCCEEDED", pipIndexUrl: used, condaChannelUrls: [] },
      });
      const detail = await getBuild(t.db, alice, recorded.id);
      expect(detail.sources.pipIndexUrl).toBe(used);
      expect(detail.dockerfile).toContain(used);
      expect(detail.dockerfile).not.toContain("vision-second");

      // A build recorded before builds kept their index falls back to its request's feed.
      const older = await t.db.environmentBuild.create({ data: { environmentId: env.id, teamId: team.id, workspaceId: workspace.id, environmentName: "train", status: "SUCCEEDED", attempt: 2 } });
      expect((await getBuild(t.db, alice, older.id)).sources.pipIndexUrl).toBe(feed.pipIndexUrl);
    });

    it("shows the lock read from the build's log and the package changes since the previous successful build", async () => {
      await seedDemoData(t.db);
      const alice = await actingUser(t.db, "Alice Chen");
      const team = await t.db.team.findUniqueOrThrow({ where: { slug: "vision" } });
      const workspace = await t.db.workspace.create({
        data: { teamId: team.id, armId: `/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws-${uniqueSuffix()}`, name: "ws", subscriptionId: "s", resourceGroup: "rg", region: "eastus" },
      });
      const build = async (version: string, queuedAt: Date, freeze: string[]) => {
        const env = await t.db.environment.create({
          data: { teamId: team.id, workspaceId: workspace.id, name: "locked", version, baseImage: "mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04:latest", packages: { pip: ["tinyml"], conda: [] }, dockerfileHash: "x" },
        });
        const row = await t.db.environmentBuild.create({ data: { environmentId: env.id, teamId: team.id, workspaceId: workspace.id, environmentName: "locked", status: "SUCCEEDED", queuedAt, pipIndexUrl: "https://nexus.contoso.example/repository/vision/simple/", condaChannelUrls: [] } });
        await appendBuildLog(t.db, row.id, ["Step 9/9 : RUN echo '### FEEDGATE-LOCK BEGIN pip ###' && pip list --format=freeze && echo '### FEEDGATE-LOCK END pip ###'", "### FEEDGATE-LOCK BEGIN pip ###", ...freeze, "### FEEDGATE-LOCK END pip ###", "Successfully built 8c9d0e1f2a3b", ""].join("\n"));
        await recordBuildLock(t.db, row.id);
        return row;
      };
      await build("1", new Date("2026-12-01T10:00:00Z"), ["tinyml==0.3.0", "Old_Dep==1.0", "numpy==1.26.0"]);
      const second = await build("2", new Date("2026-12-02T10:00:00Z"), ["tinyml==0.4.0", "numpy==1.26.0", "new.dep==2.0"]);

      const detail = await getBuild(t.db, alice, second.id);
      expect(detail.lock).toEqual({ pip: ["new-dep==2.0", "numpy==1.26.0", "tinyml==0.4.0"], conda: [] });
      expect(detail.baseline?.environmentVersion).toBe("1");
      expect(detail.baseline?.lockDiff).toEqual({
        added: [{ kind: "pip", name: "new-dep", before: null, after: "2.0" }],
        removed: [{ kind: "pip", name: "old-dep", before: "1.0", after: null }],
        changed: [{ kind: "pip", name: "tinyml", before: "0.3.0", after: "0.4.0" }],
      });
    });
  });
}
