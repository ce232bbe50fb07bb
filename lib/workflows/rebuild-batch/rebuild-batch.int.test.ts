/**
 * A batch rebuild against the sandbox cloud: environments built by the real provisioning
 * workflow, two of one request marked stale for the same reason (as the staleness check would
 * write it), rebuilt as one batch. The request runs one provisioning job at a time, so the batch
 * has to wait for the first rebuild before it starts the second; the worker "stops" right after
 * starting the first rebuild, before recording it, so the re-run must adopt that rebuild instead
 * of starting it twice; and the worker is replaced by another mid-batch, which carries on.
 */
import { describe, expect, it } from "vitest";
import type { Cloud } from "@/lib/cloud/cloud";
import { loadSandboxCloud } from "@/lib/cloud/load-cloud";
import type { PrismaClient } from "@/lib/db/client";
import { createWorker } from "@/lib/jobs/create-worker";
import { enqueueJob } from "@/lib/jobs/enqueue-job";
import { getEnvironmentHealth, listStaleEnvironments } from "@/lib/staleness/environment-health";
import { getRebuildBatch, startRebuildBatch } from "@/lib/staleness/rebuild-batch";
import type { StaleReason } from "@/lib/staleness/stale-reasons";
import { feedRequestSchema, type FeedRequestInput } from "@/lib/validation/feed-request";
import { createProvisionRequestJob } from "@/lib/workflows/provision-request/definition";
import { rebuildBuild } from "@/lib/workflows/provision-request/rebuild-build";
import { PROVISION_REQUEST_KIND } from "@/lib/workflows/provision-request/schema";
import { actingUser } from "@/testing/approval-fixtures";
import { settleJob } from "@/testing/jobs/settle-job";
import { setUpSandboxWorld } from "@/testing/sandbox-world";
import { until } from "@/testing/until";
import { createRebuildBatchJob } from "./definition";
import type { StartRebuild } from "./rebuild-step";

const BASE_IMAGE = "mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04:latest";
/** Rebuild starts after which the worker "stops" before recording what it started. */
let stopsAfterStart = 0;
const startsByBuild = new Map<string, number>();
const stoppingStart: StartRebuild = async (...args) => {
  const started = await rebuildBuild(...args);
  startsByBuild.set(args[2], (startsByBuild.get(args[2]) ?? 0) + 1);
  if (stopsAfterStart > 0) {
    stopsAfterStart--;
    throw new Error("the worker stopped before it recorded the rebuild it started");
  }
  return started;
};

const definitions = ({ db, cloud }: { db: PrismaClient; cloud: Cloud }) => [createProvisionRequestJob({ db, cloud, pollMs: 20 }), createRebuildBatchJob({ db, pollMs: 20, startRebuild: stoppingStart })];
const world = setUpSandboxWorld(definitions, "rebuild-batch-worker");

async function provision(prefix: string, addressSpace: string, environments: FeedRequestInput["environments"]) {
  const db = world.t.db;
  const team = await db.team.findUniqueOrThrow({ where: { slug: "vision" } });
  const host = await db.feedHost.findFirstOrThrow({ where: { kind: "nexus" } });
  const upstreams = await db.upstreamSource.findMany({ where: { status: "approved" } });
  const payload = feedRequestSchema.parse({
    teamId: team.id,
    title: `Batch ${prefix}`,
    workspace: { mode: "new", region: "westeurope", namePrefix: prefix, addressSpace },
    feedHost: { mode: "existing", hostId: host.id },
    upstreamIds: upstreams.map((u) => u.id),
    environments,
  });
  const request = await db.feedRequest.create({ data: { teamId: team.id, submittedByOid: "test", title: payload.title, payload, status: "APPROVED" } });
  const job = await enqueueJob(db, { kind: PROVISION_REQUEST_KIND, subject: `request:${request.id}`, payload: { requestId: request.id, upstreamIds: payload.upstreamIds } });
  const done = await settleJob(db, job.id, 300_000);
  const events = await db.jobEvent.findMany({ where: { jobId: job.id }, orderBy: { id: "asc" } });
  expect(done.status, events.map((e) => e.message).join("\n")).toBe("SUCCEEDED");
  return request;
}

const env = (name: string, pip: string[]) => ({ name, baseImage: BASE_IMAGE, pip, conda: [] });

describe("batch rebuild of stale environments", () => {
  it("rebuilds every stale version of a reason as new versions, one request job at a time, without starting one twice", async () => {
    const db = world.t.db;
    const suffix = Math.random().toString(36).slice(2, 6);
    const first = await provision(`b${suffix}`, "10.51.0.0/16", [env("alpha", ["tinyml==0.3.0"]), env("beta", ["tinyml==0.3.0"])]);
    const second = await provision(`c${suffix}`, "10.52.0.0/16", [env("gamma", ["tinyml==0.3.0"])]);
    const versions = await db.environment.findMany({ where: { requestId: { in: [first.id, second.id] } }, include: { builds: true } });
    expect(versions.map((v) => v.name).sort()).toEqual(["alpha", "beta", "gamma"]);
    for (const v of versions) expect(v.builds.map((b) => b.status)).toEqual(["SUCCEEDED"]);
    const team = await db.team.findUniqueOrThrow({ where: { slug: "vision" } });
    const dmitri = await actingUser(db, "Dmitri Ivanov");
    const alice = await actingUser(db, "Alice Chen");
    const before = (await getEnvironmentHealth(db, alice)).find((h) => h.teamId === team.id);

    // What the staleness check writes when the base image's digest moves.
    const reason: StaleReason = { kind: "base-image", subject: BASE_IMAGE, detail: "The base image has a newer digest (sha256:aa… → sha256:bb…)." };
    const stale = versions.filter((v) => v.name !== "gamma");
    await db.environment.updateMany({ where: { id: { in: stale.map((v) => v.id) } }, data: { staleAt: new Date(), staleReasons: [reason] } });
    const gamma = versions.find((v) => v.name === "gamma");

    const marked = (await getEnvironmentHealth(db, alice)).find((h) => h.teamId === team.id);
    expect(marked).toMatchObject({ stale: (before?.stale ?? 0) + 2, fresh: (before?.fresh ?? 0) - 2, failing: before?.failing ?? 0 });
    const overview = await listStaleEnvironments(db, dmitri);
    const group = overview.groups.find((g) => g.kind === "base-image" && g.subject === BASE_IMAGE);
    expect(group?.environments.map((e) => e.name).sort()).toEqual(["alpha", "beta"]);

    await expect(startRebuildBatch(db, alice, { kind: "base-image", subject: BASE_IMAGE }, "corr-member")).rejects.toMatchObject({ code: "forbidden" });
    stopsAfterStart = 1;
    const started = await startRebuildBatch(db, dmitri, { kind: "base-image", subject: BASE_IMAGE }, "corr-batch");
    expect(started.items).toBe(2);
    // Pressing it again while the batch runs adds nothing.
    await expect(startRebuildBatch(db, dmitri, { kind: "base-image", subject: BASE_IMAGE }, "corr-again")).rejects.toMatchObject({ code: "conflict" });

    // The worker restarts mid-batch, once the first rebuild is recorded: the new one picks the batch up.
    await until("the first rebuild to be recorded", async () => (await db.rebuildBatchItem.count({ where: { batchId: started.batchId, jobId: { not: null } } })) > 0, 300_000);
    await world.worker.stop({ graceMs: 1000 });
    world.worker = createWorker({
      db,
      owner: "rebuild-batch-worker-2",
      jobs: definitions({ db, cloud: loadSandboxCloud(world.sandbox.endpoints) }),
      leaseMs: 5_000,
      idlePollMs: { min: 10, max: 50 },
      backoff: { baseMs: 10, capMs: 50 },
      logger: { info: () => undefined, warn: () => undefined, error: () => undefined },
    });
    world.worker.start();

    const batchJob = await settleJob(db, started.jobId, 400_000);
    const batchEvents = await db.jobEvent.findMany({ where: { jobId: started.jobId }, orderBy: { id: "asc" } });
    expect(batchJob.status, batchEvents.map((e) => e.message).join("\n")).toBe("SUCCEEDED");
    // The stop happened, and the re-run followed the rebuild it found instead of starting another.
    expect(stopsAfterStart).toBe(0);
    expect(batchEvents.some((e) => e.type === "rebuild.adopted")).toBe(true);
    // One provisioning job per request at a time: the second rebuild started after the first finished.
    const rebuildJobs = await db.job.findMany({ where: { subject: `request:${first.id}`, kind: PROVISION_REQUEST_KIND, createdAt: { gte: batchJob.createdAt } }, orderBy: { createdAt: "asc" } });
    expect(rebuildJobs).toHaveLength(2);
    expect(rebuildJobs[0]?.finishedAt?.getTime() ?? Infinity).toBeLessThanOrEqual(rebuildJobs[1]?.createdAt.getTime() ?? 0);

    const progress = await until("the batch to finish", async () => {
      const p = await getRebuildBatch(db, dmitri, started.batchId);
      return p.isDone ? p : undefined;
    }, 400_000);
    expect(progress.totals, JSON.stringify(progress.items)).toMatchObject({ all: 2, fresh: 2, failed: 0, queued: 0, rebuilding: 0 });
    for (const item of progress.items) {
      expect(item.newVersion).toBe("2");
      expect(item.newBuildId).toBeTruthy();
    }

    for (const old of stale) {
      const now = await db.environment.findUniqueOrThrow({ where: { id: old.id } });
      expect(now.supersededAt).not.toBeNull();
      expect(now.staleAt).toBeNull();
      const next = await db.environment.findFirstOrThrow({ where: { workspaceId: old.workspaceId, name: old.name, version: "2" }, include: { builds: true } });
      expect(next.staleAt).toBeNull();
      expect(next.builds.map((b) => b.status)).toEqual(["SUCCEEDED"]);
      const fromBuild = old.builds[0]?.id ?? "";
      // Started once, rebuilt once: one provisioning job and one audit event for each build.
      expect(startsByBuild.get(fromBuild)).toBe(1);
      const jobs = await db.job.findMany({ where: { subject: `request:${first.id}`, kind: PROVISION_REQUEST_KIND } });
      expect(jobs.filter((j) => JSON.stringify(j.payload).includes(fromBuild))).toHaveLength(1);
      expect(await db.auditEvent.count({ where: { action: "build.rebuilt", targetId: fromBuild } })).toBe(1);
    }
    const untouched = await db.environment.findMany({ where: { requestId: second.id }, include: { builds: true } });
    expect(untouched).toHaveLength(1);
    expect(untouched[0]).toMatchObject({ id: gamma?.id, version: "1", supersededAt: null, staleAt: null });
    expect(untouched[0]?.builds).toHaveLength(1);

    const after = (await getEnvironmentHealth(db, alice)).find((h) => h.teamId === team.id);
    expect(after).toEqual({ ...before, teamId: team.id, teamName: team.name });
    expect((await listStaleEnvironments(db, dmitri)).total).toBe(0);
    expect(await db.auditEvent.count({ where: { action: "rebuild_batch.started", targetId: started.batchId } })).toBe(1);
  });
});
