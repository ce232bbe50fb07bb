/**
 * Crash test: the real worker process (`scripts/worker.ts`) is SIGKILLed at random points while
 * it provisions 20 requests against the sandbox cloud, and restarted each time. Every run must
 * finish exactly once, and the sandbox's request record must show no repeated side effect.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { enqueueJob } from "@/lib/jobs/enqueue-job";
import { createTestDatabase, type TestDatabase } from "@/lib/testing/test-database";
import { feedRequestSchema } from "@/lib/validation/feed-request";
import { seedDemoData } from "@/prisma/seed";
import { listRecordedRequests, startTestSandbox, type TestSandbox } from "@/sandbox/testing";
import { PROVISION_REQUEST_KIND } from "./provision-request-job";

const root = path.resolve(import.meta.dirname, "../..");
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
  rmSync(dataDir, { recursive: true, force: true });
});

function startWorker(): ChildProcess {
  // tsx as a loader in ONE process, so SIGKILL hits the worker itself (the tsx CLI would leave
  // its child running for a moment).
  return spawn(process.execPath, ["--import", "tsx", "--conditions", "react-server", "scripts/worker.ts"], {
    cwd: root,
    stdio: process.env.CRASH_DEBUG ? "inherit" : "ignore",
    env: { ...process.env, DATABASE_URL: t.url, DATA_DIR: dataDir, JOB_POLL_MS: "25", WORKER_LEASE_MS: "3000", WORKER_CONCURRENCY: "3", LOG_LEVEL: process.env.CRASH_DEBUG ? "info" : "silent" },
  });
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
      const request = await t.db.feedRequest.create({ data: { teamId: team.id, submittedById: "crash-test", title: payload.title, payload, status: "APPROVED" } });
      await enqueueJob(t.db, { kind: PROVISION_REQUEST_KIND, subject: `request:${request.id}`, payload: { requestId: request.id, upstreamIds: payload.upstreamIds } });
      requestIds.push(request.id);
    }

    let kills = 0;
    const deadline = Date.now() + Number(process.env.CRASH_DEADLINE_MS ?? 420_000);
    for (;;) {
      const worker = startWorker();
      const exited = new Promise((resolve) => worker.once("exit", resolve));
      // Long enough for a freshly started worker (about 1.5 s of start-up) to make some progress.
      await new Promise((r) => setTimeout(r, 1500 + Math.random() * 2000));
      const open = await t.db.job.count({ where: { status: { notIn: ["SUCCEEDED", "FAILED", "CANCELLED"] } } });
      worker.kill("SIGKILL");
      await exited;
      if (open === 0) break;
      kills++;
      if (Date.now() > deadline) {
        const open = await t.db.job.findMany({ where: { status: { notIn: ["SUCCEEDED", "FAILED", "CANCELLED"] } }, select: { status: true, currentStep: true, stepAttempts: true, runAfter: true, lastError: true } });
        throw new Error(`jobs still open after ${kills} kills: ${JSON.stringify(open)}`);
      }
    }

    const jobs = await t.db.job.findMany();
    expect(jobs).toHaveLength(RUNS);
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
  });
});
