import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createContainerRegistryClient } from "@/lib/cloud/container-registry";
import { countNotifications, listNotifications, markNotificationsSeen } from "@/lib/notifications/list-notifications";
import { seedDemoData } from "@/prisma/seed";
import { actingUser } from "@/testing/approval-fixtures";
import { startTestSandbox, type TestSandbox } from "@/testing/sandbox";
import { testProviders, useTestDatabase } from "@/testing/test-database";
import { checkStaleness } from "./check-staleness";
import { readStaleReasons } from "./stale-reasons";

const UBUNTU22 = "mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04:latest";
const CUDA = "mcr.microsoft.com/azureml/openmpi4.1.0-cuda11.8-cudnn8-ubuntu22.04:latest";

let sandbox: TestSandbox;
beforeAll(async () => {
  sandbox = await startTestSandbox();
});
afterAll(async () => sandbox?.stop());

for (const provider of testProviders()) {
  describe(`staleness rounds (${provider})`, () => {
    const t = useTestDatabase(provider);

    it("judges only the newest succeeded build of non-superseded versions, in pages, and clears what is fresh again", async () => {
      const { db } = t;
      await seedDemoData(db);
      const team = await db.team.findUniqueOrThrow({ where: { slug: "vision" } });
      const host = await db.feedHost.findFirstOrThrow({ where: { kind: "nexus" } });
      const upstream = await db.upstreamSource.findFirstOrThrow({ where: { status: "approved", kind: "pypi" } });
      const ws = await db.workspace.create({ data: { teamId: team.id, name: `ws-${provider}`, armId: `/subscriptions/s/resourceGroups/rg-${provider}/providers/Microsoft.MachineLearningServices/workspaces/ws-${provider}`, subscriptionId: "s", resourceGroup: `rg-${provider}`, region: "westeurope" } });
      const feed = await db.feed.create({ data: { teamId: team.id, hostId: host.id, workspaceId: ws.id, name: `feed-${provider}`, status: "READY", upstreams: { create: [{ upstreamId: upstream.id, repository: "pypi-proxy" }] } } });
      const request = await db.feedRequest.create({ data: { teamId: team.id, submittedByOid: "test", title: "db staleness", payload: {}, status: "READY", feedId: feed.id } });
      const registry = createContainerRegistryClient({ baseUrlFor: () => sandbox.endpoints.containerRegistry ?? "" });
      const digest = (image: string) => sandbox.containerRegistry.digestOf(image) ?? "";

      const env = async (name: string, baseImage: string, pip: string[], options: { version?: string; status?: "SUCCEEDED" | "FAILED"; supersededAt?: Date } = {}) => {
        const e = await db.environment.create({ data: { teamId: team.id, workspaceId: ws.id, requestId: request.id, name, version: options.version ?? "1", baseImage, packages: { pip, conda: [] }, dockerfileHash: `h-${name}-${options.version ?? "1"}`, supersededAt: options.supersededAt } });
        const status = options.status ?? "SUCCEEDED";
        await db.environmentBuild.create({ data: { environmentId: e.id, teamId: team.id, workspaceId: ws.id, environmentName: name, status, finishedAt: new Date(), baseImageDigest: status === "SUCCEEDED" ? digest(baseImage) : null, ...(status === "SUCCEEDED" ? { lock: { create: { pip: pip.join("\n"), conda: "" } } } : {}) } });
        return e.id;
      };
      const a = await env("alpha", UBUNTU22, ["tinycore==1.1.0", "tinyml==0.3.0"]);
      const b = await env("beta", UBUNTU22, ["tinyjson==3.0.0"]);
      const c = await env("gamma", CUDA, ["tiny-config==2.1.0"]);
      const old = await env("alpha", UBUNTU22, ["tinyml==0.3.0"], { version: "0", supersededAt: new Date() });
      const failed = await env("delta", UBUNTU22, ["tinyml==0.3.0"], { status: "FAILED" });
      const read = async () => {
        const rows = await db.environment.findMany({ where: { id: { in: [a, b, c, old, failed] } } });
        return Object.fromEntries(rows.map((r) => [r.id, { staleAt: r.staleAt, kinds: readStaleReasons(r.staleReasons).map((x) => `${x.kind}:${x.subject}`), checkedAt: r.staleCheckedAt }]));
      };

      let round = await checkStaleness({ db, cloud: { containerRegistry: registry } }, { pageSize: 2 });
      expect(round).toMatchObject({ checked: 3, stale: 0, turnedStale: [], unreachableImages: [] });
      let v = await read();
      for (const id of [a, b, c]) expect(v[id]?.checkedAt).toBeInstanceOf(Date);
      for (const id of [old, failed]) expect(v[id]?.checkedAt).toBeNull();

      const alice = await actingUser(db, "Alice Chen");
      await markNotificationsSeen(db, alice);
      await new Promise((r) => setTimeout(r, 5));
      sandbox.containerRegistry.advance(UBUNTU22);
      await db.packageBlock.create({ data: { name: "tiny-config", reason: "Licence", createdByOid: "test" } });
      round = await checkStaleness({ db, cloud: { containerRegistry: registry } }, { pageSize: 2 });
      expect(round.turnedStale.sort()).toEqual([a, b, c].sort());
      v = await read();
      expect(v[a]?.kinds).toEqual([`base-image:${UBUNTU22}`]);
      expect(v[b]?.kinds).toEqual([`base-image:${UBUNTU22}`]);
      expect(v[c]?.kinds).toEqual(["banned:tiny-config"]);
      for (const id of [old, failed]) expect(v[id]?.staleAt).toBeNull();
      expect(await countNotifications(db, alice)).toBe(3);
      expect((await listNotifications(db, alice)).items.filter((i) => i.kind === "environment-stale" && i.isUnread)).toHaveLength(3);

      // The revoked upstream of their feed adds a reason to every one; staleAt stays the first time.
      const firstStale = v[a]?.staleAt?.getTime();
      await db.upstreamSource.update({ where: { id: upstream.id }, data: { status: "revoked", decisionReason: "Compromised" } });
      round = await checkStaleness({ db, cloud: { containerRegistry: registry } }, { pageSize: 2 });
      expect(round.turnedStale).toEqual([]);
      v = await read();
      expect(v[a]?.kinds).toEqual([`base-image:${UBUNTU22}`, `revoked:${upstream.name}`]);
      expect(v[a]?.staleAt?.getTime()).toBe(firstStale);
      expect(await db.auditEvent.count({ where: { action: "environment.stale" } })).toBe(3);

      // Fresh again: a rebuild-equivalent (the digest it pulled is the current one), upstream restored, ban lifted.
      await db.environmentBuild.updateMany({ where: { environmentId: { in: [a, b] } }, data: { baseImageDigest: digest(UBUNTU22) } });
      await db.upstreamSource.update({ where: { id: upstream.id }, data: { status: "approved" } });
      await db.packageBlock.deleteMany({ where: { name: "tiny-config" } });
      round = await checkStaleness({ db, cloud: { containerRegistry: registry } }, { pageSize: 2 });
      expect(round.turnedFresh.sort()).toEqual([a, b, c].sort());
      v = await read();
      for (const id of [a, b, c]) expect(v[id]).toMatchObject({ staleAt: null, kinds: [] });
      expect((await db.environment.findUniqueOrThrow({ where: { id: a } })).staleReasons).toBeNull();
    });
  });
}
