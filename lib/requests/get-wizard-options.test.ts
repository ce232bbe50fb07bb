import { describe, expect, it } from "vitest";
import { seedDemoData } from "@/prisma/seed";
import { actingUser } from "@/testing/request-fixtures";
import { testProviders, useTestDatabase } from "@/testing/test-database";
import { getWizardOptions } from "./get-wizard-options";

for (const provider of testProviders()) {
  describe(`wizard options (${provider})`, () => {
    const t = useTestDatabase(provider);

    it("offer each team its default region and the next free /23 of its pool, skipping ranges any workspace uses", async () => {
      await seedDemoData(t.db);
      const vision = await t.db.team.update({ where: { slug: "vision" }, data: { defaultRegion: "swedencentral", addressPool: "10.40.0.0/16" } });
      const nlp = await t.db.team.findUniqueOrThrow({ where: { slug: "nlp" } });
      const ws = (name: string, teamId: string, range: string) =>
        t.db.workspace.create({ data: { teamId, name, armId: `/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/${name}`, subscriptionId: "s", resourceGroup: "rg", region: "westeurope", network: { addressSpace: [range] } } });
      await ws("vision-a", vision.id, "10.40.0.0/23");
      // Another team's workspace inside Vision's pool (registered before the pool was set) is skipped too.
      await ws("nlp-a", nlp.id, "10.40.2.0/24");
      const alice = await actingUser(t.db, "Alice Chen");
      const options = await getWizardOptions(t.db, alice);
      expect(options.teams.find((x) => x.id === vision.id)).toMatchObject({ defaultRegion: "swedencentral", suggestedAddressSpace: "10.40.4.0/23" });
      // Another team's workspace is not offered, and its range is described without its name.
      expect(options.workspaces.map((w) => w.name)).toEqual(["vision-a"]);
      expect(options.takenRanges).toContainEqual({ range: "10.40.2.0/24", label: "another team's workspace" });
      expect(JSON.stringify(options)).not.toContain("nlp-a");

      // A full pool suggests nothing rather than an overlapping range.
      await t.db.team.update({ where: { id: vision.id }, data: { addressPool: "10.40.0.0/23" } });
      expect((await getWizardOptions(t.db, alice)).teams.find((x) => x.id === vision.id)).toMatchObject({ suggestedAddressSpace: null });
    });
  });
}
