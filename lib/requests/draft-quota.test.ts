import { describe, expect, it } from "vitest";
import { seedDemoData } from "@/prisma/seed";
import { actingUser, validState } from "@/testing/request-fixtures";
import { testProviders, useTestDatabase } from "@/testing/test-database";
import { discardDraft } from "./discard-draft";
import { MAX_DRAFT_BYTES, MAX_DRAFTS_PER_PERSON, saveDraft } from "./save-draft";
import { submitRequest } from "./submit-request";

const CORR = "corr-quota";

for (const provider of testProviders()) {
  describe(`draft quotas on ${provider}`, () => {
    const t = useTestDatabase(provider);

    it("refuses the probe's 0.8 MB drafts with a 413 and stores nothing", async () => {
      await seedDemoData(t.db);
      const alice = await actingUser(t.db, "Alice Chen");
      const base = await validState(t.db);
      // What the probe posted: every environment's requirements at the field's limit.
      const huge = { ...base, environments: Array.from({ length: 10 }, (_, i) => ({ name: `env${i}`, baseImage: base.environments[0]?.baseImage ?? "", conda: "", pip: `tinyml==0.3.0\n${"#".repeat(39_000)}` })) };
      expect(Buffer.byteLength(JSON.stringify(huge))).toBeGreaterThan(MAX_DRAFT_BYTES);
      const before = await t.db.feedRequest.count();
      for (let i = 0; i < 20; i++) await expect(saveDraft(t.db, alice, { state: huge }, CORR)).rejects.toMatchObject({ code: "too_large", status: 413 });
      expect(await t.db.feedRequest.count()).toBe(before);
      // Nor can an existing draft grow past the limit.
      const small = await saveDraft(t.db, alice, { state: base }, CORR);
      await expect(saveDraft(t.db, alice, { requestId: small.id, state: huge }, CORR)).rejects.toMatchObject({ code: "too_large" });
      expect((await t.db.feedRequest.findUniqueOrThrow({ where: { id: small.id } })).payload).toEqual(base);
    });

    it("caps unsubmitted drafts per person; discarding one frees a place; submitted requests do not count", async () => {
      await seedDemoData(t.db);
      const bilal = await actingUser(t.db, "Bilal Okafor");
      const alice = await actingUser(t.db, "Alice Chen");
      await t.db.feedRequest.deleteMany({ where: { submittedByOid: alice.oid, status: "DRAFT" } });
      const ids: string[] = [];
      for (let i = 0; i < MAX_DRAFTS_PER_PERSON; i++) ids.push((await saveDraft(t.db, alice, { state: { ...(await validState(t.db)), title: `Draft ${i}` } }, CORR)).id);
      await expect(saveDraft(t.db, alice, { state: await validState(t.db) }, CORR)).rejects.toMatchObject({ code: "conflict", message: expect.stringMatching(/Submit or discard one/) });
      expect(await t.db.feedRequest.count({ where: { submittedByOid: alice.oid, status: "DRAFT" } })).toBe(MAX_DRAFTS_PER_PERSON);
      // Saving over an existing draft is always fine.
      await saveDraft(t.db, alice, { requestId: ids[0], state: { ...(await validState(t.db)), title: "Edited" } }, CORR);

      // Only the author discards, only a draft.
      await expect(discardDraft(t.db, bilal, { requestId: ids[1] ?? "" }, CORR)).rejects.toMatchObject({ status: 404 });
      await submitRequest(t.db, alice, { requestId: ids[2] ?? "" }, CORR);
      await expect(discardDraft(t.db, alice, { requestId: ids[2] ?? "" }, CORR)).rejects.toMatchObject({ status: 404 });
      expect((await t.db.feedRequest.findUniqueOrThrow({ where: { id: ids[2] } })).status).toBe("SUBMITTED");

      await discardDraft(t.db, alice, { requestId: ids[1] ?? "" }, CORR);
      expect(await t.db.feedRequest.findUnique({ where: { id: ids[1] } })).toBeNull();
      expect(await t.db.auditEvent.count({ where: { action: "request.draft_discarded", targetId: ids[1] } })).toBe(1);
      // Two places are free now (one discarded, one submitted).
      await saveDraft(t.db, alice, { state: await validState(t.db) }, CORR);
      await saveDraft(t.db, alice, { state: await validState(t.db) }, CORR);
      await expect(saveDraft(t.db, alice, { state: await validState(t.db) }, CORR)).rejects.toMatchObject({ code: "conflict" });
    });
  });
}
