/**
 * A worker child process for the crash and concurrency tests:
 *   node --conditions react-server --import tsx lib/jobs/test-fixtures/run-fixture-worker.ts
 * with FIXTURE_DATABASE_URL, FIXTURE_DIR, FIXTURE_KIND (crash|count) and optional
 * FIXTURE_CONCURRENCY / FIXTURE_LEASE_MS. Prints "ready" once it is claiming.
 */
import path from "node:path";
import { createDb } from "@/lib/db/client";
import { createWorker } from "@/lib/jobs/create-worker";
import { prepareJobDatabase } from "@/lib/jobs/prepare-job-database";
import { createCountJob, createCrashJob } from "@/lib/jobs/test-fixtures/fixture-jobs";

async function main() {
  const url = required("FIXTURE_DATABASE_URL");
  const dir = required("FIXTURE_DIR");
  const kind = required("FIXTURE_KIND");
  const leaseMs = Number(process.env.FIXTURE_LEASE_MS ?? 500);
  const db = createDb(url);
  await prepareJobDatabase(db, url);
  const job = kind === "crash" ? createCrashJob(dir) : createCountJob(path.join(dir, `steps-${process.pid}.log`));
  const worker = createWorker({
    db,
    owner: `fixture:${process.pid}`,
    jobs: [job],
    concurrency: Number(process.env.FIXTURE_CONCURRENCY ?? 4),
    leaseMs,
    heartbeatMs: Math.floor(leaseMs / 5),
    idlePollMs: { min: 10, max: 100 },
    backoff: { baseMs: 10, capMs: 100 },
    logger: { info: () => {}, warn: () => {}, error: (fields, message) => console.error(message, fields) },
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

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
