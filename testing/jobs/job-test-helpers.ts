/** Helpers shared by the lib/jobs tests. */
import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import path from "node:path";
import type { Job } from "@/generated/prisma/client";
import type { PrismaClient } from "@/lib/db/client";
import type { JobLogger } from "@/lib/jobs/create-worker";

export const silentLogger: JobLogger = { info: () => {}, warn: () => {}, error: () => {} };

const root = path.resolve(import.meta.dirname, "../..");

/** Polls until the job is in one of `statuses`; fails with the job's state after `timeoutMs`. */
export async function waitForStatus(db: PrismaClient, jobId: string, statuses: Job["status"][], timeoutMs = 15_000): Promise<Job> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job = await db.job.findUniqueOrThrow({ where: { id: jobId } });
    if (statuses.includes(job.status)) return job;
    if (Date.now() > deadline) {
      throw new Error(`job ${jobId} is ${job.status} (step ${job.currentStep}, error ${job.lastError}), wanted ${statuses.join("|")}`);
    }
    await sleep(15);
  }
}

export async function waitUntil(check: () => boolean | Promise<boolean>, timeoutMs = 15_000, what = "condition") {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(15);
  }
}

export function sleep(ms: number) {
  return new Promise<void>((resolve) => setTimeout(resolve, ms));
}

export interface FixtureWorker {
  child: ChildProcess;
  ready: Promise<void>;
  exited: Promise<void>;
  stderr(): string;
}

/**
 * Starts run-fixture-worker.ts as a plain node process with tsx as a loader (not the tsx CLI,
 * which would put a second process in between and make SIGKILL miss the worker).
 */
export function spawnFixtureWorker(env: Record<string, string>): FixtureWorker {
  const child = spawn(
    process.execPath,
    ["--conditions", "react-server", "--import", "tsx", "testing/jobs/run-fixture-worker.ts"],
    { cwd: root, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] },
  );
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const ready = new Promise<void>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on("line", (line) => {
      if (line === "ready") resolve();
    });
    child.once("exit", (code, signal) => reject(new Error(`fixture worker exited before ready (${code ?? signal}): ${stderr}`)));
  });
  // Surfaced as a rejection only if a test awaits `ready`.
  ready.catch(() => {});
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return { child, ready, exited, stderr: () => stderr };
}
