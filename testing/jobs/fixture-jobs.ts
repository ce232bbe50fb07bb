/**
 * Test-only job kinds, run by worker child processes (run-fixture-worker.ts) in the crash and
 * concurrency tests. Never registered in lib/jobs/registry.ts.
 *
 * The "external system" is a directory: creating `<key>` with O_EXCL is the side effect (like an
 * ARM deployment PUT or a Nexus repository creation); a second creation of the same key is a
 * duplicate and is written to duplicates.log, which the tests require to stay empty.
 */
import { appendFileSync, existsSync, writeFileSync } from "node:fs";
import path from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { defineJob, type JobDefinition, type JsonValue, type StepContext } from "@/lib/jobs/define-job";
import { isJsonObject } from "@/lib/jobs/job-records";

export const CRASH_KIND = "test.crash";
export const COUNT_KIND = "test.count";
export const CRASH_STEPS = ["provision", "register", "build"] as const;
export const COUNT_STEPS = ["one", "two", "three"] as const;

/**
 * `dieAfterEffects`: the process SIGKILLs itself right after its Nth side effect, inside the
 * uncertain window (intent checkpointed, effect made, result not recorded). The crash test uses
 * it so that some kills land there for certain, whatever the machine's load does to the timing
 * of the kills it sends from outside.
 */
export function createCrashJob(dir: string, options: { dieAfterEffects?: number } = {}): JobDefinition {
  let effects = 0;
  const afterEffect = () => {
    effects++;
    if (options.dieAfterEffects !== undefined && effects >= options.dieAfterEffects) process.kill(process.pid, "SIGKILL");
  };
  return defineJob({
    kind: CRASH_KIND,
    steps: CRASH_STEPS.map((name) => ({ name, maxAttempts: 100, run: (ctx: StepContext<JsonValue>) => runExternalStep(ctx, dir, afterEffect) })),
  });
}

/**
 * The protocol every workflow step follows: checkpoint the intent, make the call, checkpoint the
 * result, then wait for the external thing. Only re-entry in the uncertain window (intent
 * recorded, result not) looks the resource up before creating it; a fresh entry trusts the
 * runner and creates straight away, so a runner that re-ran a step would show up as a duplicate.
 */
async function runExternalStep(ctx: StepContext<JsonValue>, dir: string, afterEffect: () => void) {
  const key = `${ctx.jobId}.${ctx.step}`;
  const marker = path.join(dir, key);
  const saved = isJsonObject(ctx.saved) ? ctx.saved : undefined;
  await jitter();
  if (!saved) {
    await ctx.checkpoint({ key, phase: "creating" });
    await jitter();
    createOnce(dir, marker);
    afterEffect();
  } else if (saved.phase === "creating") {
    if (!existsSync(marker)) {
      createOnce(dir, marker);
      afterEffect();
    }
  }
  if (saved?.phase !== "created") {
    await jitter();
    // Record the result, then wait for the "deployment" without holding the worker slot.
    return ctx.waitFor(20, { key, phase: "created" });
  }
  await jitter();
  return { key, phase: "done" };
}

export function createCountJob(logFile: string): JobDefinition {
  return defineJob({
    kind: COUNT_KIND,
    steps: COUNT_STEPS.map((name) => ({
      name,
      maxAttempts: 3,
      run: async (ctx: StepContext<JsonValue>) => {
        // One line per execution; O_APPEND keeps concurrent lines whole.
        appendFileSync(logFile, `${ctx.jobId} ${ctx.step} ${process.pid}\n`);
        return { pid: process.pid };
      },
    })),
  });
}

function createOnce(dir: string, marker: string) {
  try {
    writeFileSync(marker, String(process.pid), { flag: "wx" });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    appendFileSync(path.join(dir, "duplicates.log"), `${path.basename(marker)} ${process.pid}\n`);
  }
}

function jitter() {
  return delay(3 + Math.floor(Math.random() * 22));
}
