/**
 * Crash test: the real worker process (`scripts/worker.ts`) is SIGKILLed at random points while
 * it provisions 20 requests against the sandbox cloud, and restarted each time. Every run must
 * finish exactly once, and the sandbox's request record must show no repeated side effect: one
 * deployment PUT, repository create, environment version PUT and image build trigger each.
 * Then the one window a random kill rarely hits, between an image build's trigger and its
 * record, is hit on purpose (in-process worker).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { enqueueJob } from "@/lib/jobs/enqueue-job";
import { createTestDatabase, type TestDatabase } from "@/testing/test-database";
import { feedRequestSchema } from "@/lib/validation/feed-request";
import { seedDemoData } from "@/prisma/seed";
import { addFault, listRecordedRequests, startTestSandbox, type TestSandbox } from "@/testing/sandbox";
import { setUpSandboxWorld } from "@/testing/sandbox-world";
import { settleJob } from "@/testing/jobs/settle-job";
import type { Cloud } from "@/lib/cloud/cloud";
import { createProvisionRequestJob } from "./definition";
import { ORPHANED_TRIGGER_GRACE_POLLS } from "./environment-build";
import { PROVISION_REQUEST_KIND } from "./schema";

const root = path.resolve(import.meta.dirname, "../../..");
const RUNS = Number(process.env.CRASH_RUNS ?? 20);

let sandbox: TestSandbox;
let t: TestDatabase;
let dataDir: string;

beforeAll(async () => {
  // A pace slow enough that the work spans many worker lives on a quiet machine too.
  sandbox = await startTestSandbox({ pace: { armStepMs: 400, buildStepMs: 300 }, recorderCapacity: 500_000 });
  t = await createTestDatabase("sqlite");
  await seedDemoData(t.db, { nexusBaseUrl: sandbox.endpoints.nexus, nexusCredentialRef: `file:${sandbox.endpoints.nexusAdminPasswordFile}` });
  // The worker finds the sandbox where npm start would put it: DATA_DIR/sandbox/endpoints.json.
  dataDir = mkdtempSync(path.join(os.tmpdir(), "feedgate-crash-"));
  mkdirSync(path.join(dataDir, "sandbox"));
  copyFileSync(path.join(sandbox.dataDir, "endpoints.json"), path.join(dataDir, "sandbox", "endpoints.json"));
});

afterAll(async () => {
  await t?.drop();
  await sandbox?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

function startWorker(): ChildProcess {
  // tsx as a loader in ONE process, so SIGKILL hits the worker itself (the tsx CLI would leave
  // its child running for a moment).
  return spawn(process.execPath, ["--import", "tsx", "--conditions", "react-server", "scripts/worker.ts"], {
    cwd: root,
    stdio: process.env.CRASH_DEBUG ? "inherit" : "ignore",
    // JOB_POLL_MS=25 runs the workflow 80 times faster than the default 2 s; the shared read
    // budgets are scaled alike (80 × the default 3 reads/s), or they would be all it measured.
    env: { ...process.env, DATABASE_URL: t.url, DATA_DIR: dataDir, JOB_POLL_MS: "25", ARM_READS_PER_SECOND: "240", AML_DATA_PLANE_READS_PER_SECOND: "160", WORKER_LEASE_MS: "3000", WORKER_CONCURRENCY: "3", LOG_LEVEL: process.env.CRASH_DEBUG ? "info" : "silent" },
  });
}

// Only the provisioning jobs: each worker also starts the feed watcher, which never finishes.
const openJobs = () => t.db.job.count({ where: { kind: PROVISION_REQUEST_KIND, status: { notIn: ["SUCCEEDED", "FAILED", "CANCELLED"] } } });

/** The newest job event that is real progress (not a worker noticing a dead one, not a retry). */
async function progressMark(): Promise<number> {
  const last = await t.db.jobEvent.findFirst({ where: { job: { kind: PROVISION_REQUEST_KIND }, type: { notIn: ["job.recovered", "step.retrying", "step.interrupted"] } }, orderBy: { id: "desc" }, select: { id: true } });
  return last?.id ?? 0;
}

async function waitForProgress(after: number, deadline: number): Promise<void> {
  while ((await progressMark()) <= after && (await openJobs()) > 0) {
    if (Date.now() > deadline) throw new Error("a worker made no progress for two minutes");
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("provisioning survives a worker killed at random points", () => {
  it(`finishes ${RUNS} runs exactly once, with no repeated deployment, repository or environment version`, async () => {
    const host = await t.db.feedHost.findFirstOrThrow({ where: { kind: "nexus" } });
    const upstreams = await t.db.upstreamSource.findMany({ where: { status: "approved" } });
    const requestIds: string[] = [];
    for (let i = 0; i < RUNS; i++) {
      // One team per run: runs of one team would legitimately race to create the same repositories.
      const team = await t.db.team.create({ data: { slug: `crash-team-${i}`, name: `Crash team ${i}` } });
      const payload = feedRequestSchema.parse({
        teamId: team.id,
        title: `Crash run ${i}`,
        workspace: { mode: "new", region: "eastus", namePrefix: `crash${i}`, addressSpace: `10.${i}.0.0/16` },
        feedHost: { mode: "existing", hostId: host.id },
        upstreamIds: upstreams.map((u) => u.id),
        environments: [{ name: "train", baseImage: "mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04:latest", pip: ["tinyml==0.3.0"], conda: ["tinyhttp"] }],
      });
      const request = await t.db.feedRequest.create({ data: { teamId: team.id, submittedByOid: "crash-test", title: payload.title, payload, status: "APPROVED" } });
      await enqueueJob(t.db, { kind: PROVISION_REQUEST_KIND, subject: `request:${request.id}`, payload: { requestId: request.id, upstreamIds: payload.upstreamIds } });
      requestIds.push(request.id);
    }

    let kills = 0;
    const deadline = Date.now() + Number(process.env.CRASH_DEADLINE_MS ?? 420_000);
    for (;;) {
      const before = await progressMark();
      const worker = startWorker();
      const exited = new Promise((resolve) => worker.once("exit", resolve));
      // Kill only once this worker life made observable progress (a step event or checkpoint of its
      // own), then at a random point shortly after: the test means the same on a quiet machine and
      // on a loaded one, where a wall-clock schedule killed workers before they did anything.
      await waitForProgress(before, Date.now() + 120_000);
      await new Promise((r) => setTimeout(r, Math.random() * 1500));
      const open = await openJobs();
      worker.kill("SIGKILL");
      await exited;
      if (open === 0) break;
      kills++;
      if (Date.now() > deadline) {
        const open = await t.db.job.findMany({ where: { kind: PROVISION_REQUEST_KIND, status: { notIn: ["SUCCEEDED", "FAILED", "CANCELLED"] } }, select: { status: true, currentStep: true, stepAttempts: true, runAfter: true, lastError: true } });
        throw new Error(`jobs still open after ${kills} kills: ${JSON.stringify(open)}`);
      }
    }

    const jobs = await t.db.job.findMany({ where: { kind: PROVISION_REQUEST_KIND } });
    expect(jobs).toHaveLength(RUNS);
    // Every worker life started the feed watcher, and there was only ever one.
    expect(await t.db.job.count({ where: { kind: "check-feed-drift" } })).toBe(1);
    const failures = jobs.filter((j) => j.status !== "SUCCEEDED").map((j) => `${j.currentStep}: ${j.lastError}`);
    expect(failures, failures.join("\n")).toEqual([]);
    console.info(`crash test: ${kills} kills`);
    expect(kills).toBeGreaterThan(2);

    const requests = await t.db.feedRequest.findMany({ where: { id: { in: requestIds } } });
    expect(requests.map((r) => r.status)).toEqual(Array(RUNS).fill("READY"));
    const builds = await t.db.environmentBuild.findMany();
    expect(builds).toHaveLength(RUNS);
    expect(builds.every((b) => b.status === "SUCCEEDED")).toBe(true);

    const deploymentPuts = await listRecordedRequests(sandbox.endpoints.arm, { method: "PUT", pathRegex: "/providers/Microsoft.Resources/deployments/feedgate-ws-[^/?]+$" });
    const byName = new Map<string, number>();
    for (const r of deploymentPuts) byName.set(r.path, (byName.get(r.path) ?? 0) + 1);
    expect(byName.size).toBe(RUNS);
    expect([...byName.values()].every((n) => n === 1)).toBe(true);

    const repoCreates = await listRecordedRequests(sandbox.endpoints.nexus, { method: "POST", pathRegex: "/service/rest/v1/repositories/(pypi|conda)/proxy$" });
    const createdNames = repoCreates.map((r) => (r.body as { name?: string }).name);
    expect(createdNames).toHaveLength(RUNS * 2);
    expect(new Set(createdNames).size).toBe(RUNS * 2);

    const versionPuts = await listRecordedRequests(sandbox.endpoints.aml, { method: "PUT", pathRegex: "/environments/train/versions/[^/?]+$" });
    expect(new Set(versionPuts.map((r) => r.path)).size).toBe(versionPuts.length);
    expect(versionPuts).toHaveLength(RUNS);

    // Exactly one image build trigger per environment version (the path names workspace and version).
    const imagePosts = await listRecordedRequests(sandbox.endpoints.amlDataPlane, { method: "POST", pathRegex: "/environments/train/versions/[^/?]+/image$" });
    const triggers = new Map<string, number>();
    for (const r of imagePosts) triggers.set(r.path, (triggers.get(r.path) ?? 0) + 1);
    expect(triggers.size).toBe(RUNS);
    expect([...triggers].filter(([, n]) => n !== 1)).toEqual([]);
  });
});

describe("a worker that stops around the image build trigger", () => {
  // The first trigger of each build "kills the worker" right after the POST, before anything of it
  // is recorded, when `stopAfterTrigger` says so.
  let stopAfterTrigger = 0;
  const world = setUpSandboxWorld(({ db, cloud }) => [createProvisionRequestJob({ db, cloud: stoppingAfterTrigger(cloud), pollMs: 20 })], "trigger-window-worker");

  function stoppingAfterTrigger(cloud: Cloud): Cloud {
    const aml = { ...cloud.aml };
    aml.triggerImageBuild = async (...args) => {
      const started = await cloud.aml.triggerImageBuild(...args);
      if (stopAfterTrigger > 0) {
        stopAfterTrigger--;
        throw new Error("the worker stopped before it recorded the build it started");
      }
      return started;
    };
    return { ...cloud, aml };
  }

  async function provision(prefix: string) {
    const { db } = world.t;
    const team = await db.team.findUniqueOrThrow({ where: { slug: "vision" } });
    const host = await db.feedHost.findFirstOrThrow({ where: { kind: "nexus" } });
    const upstreams = await db.upstreamSource.findMany({ where: { status: "approved" } });
    const payload = feedRequestSchema.parse({
      teamId: team.id,
      title: `Trigger window ${prefix}`,
      workspace: { mode: "new", region: "eastus", namePrefix: prefix, addressSpace: "10.77.0.0/16" },
      feedHost: { mode: "existing", hostId: host.id },
      upstreamIds: upstreams.map((u) => u.id),
      environments: [{ name: "train", baseImage: "mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04:latest", pip: ["tinyml==0.3.0"], conda: [] }],
    });
    const request = await db.feedRequest.create({ data: { teamId: team.id, submittedByOid: "crash-test", title: payload.title, payload, status: "APPROVED" } });
    const job = await enqueueJob(db, { kind: PROVISION_REQUEST_KIND, subject: `request:${request.id}`, payload: { requestId: request.id, upstreamIds: payload.upstreamIds } });
    const done = await settleJob(db, job.id, 180_000);
    const workspace = await db.workspace.findFirstOrThrow({ where: { resourceGroup: `rg-feedgate-${prefix}` } });
    const build = await db.environmentBuild.findFirstOrThrow({ where: { workspaceId: workspace.id } });
    const log = (await db.buildLogChunk.findMany({ where: { buildId: build.id }, orderBy: { seq: "asc" } })).map((c) => c.text).join("");
    const events = await db.jobEvent.findMany({ where: { jobId: job.id }, orderBy: { id: "asc" } });
    const posts = await listRecordedRequests(world.sandbox.endpoints.amlDataPlane, { method: "POST", pathRegex: `/workspaces/${workspace.name}/environments/train/versions/[^/?]+/image$` });
    return { job: done, build, log, events, posts };
  }

  it("follows the build it started instead of starting another", async () => {
    stopAfterTrigger = 1;
    const { job, build, log, events, posts } = await provision("trigwin");
    expect(job.lastError).toBeNull();
    expect(job.status).toBe("SUCCEEDED");
    expect(build.status).toBe("SUCCEEDED");
    expect(posts.map((r) => r.status)).toEqual([202]);
    expect(log).toContain("Azure ML already has the image of train:1");
    expect(events.filter((e) => e.type === "build.succeeded")).toHaveLength(1);
  });

  it("sends a trigger that got no answer again, once, when no image appeared within the grace", async () => {
    // The POST is dropped before Azure ML handles it: nothing was started, but the worker cannot know.
    await addFault(world.sandbox.endpoints.amlDataPlane, { method: "POST", path: "/image$", kind: "drop", times: 1 });
    const { job, build, events, posts } = await provision("trigdrop");
    expect(job.lastError).toBeNull();
    expect(build.status).toBe("SUCCEEDED");
    expect(posts.map((r) => r.status)).toEqual([0, 202]);
    expect(events.filter((e) => e.type === "build.retriggered")).toHaveLength(1);
    // It waited for the grace (ORPHANED_TRIGGER_GRACE_POLLS polls of 20 ms) before sending it again.
    expect(Date.parse(posts[1]?.time ?? "") - Date.parse(posts[0]?.time ?? "")).toBeGreaterThanOrEqual(ORPHANED_TRIGGER_GRACE_POLLS * 20 - 100);
  });
});
