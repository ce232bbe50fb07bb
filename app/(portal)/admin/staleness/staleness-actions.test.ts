/**
 * "Rebuild all N" as the browser calls it (session cookie, Origin), against a real database: the
 * shared schema refuses malformed input, only an admin may start a batch, a batch takes every
 * stale, non-superseded version of the reason and queues one job, and pressing it again while the
 * batch runs starts nothing.
 */
import { beforeAll, describe, expect, it, vi } from "vitest";
import { startRebuildBatchAction } from "@/lib/actions/staleness";
import { REBUILD_BATCH_KIND } from "@/lib/staleness/rebuild-batch";
import { sessionCookieFor, useAuthHarness } from "@/testing/auth-harness";
import { testProviders } from "@/testing/test-database";

const request = vi.hoisted(() => ({ cookie: "" }));
vi.mock("next/headers", () => ({
  headers: async () => new Headers({ cookie: request.cookie, origin: "http://localhost:3999" }),
  cookies: async () => ({
    get: (name: string) => {
      const pair = request.cookie.split("; ").find((p) => p.startsWith(`${name}=`));
      return pair ? { name, value: pair.slice(name.length + 1) } : undefined;
    },
  }),
}));
vi.mock("next/cache", () => ({ revalidatePath: () => undefined, revalidateTag: () => undefined }));

const SUB = "00000000-0000-4000-8000-00000000feed";
const reason = { kind: "banned", subject: "tinyml", detail: "tinyml was banned." } as const;

for (const provider of testProviders()) {
  describe(`rebuild batch action (${provider})`, () => {
    const h = useAuthHarness(provider);
    const ids = { staleA: "", staleB: "", superseded: "", other: "" };
    let alice = "";
    let dmitri = "";

    beforeAll(async () => {
      const vision = await h.db.team.findUniqueOrThrow({ where: { slug: "vision" } });
      const ws = await h.db.workspace.create({ data: { teamId: vision.id, armId: `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws-stale`, name: "ws-stale", subscriptionId: SUB, resourceGroup: "rg", region: "eastus" } });
      const version = async (name: string, extra: object) => {
        const env = await h.db.environment.create({ data: { teamId: vision.id, workspaceId: ws.id, name, version: "1", baseImage: "mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04", packages: { conda: [], pip: ["tinyml"] }, dockerfileHash: "h", ...extra } });
        await h.db.environmentBuild.create({ data: { environmentId: env.id, teamId: vision.id, workspaceId: ws.id, environmentName: name, status: "SUCCEEDED" } });
        return env.id;
      };
      ids.staleA = await version("stale-a", { staleAt: new Date(), staleReasons: [reason] });
      ids.staleB = await version("stale-b", { staleAt: new Date(), staleReasons: [{ kind: "base-image", subject: "img", detail: "moved" }, reason] });
      ids.superseded = await version("stale-old", { staleAt: new Date(), staleReasons: [reason], supersededAt: new Date() });
      ids.other = await version("other", { staleAt: new Date(), staleReasons: [{ kind: "yanked", subject: "tinyml", detail: "yanked" }] });
      alice = await sessionCookieFor(h, "Alice Chen");
      dmitri = await sessionCookieFor(h, "Dmitri Ivanov");
    });

    it("refuses malformed input with the shared schema, and a non-admin, storing nothing", async () => {
      request.cookie = dmitri;
      for (const input of [{ kind: "stale", subject: "tinyml" }, { kind: "banned", subject: "" }, { kind: "banned", subject: "x".repeat(301) }]) {
        const res = await startRebuildBatchAction(input as never);
        expect(res.validationErrors).toBeDefined();
      }
      request.cookie = alice;
      const res = await startRebuildBatchAction({ kind: "banned", subject: "tinyml" });
      expect(res.serverError).toMatchObject({ code: "forbidden", status: 403 });
      expect(await h.db.rebuildBatch.count()).toBe(0);
    });

    it("starts one batch of the reason's stale versions in use, once", async () => {
      request.cookie = dmitri;
      const res = await startRebuildBatchAction({ kind: "banned", subject: "tinyml" });
      expect(res.serverError).toBeUndefined();
      expect(res.data?.items).toBe(2);
      const items = await h.db.rebuildBatchItem.findMany({ where: { batchId: res.data?.batchId ?? "" } });
      expect(items.map((i) => i.environmentId).sort()).toEqual([ids.staleA, ids.staleB].sort());
      const job = await h.db.job.findUniqueOrThrow({ where: { id: res.data?.jobId ?? "" } });
      expect(job).toMatchObject({ kind: REBUILD_BATCH_KIND, status: "QUEUED" });
      expect(await h.db.auditEvent.count({ where: { action: "rebuild_batch.started", targetId: res.data?.batchId ?? "" } })).toBe(1);

      const again = await startRebuildBatchAction({ kind: "banned", subject: "tinyml" });
      expect(again.serverError).toMatchObject({ code: "conflict", message: expect.stringContaining("being rebuilt already") });
      const none = await startRebuildBatchAction({ kind: "revoked", subject: "tinyml" });
      expect(none.serverError).toMatchObject({ code: "conflict", message: expect.stringContaining("No environment is stale") });
      expect(await h.db.rebuildBatch.count()).toBe(1);
    });
  });
}
