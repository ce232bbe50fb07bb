import { beforeAll, describe, expect, it } from "vitest";
import type { ActingUser } from "@/lib/auth/acting-user";
import { seedDemoData } from "@/prisma/seed";
import { testProviders, useTestDatabase } from "@/testing/test-database";
import { listPublishedEnvironments } from "./publications";

const SUB = "00000000-0000-4000-8000-00000000cafe";

for (const provider of testProviders()) {
  describe(`the catalog's published environments (${provider})`, () => {
    const t = useTestDatabase(provider);
    const teams = { vision: "", nlp: "" };

    beforeAll(async () => {
      await seedDemoData(t.db);
      const [vision, nlp] = await Promise.all([t.db.team.findUniqueOrThrow({ where: { slug: "vision" } }), t.db.team.findUniqueOrThrow({ where: { slug: "nlp" } })]);
      Object.assign(teams, { vision: vision.id, nlp: nlp.id });
      const registry = await t.db.amlRegistry.create({ data: { armId: `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.MachineLearningServices/registries/mlreg-cat`, name: "mlreg-cat", subscriptionId: SUB, resourceGroup: "rg", location: "eastus" } });
      for (const [team, name, status] of [[vision.id, "cat-vision", "PUBLISHED"], [vision.id, "cat-vision-pending", "PUBLISHING"], [nlp.id, "cat-nlp", "PUBLISHED"]] as const) {
        const ws = await t.db.workspace.create({ data: { teamId: team, armId: `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/${name}`, name, subscriptionId: SUB, resourceGroup: "rg", region: "eastus" } });
        const env = await t.db.environment.create({ data: { teamId: team, workspaceId: ws.id, name, version: "3", baseImage: "mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04", packages: { conda: [], pip: [] }, dockerfileHash: "h" } });
        await t.db.environmentPublication.create({
          data: { environmentId: env.id, registryId: registry.id, teamId: team, status, destinationName: name, destinationVersion: "3", assetUri: status === "PUBLISHED" ? `azureml://registries/mlreg-cat/environments/${name}/versions/3` : null, publishedAt: status === "PUBLISHED" ? new Date() : null },
        });
      }
    });

    it("lists only what is published, only in the user's teams (all for Admins), each with its registry URI", async () => {
      const member: ActingUser = { id: "m", oid: "m", name: "Member", email: "", roles: ["Feedgate.Requester"], teamIds: [teams.vision] };
      const admin: ActingUser = { id: "a", oid: "a", name: "Admin", email: "", roles: ["Feedgate.Admin"], teamIds: [] };
      const mine = await listPublishedEnvironments(t.db, member);
      expect(mine.map((p) => [p.environmentName, p.environmentVersion, p.registryName, p.assetUri])).toEqual([["cat-vision", "3", "mlreg-cat", "azureml://registries/mlreg-cat/environments/cat-vision/versions/3"]]);
      expect((await listPublishedEnvironments(t.db, admin)).map((p) => p.environmentName).sort()).toEqual(["cat-nlp", "cat-vision"]);
      expect(await listPublishedEnvironments(t.db, { ...member, teamIds: [] })).toEqual([]);
      await expect(listPublishedEnvironments(t.db, { ...member, roles: ["Feedgate.Approver"] })).rejects.toMatchObject({ code: "forbidden" });
    });
  });
}
