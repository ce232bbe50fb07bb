/**
 * A checkpoint is progress: a long step that keeps advancing while its worker keeps dying (here:
 * it stops heartbeating, so its lease expires and another run takes over, as after a SIGKILL)
 * must not run out of attempts, while a step that dies or fails without saving anything new still
 * does. The takeover stays fenced: the dead run's late writes never land.
 */
import { afterEach, describe, expect, it } from "vitest";
import { createWorker, type JobWorker } from "@/lib/jobs/create-worker";
import { defineJob, type JobDefinition, type JsonValue, type StepContext } from "@/lib/jobs/define-job";
import { enqueueJob } from "@/lib/jobs/enqueue-job";
import { isJsonObject } from "@/lib/jobs/job-records";
import { listJobEvents } from "@/lib/jobs/list-job-events";
import { silentLogger, waitForStatus } from "@/testing/jobs/job-test-helpers";
import { testProviders, useTestDatabase } from "@/testing/test-database";

const LEASE_MS = 400;
const MAX_ATTEMPTS = 2;
const ADVANCES = 5;
let sequence = 0;
const workers: JobWorker[] = [];

afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.stop({ graceMs: 0 })));
});

for (const provider of testProviders()) {
  describe(`checkpoints as progress on ${provider}`, () => {
    const t = useTestDatabase(provider);

    /** A worker whose heartbeat never comes in time: every run it starts is one that "died". */
    function startDyingWorker(definition: JobDefinition): JobWorker {
      const worker = createWorker({
        db: t.db,
        owner: `dying-${++sequence}`,
        jobs: [definition],
        concurrency: 8,
        leaseMs: LEASE_MS,
        heartbeatMs: 60_000,
        idlePollMs: { min: 10, max: 50 },
        backoff: { baseMs: 10, capMs: 20 },
        logger: silentLogger,
      });
      workers.push(worker);
      worker.start();
      return worker;
    }

    it(`finishes a step that advances by checkpoints while its worker dies ${ADVANCES} times, more than its ${MAX_ATTEMPTS} attempts`, async () => {
      const attemptsSeen: number[] = [];
      const definition = defineJob({
        kind: `test.advancing-${++sequence}`,
        steps: [
          {
            name: "long",
            maxAttempts: MAX_ATTEMPTS,
            run: async (ctx: StepContext<JsonValue>) => {
              const done = savedCount(ctx.saved);
              if (done >= ADVANCES) return { done };
              await ctx.checkpoint({ done: done + 1 });
              attemptsSeen.push(ctx.attempt);
              // The worker dies here: no heartbeat, no outcome, until its run is taken over.
              await hangUntilAborted(ctx.signal, LEASE_MS * 6);
              // What a dead worker would write if it came back: fenced out, never seen.
              await ctx.checkpoint({ done: -1 });
              return { done: -1 };
            },
          },
        ],
      });
      const queued = await enqueueJob(t.db, { kind: definition.kind, subject: `advancing-${sequence}`, payload: {} });
      startDyingWorker(definition);

      const finished = await waitForStatus(t.db, queued.id, ["SUCCEEDED", "FAILED"], 30_000);
      expect(finished.lastError).toBeNull();
      expect(finished.status).toBe("SUCCEEDED");
      expect(isJsonObject(finished.checkpoints) ? finished.checkpoints.long : undefined).toMatchObject({ done: true, data: { done: ADVANCES } });
      const events = await listJobEvents(t.db, queued.id);
      expect(events.filter((e) => e.type === "job.recovered").length).toBeGreaterThanOrEqual(ADVANCES);
      // Each checkpoint reset the count, so every run saw itself as a first attempt.
      expect(attemptsSeen).toEqual(Array(ADVANCES).fill(1));
    });

    it("still fails a step whose worker dies before it saves anything new", async () => {
      const definition = defineJob({
        kind: `test.stuck-${++sequence}`,
        steps: [
          {
            name: "stuck",
            maxAttempts: MAX_ATTEMPTS,
            run: async (ctx: StepContext<JsonValue>) => {
              // Saves the same thing every run: not progress.
              await ctx.checkpoint({ done: 1 });
              await hangUntilAborted(ctx.signal, LEASE_MS * 6);
              return { done: 1 };
            },
          },
        ],
      });
      const queued = await enqueueJob(t.db, { kind: definition.kind, subject: `stuck-${sequence}`, payload: {} });
      startDyingWorker(definition);

      const finished = await waitForStatus(t.db, queued.id, ["SUCCEEDED", "FAILED"], 30_000);
      expect(finished.status).toBe("FAILED");
      expect(finished.lastError).toContain(`did not complete after ${MAX_ATTEMPTS} attempts`);
    });

    it("still gives up on a step that checkpoints and then fails the same way every time", async () => {
      let runs = 0;
      const definition = defineJob({
        kind: `test.failing-${++sequence}`,
        steps: [
          {
            name: "failing",
            maxAttempts: 3,
            run: async (ctx: StepContext<JsonValue>) => {
              runs++;
              await ctx.checkpoint({ intent: "create" });
              await ctx.checkpoint(ctx.saved ?? null);
              throw new Error("the create fails");
            },
          },
        ],
      });
      const queued = await enqueueJob(t.db, { kind: definition.kind, subject: `failing-${sequence}`, payload: {} });
      const worker = createWorker({ db: t.db, owner: `steady-${sequence}`, jobs: [definition], leaseMs: 5_000, heartbeatMs: 100, idlePollMs: { min: 10, max: 50 }, backoff: { baseMs: 10, capMs: 20 }, logger: silentLogger });
      workers.push(worker);
      worker.start();

      const finished = await waitForStatus(t.db, queued.id, ["SUCCEEDED", "FAILED"], 30_000);
      expect(finished.status).toBe("FAILED");
      expect(runs).toBe(3);
    });
  });
}

function savedCount(saved: JsonValue | undefined): number {
  return isJsonObject(saved) && typeof saved.done === "number" ? saved.done : 0;
}

function hangUntilAborted(signal: AbortSignal, atMostMs: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, atMostMs);
    signal.addEventListener("abort", () => {
      clearTimeout(timer);
      resolve();
    });
  });
}
