/**
 * `npm run worker`: a job worker process against DATABASE_URL, running the kinds in
 * lib/jobs/registry.ts. SIGTERM/SIGINT stop claiming and let the running steps finish (up to
 * 20 s, inside the usual 30 s container stop timeout), then interrupt and release what is left;
 * a second signal exits at once, and any lease left behind is recovered when it expires.
 */
import os from "node:os";
import { createDb } from "@/lib/db/client";
import { ConfigError, parseEnv } from "@/lib/env";
import { createWorker } from "@/lib/jobs/create-worker";
import { prepareJobDatabase } from "@/lib/jobs/prepare-job-database";
import { ensureDriftWatch } from "@/lib/workflows/check-feed-drift/ensure-watch";
import { ensureStalenessWatch } from "@/lib/workflows/check-staleness/request-check";
import { createJobDefinitions } from "@/lib/workflows/registry";
import { loadCloud } from "@/lib/cloud/load-cloud";

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : `feedgate worker: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});

async function main() {
  const env = parseEnv();
  const db = createDb(env.DATABASE_URL);
  await prepareJobDatabase(db, env.DATABASE_URL);
  const owner = `${os.hostname()}:${process.pid}`;
  const jobs = createJobDefinitions({ db, cloud: loadCloud(env), pollMs: env.JOB_POLL_MS, nexusVmSshPublicKey: env.NEXUS_VM_SSH_PUBLIC_KEY });
  const worker = createWorker({ db, owner, jobs, concurrency: env.WORKER_CONCURRENCY, leaseMs: env.WORKER_LEASE_MS });
  worker.start();
  // Live feeds are re-checked at start and every FEED_CHECK_INTERVAL_MS by one watcher job.
  await ensureDriftWatch(db, env.FEED_CHECK_INTERVAL_MS);
  // Built environments are checked for staleness at start and every STALENESS_CHECK_INTERVAL_MS.
  await ensureStalenessWatch(db, env.STALENESS_CHECK_INTERVAL_MS);
  console.log(`feedgate worker ${owner}: running ${jobs.map((j) => j.kind).join(", ")}`);

  let isStopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (isStopping) {
      console.error(`feedgate worker: ${signal} again, exiting now`);
      process.exit(1);
    }
    isStopping = true;
    console.log(`feedgate worker: ${signal}, finishing running steps`);
    void worker
      .stop()
      .then(() => db.$disconnect())
      .then(() => process.exit(0));
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);

  // `tsx` runs this file in a child process. If that parent is killed hard (SIGKILL cannot be
  // relayed), this process would live on as an orphan, polling forever and even claiming jobs.
  // Die like the parent did; the leases it held expire and are recovered.
  // (process.ppid is read once at start in Node 20, so probe the parent with signal 0.)
  const parentPid = process.ppid;
  setInterval(() => {
    if (!isProcessAlive(parentPid)) {
      console.error("feedgate worker: parent process is gone, exiting");
      process.exit(1);
    }
  }, 1_000).unref();
}

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
