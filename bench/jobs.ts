/**
 * Job runner figures for `npm run bench`:
 *   jobs.stepOverheadMs      Feedgate's own time per step (claim, lease, checkpoint commit,
 *                            events), measured with steps that do nothing, on a fresh SQLite file
 *                            (and PostgreSQL when a server URL is given)
 *   jobs.idleWorkerCpu*      CPU an idle worker uses over ~5 s with the default poll settings
 * Runs against throwaway databases only; needs the react-server condition like the worker.
 */
import "server-only";
import { randomUUID } from "node:crypto";
import { setTimeout as delay } from "node:timers/promises";
import type { PrismaClient } from "@/lib/db/client";
import { createThrowawayDatabase } from "@/testing/throwaway-database";
import { createWorker, type JobLogger } from "@/lib/jobs/create-worker";
import { defineJob, type JobDefinition } from "@/lib/jobs/define-job";
import { enqueueJob } from "@/lib/jobs/enqueue-job";
import { prepareJobDatabase } from "@/lib/jobs/prepare-job-database";

const JOBS = 40;
const STEPS = 5;
const IDLE_MS = 5_000;

export async function benchJobs(options: { postgresServerUrl?: string } = {}): Promise<Record<string, number | string>> {
  const results: Record<string, number | string> = {};
  const sqlite = await createBenchDatabase("sqlite");
  try {
    results["jobs.stepOverheadMs"] = round(await measureStepOverhead(sqlite.db));
    const idle = await measureIdleCpu(sqlite.db);
    results["jobs.idleWorkerCpuMsPer5s"] = round(idle.cpuMs);
    results["jobs.idleWorkerCpuPercent"] = round(idle.percent, 3);
  } finally {
    await sqlite.drop();
  }
  if (options.postgresServerUrl) {
    const pg = await createBenchDatabase("postgresql", options.postgresServerUrl);
    try {
      results["jobs.stepOverheadMsPostgres"] = round(await measureStepOverhead(pg.db));
    } finally {
      await pg.drop();
    }
  }
  results["jobs.stepOverheadNote"] = `${JOBS} jobs x ${STEPS} no-op steps, one worker, concurrency 1`;
  return results;
}

/** Wall time per step for steps that do nothing: everything measured is the runner's own work. */
async function measureStepOverhead(db: PrismaClient): Promise<number> {
  const kind = `bench.noop.${randomUUID()}`;
  const noop = defineJob({
    kind,
    steps: Array.from({ length: STEPS }, (_, i) => ({ name: `step-${i}`, run: async () => ({ i }) })),
  });
  // Warm up query compilation so the figure is steady-state cost, not first-use cost.
  await runAll(db, noop, 2);
  return (await runAll(db, noop, JOBS)) / (JOBS * STEPS);
}

/** Queues `count` jobs, then times one worker draining them. */
async function runAll(db: PrismaClient, definition: JobDefinition, count: number): Promise<number> {
  for (let i = 0; i < count; i++) {
    await enqueueJob(db, { kind: definition.kind, subject: `bench:${randomUUID()}`, payload: {} });
  }
  const worker = createWorker({ db, owner: "bench", jobs: [definition], concurrency: 1, idlePollMs: { min: 1, max: 5 }, logger: quietLogger });
  const startedAt = performance.now();
  worker.start();
  // Sparse polling: the check runs on the worker's thread (and, on SQLite, its connection).
  while ((await db.job.count({ where: { kind: definition.kind, status: { not: "SUCCEEDED" } } })) > 0) await delay(25);
  const elapsed = performance.now() - startedAt;
  await worker.stop();
  return elapsed;
}

/** An idle worker with the production poll settings (100 ms doubling to 2 s). */
async function measureIdleCpu(db: PrismaClient): Promise<{ cpuMs: number; percent: number }> {
  const idleKind = defineJob({ kind: `bench.idle.${randomUUID()}`, steps: [{ name: "never", run: async () => ({}) }] });
  const worker = createWorker({ db, owner: "bench-idle", jobs: [idleKind], logger: quietLogger });
  worker.start();
  // Let the poll interval reach its idle ceiling, as it would in a quiet deployment.
  await delay(3_000);
  const before = process.cpuUsage();
  const startedAt = performance.now();
  await delay(IDLE_MS);
  const used = process.cpuUsage(before);
  const elapsed = performance.now() - startedAt;
  await worker.stop();
  const cpuMs = (used.user + used.system) / 1_000;
  return { cpuMs, percent: (cpuMs / elapsed) * 100 };
}

/** A throwaway migrated database, prepared for jobs as the worker prepares its own. */
async function createBenchDatabase(provider: "sqlite" | "postgresql", serverUrl?: string) {
  const t = await createThrowawayDatabase(provider, serverUrl);
  await prepareJobDatabase(t.db, t.url);
  return t;
}

function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

const quietLogger: JobLogger = { info: () => {}, warn: () => {}, error: () => {} };
