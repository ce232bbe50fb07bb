/**
 * A worker child process for the crash and concurrency tests:
 *   node --conditions react-server --import tsx testing/jobs/run-fixture-worker.ts
 * with FIXTURE_DATABASE_URL, FIXTURE_DIR, FIXTURE_KIND (crash|count) and optional
 * FIXTURE_CONCURRENCY / FIXTURE_LEASE_MS / FIXTURE_DIE_AFTER_EFFECTS (crash only: the process
 * SIGKILLs itself after that many side effects). Prints "ready" once it is claiming.
 */
import path from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { createDb, type PrismaClient } from "@/lib/db/client";
import { createWorker, type JobLogger } from "@/lib/jobs/create-worker";
import { defineJob } from "@/lib/jobs/define-job";
import { enqueueJob } from "@/lib/jobs/enqueue-job";
import { prepareJobDatabase } from "@/lib/jobs/prepare-job-database";
import { createCountJob, createCrashJob } from "@/testing/jobs/fixture-jobs";

async function main() {
  const url = required("FIXTURE_DATABASE_URL");
  const dir = required("FIXTURE_DIR");
  const kind = required("FIXTURE_KIND");
  const leaseMs = Number(process.env.FIXTURE_LEASE_MS ?? 500);
  const db = createDb(url);
  await prepareJobDatabase(db, url);
  await warmUp(db);
  const dieAfter = process.env.FIXTURE_DIE_AFTER_EFFECTS;
  const job = kind === "crash" ? createCrashJob(dir, { dieAfterEffects: dieAfter ? Number(dieAfter) : undefined }) : createCountJob(path.join(dir, `steps-${process.pid}.log`));
  const worker = createWorker({
    db,
    owner: `fixture:${process.pid}`,
    jobs: [job],
    concurrency: Number(process.env.FIXTURE_CONCURRENCY ?? 4),
    leaseMs,
    heartbeatMs: Math.floor(leaseMs / 5),
    idlePollMs: { min: 10, max: 100 },
    backoff: { baseMs: 10, capMs: 100 },
    logger: quiet,
  });
  worker.start();
  process.stdout.write("ready\n");
  process.on("SIGTERM", () => {
    void worker
      .stop({ graceMs: 2_000 })
      .then(() => db.$disconnect())
      .then(() => process.exit(0));
  });
}

/**
 * Runs one throwaway job through every kind of write the worker makes before saying "ready":
 * Prisma compiles each query shape on first use, which takes a second or two per fresh process,
 * and the test's kill window should land on real work rather than on that.
 */
async function warmUp(db: PrismaClient) {
  const warmUpJob = defineJob({
    kind: "test.warm-up",
    steps: [
      {
        name: "warm",
        run: async (ctx) => {
          if (ctx.saved) return { warm: true };
          await ctx.checkpoint({ warm: false });
          await ctx.event("warm-up", "warming up");
          return ctx.waitFor(0);
        },
      },
      { name: "up", run: async () => ({}) },
    ],
  });
  const job = await enqueueJob(db, { kind: warmUpJob.kind, subject: `warm-up:${process.pid}:${Date.now()}`, payload: {} });
  const worker = createWorker({ db, owner: `warm-up:${process.pid}`, jobs: [warmUpJob], idlePollMs: { min: 5, max: 20 }, logger: quiet });
  worker.start();
  while ((await db.job.findUniqueOrThrow({ where: { id: job.id } })).status !== "SUCCEEDED") await delay(10);
  await worker.stop();
}

const quiet: JobLogger = { info: () => {}, warn: () => {}, error: (fields, message) => console.error(message, fields) };

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
