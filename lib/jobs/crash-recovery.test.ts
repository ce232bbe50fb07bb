/**
 * Crash test: a worker child process is SIGKILLed at random points and restarted until 20 runs
 * (jobs) have finished. Every run must finish exactly once and every step's external side effect
 * (an O_EXCL file create, see fixture-jobs.ts) must happen exactly once.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { enqueueJob } from "@/lib/jobs/enqueue-job";
import { isJsonObject } from "@/lib/jobs/job-records";
import { prepareJobDatabase } from "@/lib/jobs/prepare-job-database";
import { CRASH_KIND, CRASH_STEPS } from "@/testing/jobs/fixture-jobs";
import { sleep, spawnFixtureWorker, type FixtureWorker } from "@/testing/jobs/job-test-helpers";
import { testProviders, useTestDatabase } from "@/testing/test-database";

const RUNS = 20;
// Shorter than a child's start-up, so a killed worker's leases have expired by the time its
// replacement is ready, yet long enough that a loaded machine does not expire live leases.
const LEASE_MS = 1_500;

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

// The providers' runs are independent (own database, own marker directory) and mostly wait on
// child processes, so they run side by side.
describe.concurrent("crash recovery", () => {
  for (const provider of testProviders()) {
    describe(`on ${provider}`, () => {
      const t = useTestDatabase(provider);

      it(`finishes ${RUNS} runs exactly once while the worker is killed at random points`, { timeout: 420_000 }, async () => {
        await prepareJobDatabase(t.db, t.url);
        const dir = mkdtempSync(path.join(os.tmpdir(), "feedgate-crash-"));
        dirs.push(dir);
        const jobs = [];
        for (let i = 0; i < RUNS; i++) jobs.push(await enqueueJob(t.db, { kind: CRASH_KIND, subject: `crash:${i}`, payload: { run: i } }));
        const isAllDone = async () => (await t.db.job.count({ where: { kind: CRASH_KIND, status: { in: ["SUCCEEDED", "FAILED", "CANCELLED"] } } })) === RUNS;

        const jobIds = jobs.map((j) => j.id);
        const countProgress = () => t.db.jobEvent.count({ where: { jobId: { in: jobIds } } });
        let kills = 0;
        let selfKills = 0;
        let worker: FixtureWorker | undefined;
        // A backstop only: each life is bounded by progress, and a loaded machine restarts slowly.
        const deadline = Date.now() + 400_000;
        while (!(await isAllDone())) {
          if (Date.now() > deadline) throw new Error("the runs did not finish in time");
          // Every worker also dies by its own hand after 3 to 12 side effects, inside the uncertain
          // window: 60 side effects in all, so at least 4 deaths land there whatever the load.
          const dieAfter = 3 + Math.floor(Math.random() * 10);
          worker = spawnFixtureWorker({
            FIXTURE_DATABASE_URL: t.url,
            FIXTURE_DIR: dir,
            FIXTURE_KIND: "crash",
            FIXTURE_LEASE_MS: String(LEASE_MS),
            FIXTURE_DIE_AFTER_EFFECTS: String(dieAfter),
          });
          await worker.ready;
          // Otherwise kill it after a random amount of progress (not time: a busy machine must not
          // starve the runs), plus a random delay so the kill lands mid-step, mid-checkpoint or mid-commit.
          const target = (await countProgress()) + 10 + Math.floor(Math.random() * 30);
          const isAlive = () => worker?.child.exitCode === null && worker.child.signalCode === null;
          while (isAlive() && (await countProgress()) < target && !(await isAllDone())) await sleep(10);
          if (!isAlive()) {
            if (worker.child.signalCode !== "SIGKILL") throw new Error(`the worker child exited on its own (${worker.child.exitCode}): ${worker.stderr()}`);
            selfKills++;
            kills++;
            continue;
          }
          await sleep(Math.random() * 60);
          if (await isAllDone()) break;
          worker.child.kill("SIGKILL");
          await worker.exited;
          kills++;
          if (process.env.DEBUG_CRASH) console.info(`${provider} kill ${kills} at ${Date.now() - deadline + 400_000} ms, progress ${await countProgress()}`);
        }
        worker?.child.kill("SIGTERM");
        await worker?.exited;

        const finished = await t.db.job.findMany({ where: { id: { in: jobs.map((j) => j.id) } } });
        expect(finished.map((j) => j.status)).toEqual(Array(RUNS).fill("SUCCEEDED"));
        const events = await t.db.jobEvent.findMany({ where: { jobId: { in: jobs.map((j) => j.id) } }, orderBy: { id: "asc" } });
        for (const job of finished) {
          const own = events.filter((e) => e.jobId === job.id);
          expect(own.filter((e) => e.type === "job.succeeded")).toHaveLength(1);
          expect(own.at(-1)?.type).toBe("job.succeeded");
          for (const step of CRASH_STEPS) {
            expect(own.filter((e) => e.type === "step.succeeded" && e.step === step)).toHaveLength(1);
            const checkpoint = isJsonObject(job.checkpoints) ? job.checkpoints[step] : undefined;
            expect(checkpoint).toMatchObject({ done: true, data: { key: `${job.id}.${step}`, phase: "done" } });
          }
        }
        // Each step's side effect happened exactly once: every marker exists, none was created twice.
        const markers = readdirSync(dir).filter((f) => f !== "duplicates.log");
        expect(markers.sort()).toEqual(jobs.flatMap((j) => CRASH_STEPS.map((s) => `${j.id}.${s}`)).sort());
        const duplicates = existsSync(path.join(dir, "duplicates.log")) ? readFileSync(path.join(dir, "duplicates.log"), "utf8") : "";
        expect(duplicates).toBe("");
        // The kills did land mid-run: some claims were taken over from a dead worker.
        expect(kills).toBeGreaterThanOrEqual(3);
        expect(events.filter((e) => e.type === "job.recovered").length).toBeGreaterThanOrEqual(1);
        console.info(`crash test on ${provider}: ${kills} kills (${selfKills} self-inflicted), ${events.filter((e) => e.type === "job.recovered").length} recoveries`);
      });
    });
  }
});
