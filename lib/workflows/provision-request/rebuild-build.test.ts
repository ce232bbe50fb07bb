import { describe, expect, it } from "vitest";
import { seedDemoData } from "@/prisma/seed";
import { actingUser, uniqueSuffix } from "@/testing/approval-fixtures";
import { testProviders, useTestDatabase } from "@/testing/test-database";
import { rebuildBuild } from "./rebuild-build";

for (const provider of testProviders()) {
  describe(`rebuild a build (${provider})`, () => {
    const t = useTestDatabase(provider);

    async function seedBuild(status: "SUCCEEDED" | "FAILED", withRequest: boolean) {
      await seedDemoData(t.db);
      const alice = await actingUser(t.db, "Alice Chen");
      const team = await t.db.team.findUniqueOrThrow({ where: { slug: "vision" } });
      const workspace = await t.db.workspace.create({
        data: { teamId: team.id, armId: `/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws-${uniqueSuffix()}`, name: "ws", subscriptionId: "s", resourceGroup: "rg", region: "eastus" },
      });
      const request = withRequest ? await t.db.feedRequest.create({ data: { teamId: team.id, submittedByOid: alice.oid, title: "R", payload: {}, status: "READY" } }) : null;
      const env = await t.db.environment.create({
        data: { teamId: team.id, workspaceId: workspace.id, requestId: request?.id ?? null, name: "train", version: "1", baseImage: "mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04:latest", packages: { pip: ["tinyml"], conda: [] }, dockerfileHash: "x" },
      });
      const build = await t.db.environmentBuild.create({ data: { environmentId: env.id, teamId: team.id, workspaceId: workspace.id, environmentName: "train", status } });
      return { alice, build, request };
    }

    it("refuses a build that did not succeed, an exact rebuild without a lock, and a build without a request", async () => {
      const failed = await seedBuild("FAILED", true);
      await expect(rebuildBuild(t.db, failed.alice, failed.build.id, "fresh", "c")).rejects.toThrow(/Only a succeeded build/);

      const { alice, build } = await seedBuild("SUCCEEDED", false);
      await expect(rebuildBuild(t.db, alice, build.id, "exact", "c")).rejects.toThrow(/no recorded lock/);
      await t.db.buildLock.create({ data: { buildId: build.id, pip: "tinyml==0.3.0", conda: "" } });
      await expect(rebuildBuild(t.db, alice, build.id, "exact", "c")).rejects.toThrow(/not started by a Feedgate request/);
      expect(await t.db.job.count()).toBe(0);
      expect(await t.db.auditEvent.count({ where: { action: "build.rebuilt" } })).toBe(0);
    });

    it("refuses while the request's provisioning has not finished", async () => {
      const { alice, build, request } = await seedBuild("SUCCEEDED", true);
      await t.db.job.create({ data: { kind: "provision-request", subject: `request:${request?.id ?? ""}`, activeSubject: `request:${request?.id ?? ""}`, payload: {}, status: "RUNNING" } });
      await expect(rebuildBuild(t.db, alice, build.id, "fresh", "c")).rejects.toThrow(/still running or did not finish/);
    });
  });
}
