import { describe, expect, it } from "vitest";
import { testProviders, useTestDatabase } from "@/testing/test-database";
import { appendBuildLog, readBuildLogText } from "./build-log";

for (const provider of testProviders()) {
  describe(`build log on ${provider}`, () => {
    const t = useTestDatabase(provider);

    async function newBuild() {
      const team = await t.db.team.create({ data: { slug: `t${Date.now()}${Math.round(Math.random() * 1e6)}`, name: "T" } });
      const ws = await t.db.workspace.create({
        data: { teamId: team.id, armId: `/ws/${team.slug}`, name: "ws", subscriptionId: "s", resourceGroup: "rg", region: "eastus" },
      });
      const env = await t.db.environment.create({
        data: { teamId: team.id, workspaceId: ws.id, name: "train", version: "1", baseImage: "img", packages: { conda: [], pip: [] }, dockerfileHash: "h" },
      });
      return t.db.environmentBuild.create({ data: { environmentId: env.id, teamId: team.id, workspaceId: ws.id, environmentName: "train" } });
    }

    it("appends in order and reads any byte range, multi-byte text included", async () => {
      const build = await newBuild();
      const parts = ["Step 1/4 : FROM img\n", "Collecting numpy — ünïcode\n", "", "Successfully built\n"];
      let total = 0;
      for (const p of parts) total = await appendBuildLog(t.db, build.id, p);
      const whole = parts.join("");
      expect(total).toBe(Buffer.byteLength(whole));
      expect(await readBuildLogText(t.db, build.id)).toBe(whole);
      const bytes = Buffer.from(whole);
      for (const [from, to] of [[0, 5], [10, 30], [19, 21], [25, bytes.length], [bytes.length, bytes.length + 10]] as const) {
        expect(await readBuildLogText(t.db, build.id, from, to)).toBe(bytes.subarray(from, to).toString("utf8"));
      }
      const stored = await t.db.environmentBuild.findUniqueOrThrow({ where: { id: build.id } });
      expect(stored.logBytes).toBe(total);
    });

    it("keeps builds apart", async () => {
      const a = await newBuild();
      const b = await newBuild();
      await appendBuildLog(t.db, a.id, "only a\n");
      expect(await readBuildLogText(t.db, b.id)).toBe("");
    });
  });
}
