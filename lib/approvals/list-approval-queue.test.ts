import { describe, expect, it } from "vitest";
import { seedDemoData } from "@/prisma/seed";
import { actingUser, submittedRequest } from "@/testing/approval-fixtures";
import { testProviders, useTestDatabase } from "@/testing/test-database";
import { BASE_IMAGE_IDS } from "@/lib/validation/base-images";
import { feedRequestSchema } from "@/lib/validation/feed-request";
import { listApprovalQueue } from "./list-approval-queue";

const environments = [
  { name: "vision-train", baseImage: BASE_IMAGE_IDS[0], conda: ["python=3.11", "tinyhttp >=0.2,<1 py_0"], pip: ["tinyml==0.3.0", 'tinylog>=0.1; python_version >= "3.10"', "requests [socks] (>=2, <3)"] },
  { name: "vision-score", baseImage: BASE_IMAGE_IDS[1], conda: [], pip: [] },
];

for (const provider of testProviders()) {
  describe(`approval queue (${provider})`, () => {
    const t = useTestDatabase(provider);

    it("shows the approver every environment's base image and each conda and pip entry verbatim, in order", async () => {
      await seedDemoData(t.db);
      const carmen = await actingUser(t.db, "Carmen Diaz");
      const base = await submittedRequest(t.db);
      const payload = feedRequestSchema.parse({ ...feedRequestSchema.parse(base.payload), environments });
      await t.db.feedRequest.update({ where: { id: base.id }, data: { payload } });

      const queue = await listApprovalQueue(t.db, carmen);
      const shown = queue.requests.find((r) => r.id === base.id);
      expect(shown?.summary?.environments).toEqual(environments);
    });

    it("does not summarise a stored payload with a line break smuggled into an entry (rows from before the fix)", async () => {
      await seedDemoData(t.db);
      const carmen = await actingUser(t.db, "Carmen Diaz");
      const base = await submittedRequest(t.db);
      const stored = { ...(base.payload as Record<string, unknown>), environments: [{ name: "vision-train", baseImage: BASE_IMAGE_IDS[0], conda: [], pip: ["tinyml>=\r--pre"] }] };
      await t.db.feedRequest.update({ where: { id: base.id }, data: { payload: stored } });

      const queue = await listApprovalQueue(t.db, carmen);
      const shown = queue.requests.find((r) => r.id === base.id);
      expect(shown).toBeDefined();
      expect(shown?.summary).toBeNull();
    });
  });
}
