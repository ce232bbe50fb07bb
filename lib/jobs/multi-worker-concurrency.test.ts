/**
 * Three worker processes on one PostgreSQL drain 200 queued jobs; every step runs exactly once.
 * Only with TEST_POSTGRES_URL: SQLite has a single writer, so there is no race to lose there.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { COUNT_KIND, COUNT_STEPS } from "@/testing/jobs/fixture-jobs";
import { sleep, spawnFixtureWorker, type FixtureWorker } from "@/testing/jobs/job-test-helpers";
import { useTestDatabase } from "@/testing/test-database";

const JOBS = 200;
const WORKERS = 3;

describe.runIf(process.env.TEST_POSTGRES_URL)("several workers on one PostgreSQL", () => {
  const t = useTestDatabase("postgresql");
  const dir = mkdtempSync(path.join(os.tmpdir(), "feedgate-drain-"));
  const workers: FixtureWorker[] = [];
  afterAll(async () => {
    for (const w of workers) w.child.kill("SIGKILL");
    await Promise.all(workers.map((w) => w.exited));
    rmSync(dir, { recursive: true, force: true });
  });

  it(`${WORKERS} worker processes drain ${JOBS} jobs and run each step exactly once`, { timeout: 180_000 }, async () => {
    for (let i = 0; i < WORKERS; i++) {
      workers.push(
        spawnFixtureWorker({ FIXTURE_DATABASE_URL: t.url, FIXTURE_DIR: dir, FIXTURE_KIND: "count", FIXTURE_CONCURRENCY: "4", FIXTURE_LEASE_MS: "15000" }),
      );
    }
    await Promise.all(workers.map((w) => w.ready));

    const startedAt = Date.now();
    // One insert for all jobs, so every worker sees the whole queue at once and they compete.
    await t.db.job.createMany({
      data: Array.from({ length: JOBS }, (_, i) => ({ kind: COUNT_KIND, subject: `drain:${i}`, activeSubject: `drain:${i}`, payload: { i } })),
    });
    for (;;) {
      const done = await t.db.job.count({ where: { kind: COUNT_KIND, status: "SUCCEEDED" } });
      if (done === JOBS) break;
      if (Date.now() - startedAt > 150_000) throw new Error(`only ${done} of ${JOBS} jobs finished`);
      await sleep(100);
    }
    const elapsedMs = Date.now() - startedAt;
    for (const w of workers) w.child.kill("SIGTERM");
    await Promise.all(workers.map((w) => w.exited));

    const lines = readdirSync(dir)
      .filter((f) => f.startsWith("steps-"))
      .flatMap((f) => readFileSync(path.join(dir, f), "utf8").trim().split("\n"));
    const executions = lines.map((line) => line.split(" ").slice(0, 2).join(" "));
    expect(executions).toHaveLength(JOBS * COUNT_STEPS.length);
    expect(new Set(executions).size).toBe(JOBS * COUNT_STEPS.length);

    const jobs = await t.db.job.findMany({ where: { kind: COUNT_KIND } });
    expect(jobs.every((j) => j.attempts === 1 && j.activeSubject === null && j.leaseToken === null)).toBe(true);
    const byProcess = new Map<string, number>();
    for (const line of lines) {
      const pid = line.split(" ")[2] ?? "";
      byProcess.set(pid, (byProcess.get(pid) ?? 0) + 1);
    }
    expect(byProcess.size).toBe(WORKERS);
    const events = await t.db.jobEvent.groupBy({ by: ["type"], _count: true, where: { job: { kind: COUNT_KIND } } });
    expect(Object.fromEntries(events.map((e) => [e.type, e._count]))).toEqual({
      "step.started": JOBS * COUNT_STEPS.length,
      "step.succeeded": JOBS * COUNT_STEPS.length,
      "job.succeeded": JOBS,
    });
    console.info(`drained ${JOBS} jobs with ${WORKERS} workers in ${elapsedMs} ms; steps per worker: ${[...byProcess.values()].join(", ")}`);
  });
});
