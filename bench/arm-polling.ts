/**
 * ARM reads per deployment-hour, for `npm run bench`:
 *
 * 1. `arm.default.*`: one deployment followed for a SIMULATED hour at the default settings
 *    (JOB_POLL_MS 2 s, ARM_READS_PER_SECOND 3): the real workflow code (followDeployment) and the
 *    real ARM client against the sandbox, with a fake clock that jumps over each wait. The sandbox
 *    is paced so slowly that nothing in the deployment finishes meanwhile, its nested deployment
 *    included: every operations listing costs two reads, the worst case.
 * 2. `arm.fleet100.*`: 100 deployments at once, followed by 4 real workers sharing one database,
 *    through a slow-paced sandbox (a resource step of 20 s), with time compressed 30 times:
 *    JOB_POLL_MS 2000/30 ms and the read budget 30 times ARM_READS_PER_SECOND, so one scaled hour
 *    lasts 120 s. Each deployment's reads are counted over its own first scaled hour; the fleet's
 *    rates are converted back to real time (÷ 30 for a second).
 *
 * ARM's documented read limits (learn.microsoft.com/azure/azure-resource-manager/management/request-limits-and-throttling):
 * a bucket of 250 refilled at 25 per second per subscription and principal (90,000 an hour), or,
 * on the older limits still documented for some clouds, 12,000 an hour.
 */
import "server-only";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createWorker, type JobWorker } from "@/lib/jobs/create-worker";
import { StepWait } from "@/lib/jobs/define-job";
import { enqueueJob } from "@/lib/jobs/enqueue-job";
import type { PrismaClient } from "@/lib/db/client";
import { createDb } from "@/lib/db/client";
import { feedRequestSchema } from "@/lib/validation/feed-request";
import { seedDemoData } from "@/prisma/seed";
import { startSandbox, type RunningSandbox } from "@/sandbox/main";
import { createThrowawayDatabase, type ThrowawayDatabase } from "@/testing/throwaway-database";
import networkIsolatedWorkspace from "../lib/infra/templates/network-isolated-workspace.json";
import { planSubnets } from "../lib/infra/plan-subnets";
import { loadSandboxCloud } from "../lib/cloud/load-cloud";
import type { Ctx, ProvisionDeps } from "../lib/workflows/provision-request/context";
import { createProvisionRequestJob } from "../lib/workflows/provision-request/definition";
import { followDeployment } from "../lib/workflows/provision-request/follow-deployment";
import { PROVISION_REQUEST_KIND } from "../lib/workflows/provision-request/schema";

const HOUR_MS = 3_600_000;
const DEFAULT_POLL_MS = 2_000;
const DEFAULT_ARM_READS_PER_SECOND = 3;
const FLEET = 100;
const WORKERS = 4;
const SCALE = 30;
const ARM_STEP_MS = 20_000;

type Figures = Record<string, number | string>;
const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

export async function benchArmPolling(options: { caDir?: string } = {}): Promise<Figures> {
  const caDir = options.caDir ?? process.env.SANDBOX_CA_DIR;
  if (!caDir) throw new Error("benchArmPolling needs the sandbox CA directory (SANDBOX_CA_DIR), trusted through NODE_EXTRA_CA_CERTS");
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "feedgate-bench-arm-"));
  const sandbox = await startSandbox({ dataDir, caDir, pace: { armStepMs: ARM_STEP_MS, buildStepMs: 5 }, recorderCapacity: 500_000, writeEndpointsFile: false });
  const t = await fleetDatabase();
  try {
    await seedDemoData(t.db, { nexusBaseUrl: sandbox.endpoints.nexus, nexusCredentialRef: `file:${sandbox.endpoints.nexusAdminPasswordFile}` });
    const simulated = await simulatedHour(t.db, sandbox);
    // The simulation's budget row lives an hour ahead on its fake clock: start the fleet afresh.
    await t.db.readBudget.deleteMany();
    const fleet = await fleetHour(t, sandbox);
    return { ...simulated, ...fleet, "arm.database": t.url.startsWith("file:") ? "sqlite" : "postgresql" };
  } finally {
    sandbox.pace.armStepMs = 1;
    await t.drop();
    await sandbox.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** One deployment, the real workflow code, a fake clock: the reads of its first hour at the defaults. */
async function simulatedHour(db: PrismaClient, sandbox: RunningSandbox): Promise<Figures> {
  const clock = { t: Date.now() };
  const deps: ProvisionDeps = {
    db,
    cloud: loadSandboxCloud(sandbox.endpoints),
    pollMs: DEFAULT_POLL_MS,
    readLimits: { arm: { perSecond: DEFAULT_ARM_READS_PER_SECOND, burst: DEFAULT_ARM_READS_PER_SECOND * 10 } },
    clock: { now: () => clock.t, sleep: async (ms) => void (clock.t += ms) },
  };
  const request = await createRequest(db, "simhr", "10.200.0.0/16");
  const ctx = { signal: new AbortController().signal, checkpoint: async () => undefined, event: async () => undefined, waitFor: (ms: number, data?: unknown) => new StepWait(ms, data as never) } as unknown as Ctx;
  const name = `feedgate-ws-${request.id}`;
  const saved = {};
  const before = sandbox.recorder.totalRecorded;
  const start = clock.t;
  let polls = 0;
  while (clock.t - start < HOUR_MS) {
    const outcome = await followDeployment(deps, ctx, saved, "workspace", {
      requestId: request.id,
      resourceGroup: "rg-feedgate-simhr",
      location: "eastus",
      name,
      template: networkIsolatedWorkspace,
      templateName: "network-isolated-workspace",
      parameters: { prefix: "simhr", location: "eastus", tags: {}, ...planSubnets("10.200.0.0/16") },
    });
    if (!outcome.waiting) throw new Error("the simulated deployment finished early: slow the sandbox down");
    polls++;
    clock.t += outcome.waiting.delayMs;
  }
  const reads = sandbox.recorder.query({ service: "arm", method: "GET", sinceSeq: before }).filter((r) => r.path.includes("/deployments/"));
  return {
    "arm.default.readsPerDeploymentHour(simulated hour, fake clock)": reads.length,
    "arm.default.pollsPerDeploymentHour": polls,
    "arm.default.operationListingsPerHour": reads.filter((r) => r.path.endsWith(`/deployments/${name}/operations`)).length,
  };
}

/** 100 deployments through 4 workers, time compressed SCALE times: reads per deployment-hour and the fleet's peak rates. */
async function fleetHour(t: ThrowawayDatabase, sandbox: RunningSandbox): Promise<Figures> {
  const pollMs = Math.round(DEFAULT_POLL_MS / SCALE);
  const windowMs = HOUR_MS / SCALE;
  const clients = t.url.startsWith("file:") ? [t.db] : Array.from({ length: WORKERS }, () => createDb(t.url));
  const cloud = loadSandboxCloud(sandbox.endpoints);
  const readLimits = { arm: { perSecond: DEFAULT_ARM_READS_PER_SECOND * SCALE, burst: DEFAULT_ARM_READS_PER_SECOND * 10 } };
  const workers: JobWorker[] = Array.from({ length: WORKERS }, (_, i) => {
    const db = clients[i % clients.length] ?? t.db;
    return createWorker({ db, owner: `bench-${i}`, jobs: [createProvisionRequestJob({ db, cloud, pollMs, readLimits })], concurrency: 8, idlePollMs: { min: 5, max: 50 }, logger: silent });
  });
  const requests: { id: string; prefix: string }[] = [];
  for (let i = 0; i < FLEET; i++) {
    const prefix = `pb${String(i).padStart(3, "0")}`;
    const request = await createRequest(t.db, prefix, `10.${i}.0.0/16`);
    requests.push({ id: request.id, prefix });
  }
  const since = sandbox.recorder.totalRecorded;
  const upstreams = await upstreamIds(t.db);
  for (const w of workers) w.start();
  try {
    for (const r of requests) await enqueueJob(t.db, { kind: PROVISION_REQUEST_KIND, subject: `request:${r.id}`, payload: { requestId: r.id, upstreamIds: upstreams } });
    // Until every deployment has been followed for its first scaled hour.
    for (;;) {
      const firsts = new Map<string, number>();
      for (const x of sandbox.recorder.query({ service: "arm", method: "GET", sinceSeq: since, path: "/deployments/feedgate-ws-" })) {
        const id = /feedgate-ws-([^/?]+)/.exec(x.path)?.[1];
        if (id && !firsts.has(id)) firsts.set(id, Date.parse(x.time));
      }
      if (firsts.size >= FLEET && Date.now() > Math.max(...firsts.values()) + windowMs) break;
      await new Promise((r) => setTimeout(r, 500));
    }
  } finally {
    await Promise.all(workers.map((w) => w.stop({ graceMs: 1_000 })));
    await Promise.all(clients.filter((c) => c !== t.db).map((c) => c.$disconnect()));
  }
  const reads = sandbox.recorder.query({ service: "arm", method: "GET", sinceSeq: since }).filter((r) => r.path.includes("/deployments/"));
  const perDeployment = requests.map((r) => {
    const own = reads.filter((x) => x.path.includes(r.id) || x.path.includes(`/deployments/vnet-${r.prefix}-`)).map((x) => Date.parse(x.time));
    const first = Math.min(...own);
    return own.filter((at) => at <= first + windowMs).length;
  });
  const times = reads.map((r) => Date.parse(r.time)).sort((a, b) => a - b);
  const realSecond = 1_000 / SCALE;
  return {
    "arm.fleet100.readsPerDeploymentHour(time ×30, mean)": Math.round(perDeployment.reduce((a, b) => a + b, 0) / FLEET),
    "arm.fleet100.readsPerDeploymentHour(max)": Math.max(...perDeployment),
    "arm.fleet100.readsInBusiestHour(all 100, real-time equivalent)": maxInWindow(times, windowMs),
    "arm.fleet100.peakReadsPerSecond(real-time equivalent, 10 s windows)": Math.round((maxInWindow(times, 10 * realSecond) / 10) * 10) / 10,
    "arm.fleet100.documentedLimit(reads/hour: 25/s bucket | older 12,000/h)": "90000 | 12000",
  };
}

/** The most timestamps (sorted) that fall in any window of `ms`. */
function maxInWindow(sorted: number[], ms: number): number {
  let best = 0;
  for (let i = 0, j = 0; j < sorted.length; j++) {
    while ((sorted[j] ?? 0) - (sorted[i] ?? 0) > ms) i++;
    best = Math.max(best, j - i + 1);
  }
  return best;
}

async function createRequest(db: PrismaClient, prefix: string, addressSpace: string) {
  const team = await db.team.findUniqueOrThrow({ where: { slug: "vision" } });
  const host = await db.feedHost.findFirstOrThrow({ where: { kind: "nexus" } });
  const payload = feedRequestSchema.parse({
    teamId: team.id,
    title: `ARM polling ${prefix}`,
    workspace: { mode: "new", region: "eastus", namePrefix: prefix, addressSpace },
    feedHost: { mode: "existing", hostId: host.id },
    upstreamIds: await upstreamIds(db),
    environments: [{ name: "train", baseImage: "mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04:latest", pip: ["tinyml==0.3.0"], conda: [] }],
  });
  return db.feedRequest.create({ data: { teamId: team.id, submittedByOid: "bench", title: payload.title, payload, status: "APPROVED" } });
}

async function upstreamIds(db: PrismaClient): Promise<string[]> {
  return (await db.upstreamSource.findMany({ where: { status: "approved" }, orderBy: { name: "asc" } })).map((u) => u.id);
}

/** PostgreSQL when a server answers (TEST_POSTGRES_URL, or the local default), so the workers have connections of their own; SQLite otherwise. */
async function fleetDatabase(): Promise<ThrowawayDatabase> {
  try {
    return await createThrowawayDatabase("postgresql", process.env.TEST_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/test");
  } catch {
    return createThrowawayDatabase("sqlite");
  }
}
