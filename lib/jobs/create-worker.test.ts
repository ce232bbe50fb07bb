import { afterEach, describe, expect, it } from "vitest";
import { createWorker, type JobWorker, type WorkerOptions } from "@/lib/jobs/create-worker";
import { defineJob, type JobDefinition, type JsonValue, type StepDefinition } from "@/lib/jobs/define-job";
import { enqueueJob } from "@/lib/jobs/enqueue-job";
import { JobConflictError, JobStateError, PermanentStepError, RetryableStepError, StepInterruptedError } from "@/lib/jobs/job-errors";
import { isJsonObject } from "@/lib/jobs/job-records";
import { listJobEvents } from "@/lib/jobs/list-job-events";
import { requestCancel } from "@/lib/jobs/request-cancel";
import { retryJob } from "@/lib/jobs/retry-job";
import { silentLogger, sleep, waitForStatus, waitUntil } from "@/testing/jobs/job-test-helpers";
import { testProviders, useTestDatabase } from "@/testing/test-database";

let sequence = 0;
const workers: JobWorker[] = [];

afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.stop({ graceMs: 0 })));
});

for (const provider of testProviders()) {
  describe(`job worker on ${provider}`, () => {
    const t = useTestDatabase(provider);

    function start(jobs: JobDefinition[], options: Partial<WorkerOptions> = {}): JobWorker {
      const worker = createWorker({
        db: t.db,
        owner: `test-${++sequence}`,
        jobs,
        concurrency: 2,
        // Long enough that a cold query compile on a loaded machine cannot expire a lease by accident.
        leaseMs: 5_000,
        heartbeatMs: 100,
        idlePollMs: { min: 10, max: 100 },
        backoff: { baseMs: 20, capMs: 200 },
        logger: silentLogger,
        ...options,
      });
      workers.push(worker);
      worker.start();
      return worker;
    }

    function job(steps: StepDefinition<JsonValue>[]): JobDefinition {
      return defineJob({ kind: `test-${++sequence}`, steps });
    }

    function enqueue(definition: JobDefinition, payload: JsonValue = {}) {
      return enqueueJob(t.db, { kind: definition.kind, subject: `subject-${++sequence}`, payload });
    }

    it("runs steps in order, hands each step the payload and earlier results, and records events in order", async () => {
      const seen: string[] = [];
      const definition = job([
        { name: "first", run: async (ctx) => (seen.push(`first:${JSON.stringify(ctx.payload)}`), { n: 1 }) },
        {
          name: "second",
          run: async (ctx) => {
            seen.push(`second:${JSON.stringify(ctx.results)}`);
            await ctx.event("note", "halfway", { ok: true });
            return { n: 2 };
          },
        },
      ]);
      const queued = await enqueue(definition, { name: "x" });
      start([definition]);
      const done = await waitForStatus(t.db, queued.id, ["SUCCEEDED"]);

      expect(seen).toEqual(['first:{"name":"x"}', 'second:{"first":{"n":1}}']);
      expect(done).toMatchObject({ activeSubject: null, leaseOwner: null, leaseToken: null, lastError: null, currentStep: "second" });
      expect(done.finishedAt).not.toBeNull();
      expect(done.checkpoints).toMatchObject({ first: { done: true, data: { n: 1 } }, second: { done: true, data: { n: 2 } } });
      const events = await listJobEvents(t.db, queued.id);
      expect(events.map((e) => `${e.step ?? "-"} ${e.type}`)).toEqual([
        "- job.queued",
        "first step.started",
        "first step.succeeded",
        "second step.started",
        "second note",
        "second step.succeeded",
        "second job.succeeded",
      ]);
      const ids = events.map((e) => e.id);
      expect([...ids].sort((a, b) => a - b)).toEqual(ids);
      const after = await listJobEvents(t.db, queued.id, { afterId: events[3]!.id });
      expect(after.map((e) => e.id)).toEqual(ids.slice(4));
      expect(after[0]?.data).toEqual({ ok: true });
    });

    it("allows one active job per subject, and a new one once it ended", async () => {
      const definition = job([{ name: "only", run: async () => ({}) }]);
      const first = await enqueueJob(t.db, { kind: definition.kind, subject: "request:one", payload: {} });
      const second = enqueueJob(t.db, { kind: definition.kind, subject: "request:one", payload: {} });
      await expect(second).rejects.toBeInstanceOf(JobConflictError);
      await expect(second).rejects.toMatchObject({ activeJobId: first.id });
      start([definition]);
      await waitForStatus(t.db, first.id, ["SUCCEEDED"]);
      const again = await enqueueJob(t.db, { kind: definition.kind, subject: "request:one", payload: {} });
      await waitForStatus(t.db, again.id, ["SUCCEEDED"]);
    });

    it("claims each job once across competing workers and holds a lease while running", async () => {
      const runs: string[] = [];
      const leases: { owner: string | null; token: string | null; expiresInMs: number; status: string }[] = [];
      const definition = job([
        {
          name: "work",
          run: async (ctx) => {
            runs.push(ctx.jobId);
            const row = await t.db.job.findUniqueOrThrow({ where: { id: ctx.jobId } });
            leases.push({
              owner: row.leaseOwner,
              token: row.leaseToken,
              expiresInMs: (row.leaseExpiresAt?.getTime() ?? 0) - Date.now(),
              status: row.status,
            });
            await sleep(5);
          },
        },
      ]);
      const jobs = await Promise.all(Array.from({ length: 24 }, () => enqueue(definition)));
      // A lease far above any scheduling hiccup: this test is about the claim, not about expiry.
      start([definition], { concurrency: 3, leaseMs: 10_000 });
      start([definition], { concurrency: 3, leaseMs: 10_000 });
      start([definition], { concurrency: 3, leaseMs: 10_000 });
      for (const j of jobs) await waitForStatus(t.db, j.id, ["SUCCEEDED"]);
      const recovered = await t.db.jobEvent.count({ where: { jobId: { in: jobs.map((j) => j.id) }, type: "job.recovered" } });
      expect(recovered, "no lease may expire in this test").toBe(0);
      expect(runs).toHaveLength(24);
      expect(new Set(runs).size).toBe(24);
      for (const lease of leases) {
        expect(lease.status).toBe("RUNNING");
        expect(lease.owner).toMatch(/^test-/);
        expect(lease.token).toBeTruthy();
        expect(lease.expiresInMs).toBeGreaterThan(0);
      }
      const attempts = await t.db.job.findMany({ where: { id: { in: jobs.map((j) => j.id) } }, select: { attempts: true } });
      expect(attempts.every((a) => a.attempts === 1)).toBe(true);
    });

    it("heartbeats extend the lease of a long step, so no other worker takes it over", async () => {
      let runs = 0;
      const definition = job([
        {
          name: "long",
          run: async () => {
            runs++;
            // Outlives two lease periods: only heartbeats keep the second worker off it.
            await sleep(2_500);
          },
        },
      ]);
      const queued = await enqueue(definition);
      start([definition], { leaseMs: 1_200, heartbeatMs: 100 });
      await waitForStatus(t.db, queued.id, ["RUNNING"]);
      const early = await t.db.job.findUniqueOrThrow({ where: { id: queued.id } });
      start([definition], { leaseMs: 1_200, heartbeatMs: 100 });
      await sleep(1_500);
      const later = await t.db.job.findUniqueOrThrow({ where: { id: queued.id } });
      expect(later.leaseToken).toBe(early.leaseToken);
      expect(later.heartbeatAt!.getTime()).toBeGreaterThan(early.heartbeatAt!.getTime());
      expect(later.leaseExpiresAt!.getTime()).toBeGreaterThan(early.leaseExpiresAt!.getTime());
      await waitForStatus(t.db, queued.id, ["SUCCEEDED"]);
      expect(runs).toBe(1);
    });

    it("recovers a job whose lease expired: the step resumes from its checkpoint, counting the lost attempt", async () => {
      const entries: { saved: JsonValue | undefined; attempt: number }[] = [];
      const definition = job([
        { name: "done-before", run: async () => ({ never: "rerun" }) },
        {
          name: "deploy",
          run: async (ctx) => {
            entries.push({ saved: ctx.saved, attempt: ctx.attempt });
            return { deployed: true };
          },
        },
      ]);
      const stale = await t.db.job.create({
        data: {
          kind: definition.kind,
          subject: "stale",
          activeSubject: "stale",
          payload: {},
          status: "RUNNING",
          currentStep: "deploy",
          checkpoints: { "done-before": { done: true, data: { first: 1 } }, deploy: { done: false, data: { deployment: "dep-1" } } },
          leaseOwner: "crashed-worker",
          leaseToken: "old-token",
          leaseExpiresAt: new Date(Date.now() - 1_000),
        },
      });
      const alive = await t.db.job.create({
        data: {
          kind: definition.kind,
          subject: "alive",
          activeSubject: "alive",
          payload: {},
          status: "RUNNING",
          currentStep: "deploy",
          leaseOwner: "live-worker",
          leaseToken: "live-token",
          leaseExpiresAt: new Date(Date.now() + 60_000),
        },
      });
      start([definition]);
      const done = await waitForStatus(t.db, stale.id, ["SUCCEEDED"]);
      expect(entries).toEqual([{ saved: { deployment: "dep-1" }, attempt: 2 }]);
      expect(done.checkpoints).toMatchObject({ "done-before": { data: { first: 1 } }, deploy: { done: true, data: { deployed: true } } });
      const types = (await listJobEvents(t.db, stale.id)).map((e) => e.type);
      expect(types).toEqual(["job.recovered", "step.succeeded", "job.succeeded"]);
      await sleep(150);
      const untouched = await t.db.job.findUniqueOrThrow({ where: { id: alive.id } });
      expect(untouched).toMatchObject({ status: "RUNNING", leaseOwner: "live-worker", leaseToken: "live-token", attempts: 0 });
    });

    it("aborts a step whose lease was taken over and discards its outcome", async () => {
      let isStarted = false;
      let signalReason: unknown;
      let checkpointError: unknown;
      const definition = job([
        {
          name: "slow",
          run: async (ctx) => {
            isStarted = true;
            await new Promise<void>((resolve) => ctx.signal.addEventListener("abort", () => resolve(), { once: true }));
            signalReason = ctx.signal.reason;
            checkpointError = await ctx.checkpoint({ late: true }).catch((e: unknown) => e);
            return { late: true };
          },
        },
      ]);
      const queued = await enqueue(definition);
      start([definition], { leaseMs: 400, heartbeatMs: 50 });
      // The step itself, not just the claim: a takeover before the step starts ends the run
      // before it (the step.started write is fenced too), and this test would wait in vain.
      await waitUntil(() => isStarted, 10_000, "the step to start");
      // Another worker took the job over (as if this one had stalled past its lease).
      // (The thief holds it for a while, so this worker does not take it back as stale meanwhile.)
      await t.db.job.update({ where: { id: queued.id }, data: { leaseOwner: "thief", leaseToken: "thief-token", leaseExpiresAt: new Date(Date.now() + 60_000) } });
      await waitUntil(() => signalReason !== undefined, 10_000, "the step to be interrupted");
      await sleep(50);
      expect(signalReason).toBeInstanceOf(StepInterruptedError);
      expect((signalReason as StepInterruptedError).reason).toBe("lease-lost");
      expect(checkpointError).toBeInstanceOf(StepInterruptedError);
      const row = await t.db.job.findUniqueOrThrow({ where: { id: queued.id } });
      expect(row).toMatchObject({ status: "RUNNING", leaseToken: "thief-token" });
      expect(row.checkpoints).toMatchObject({ slow: { done: false } });
      expect(JSON.stringify(row.checkpoints)).not.toContain("late");
      await t.db.job.update({ where: { id: queued.id }, data: { status: "CANCELLED", activeSubject: null } });
    });

    it("retries failures with backoff, honouring Retry-After, and shows only user-facing text", async () => {
      const startedAt: number[] = [];
      const definition = job([
        {
          name: "call",
          maxAttempts: 4,
          run: async () => {
            startedAt.push(Date.now());
            if (startedAt.length === 1) throw new RetryableStepError("The service is busy.", { retryAfterMs: 400 });
            if (startedAt.length === 2) throw new Error("ECONNRESET secret-internal-detail");
            return { ok: true };
          },
        },
      ]);
      const queued = await enqueue(definition);
      start([definition], { backoff: { baseMs: 50, capMs: 50 } });
      await waitForStatus(t.db, queued.id, ["SUCCEEDED"]);
      expect(startedAt).toHaveLength(3);
      expect(startedAt[1]! - startedAt[0]!).toBeGreaterThanOrEqual(390);
      const retrying = (await listJobEvents(t.db, queued.id)).filter((e) => e.type === "step.retrying");
      expect(retrying.map((e) => e.data)).toEqual([
        { attempt: 1, maxAttempts: 4, delayMs: 400 },
        { attempt: 2, maxAttempts: 4, delayMs: expect.any(Number) },
      ]);
      // Without Retry-After the plain backoff applies (capped at 50 ms here).
      expect(retrying[1]?.data).toMatchObject({ delayMs: expect.any(Number) });
      expect(Number((retrying[1]?.data as { delayMs: number }).delayMs)).toBeLessThanOrEqual(50);
      expect(retrying[0]?.message).toContain("The service is busy.");
      expect(retrying[1]?.message).toContain("failed unexpectedly");
      expect(JSON.stringify(retrying)).not.toContain("secret-internal-detail");
    });

    it("enforces each step's own attempt limit and fails at once on a permanent error", async () => {
      const calls: Record<string, number> = {};
      const count = (name: string) => (calls[name] = (calls[name] ?? 0) + 1);
      const flaky = job([
        { name: "once", maxAttempts: 1, run: async () => void count("once") },
        {
          name: "thrice",
          maxAttempts: 3,
          run: async () => {
            count("thrice");
            throw new RetryableStepError("Nexus did not answer.");
          },
        },
      ]);
      const permanent = job([
        {
          name: "validate",
          maxAttempts: 5,
          run: async () => {
            count("validate");
            throw new PermanentStepError("Package “numpyy” is not on the feed.");
          },
        },
      ]);
      const a = await enqueue(flaky);
      const b = await enqueue(permanent);
      start([flaky, permanent]);
      const failed = await waitForStatus(t.db, a.id, ["FAILED"]);
      const stopped = await waitForStatus(t.db, b.id, ["FAILED"]);
      expect(calls).toEqual({ once: 1, thrice: 3, validate: 1 });
      expect(failed).toMatchObject({ currentStep: "thrice", stepAttempts: 3, maxAttempts: 3, activeSubject: null, leaseToken: null });
      expect(failed.lastError).toBe("Nexus did not answer. (gave up after 3 attempts)");
      expect(stopped.lastError).toBe("Package “numpyy” is not on the feed.");
      const types = (await listJobEvents(t.db, a.id)).map((e) => e.type);
      expect(types.filter((x) => x === "step.retrying")).toHaveLength(2);
      expect(types.at(-1)).toBe("job.failed");
    });

    it("waits without holding a slot and resumes the step from its checkpoint", async () => {
      let submissions = 0;
      const observed: JsonValue[] = [];
      const poller = job([
        {
          name: "build",
          run: async (ctx) => {
            const saved = isJsonObject(ctx.saved) ? ctx.saved : undefined;
            if (!saved) {
              submissions++;
              await ctx.checkpoint({ buildId: "b-1", polls: 0 });
              return ctx.waitFor(150, { buildId: "b-1", polls: 1 });
            }
            observed.push(saved);
            const polls = Number(saved.polls);
            return polls < 3 ? ctx.waitFor(150, { buildId: saved.buildId ?? null, polls: polls + 1 }) : { image: "env:1" };
          },
        },
      ]);
      const quick = job([{ name: "quick", run: async () => ({ ok: true }) }]);
      const slow = await enqueue(poller);
      start([poller, quick], { concurrency: 1 });
      const waiting = await waitForStatus(t.db, slow.id, ["WAITING"]);
      expect(waiting).toMatchObject({ leaseOwner: null, leaseToken: null });
      expect(waiting.runAfter.getTime()).toBeGreaterThan(waiting.updatedAt.getTime());
      // The only slot is free while the first job waits.
      const fast = await enqueue(quick);
      const fastDone = await waitForStatus(t.db, fast.id, ["SUCCEEDED"]);
      const done = await waitForStatus(t.db, slow.id, ["SUCCEEDED"]);
      expect(fastDone.finishedAt!.getTime()).toBeLessThan(done.finishedAt!.getTime());
      expect(submissions).toBe(1);
      expect(observed).toEqual([
        { buildId: "b-1", polls: 1 },
        { buildId: "b-1", polls: 2 },
        { buildId: "b-1", polls: 3 },
      ]);
      expect(done.checkpoints).toMatchObject({ build: { done: true, data: { image: "env:1" } } });
    });

    it("cancels queued, waiting and running jobs", async () => {
      let interrupted: unknown;
      let laterSteps = 0;
      const running = job([
        {
          name: "hang",
          run: async (ctx) => {
            await ctx.checkpoint({ started: true });
            await new Promise<void>((resolve) => ctx.signal.addEventListener("abort", () => resolve(), { once: true }));
            interrupted = ctx.signal.reason;
            throw ctx.signal.reason;
          },
        },
        { name: "after", run: async () => void laterSteps++ },
      ]);
      const waiting = job([{ name: "poll", run: async (ctx) => ctx.waitFor(60_000) }]);
      const idle = job([{ name: "never", run: async () => void laterSteps++ }]);

      const queued = await enqueueJob(t.db, { kind: idle.kind, subject: "cancel-queued", payload: {}, runAfter: new Date(Date.now() + 60_000) });
      const cancelledQueued = await requestCancel(t.db, queued.id, { by: "Ada" });
      expect(cancelledQueued).toMatchObject({ status: "CANCELLED", activeSubject: null });

      const w = await enqueue(waiting);
      const r = await enqueue(running);
      start([running, waiting, idle]);
      await waitForStatus(t.db, w.id, ["WAITING"]);
      expect((await requestCancel(t.db, w.id)).status).toBe("CANCELLED");

      await waitUntil(async () => isJsonObject((await t.db.job.findUniqueOrThrow({ where: { id: r.id } })).checkpoints), 10_000, "the running step");
      const flagged = await requestCancel(t.db, r.id);
      expect(flagged.status === "CANCELLED" || flagged.cancelRequested).toBe(true);
      const cancelled = await waitForStatus(t.db, r.id, ["CANCELLED"]);
      expect((interrupted as StepInterruptedError).reason).toBe("cancelled");
      expect(cancelled).toMatchObject({ activeSubject: null, leaseToken: null, lastError: null });
      expect(cancelled.checkpoints).toMatchObject({ hang: { done: false, data: { started: true } } });
      expect(laterSteps).toBe(0);
      const types = (await listJobEvents(t.db, r.id)).map((e) => e.type);
      expect(types.slice(-2)).toEqual(["job.cancel-requested", "job.cancelled"]);
      expect((await listJobEvents(t.db, queued.id)).at(-1)?.message).toBe("Cancelled by Ada.");
      // Cancelling again is harmless.
      expect((await requestCancel(t.db, r.id)).status).toBe("CANCELLED");
    });

    it("keeps the result of a step that finished despite a cancel, and runs nothing after it", async () => {
      let laterSteps = 0;
      const definition = job([
        {
          name: "deploy",
          run: async (ctx) => {
            await requestCancel(t.db, ctx.jobId);
            // The deployment went through anyway; its record must not be lost.
            return { deployment: "dep-7" };
          },
        },
        { name: "register", run: async () => void laterSteps++ },
      ]);
      const queued = await enqueue(definition);
      start([definition]);
      const cancelled = await waitForStatus(t.db, queued.id, ["CANCELLED"]);
      expect(laterSteps).toBe(0);
      expect(cancelled.checkpoints).toMatchObject({ deploy: { done: true, data: { deployment: "dep-7" } } });
      const types = (await listJobEvents(t.db, queued.id)).map((e) => e.type);
      expect(types.slice(-3)).toEqual(["job.cancel-requested", "step.succeeded", "job.cancelled"]);
    });

    it("notices a cancel from another process on the next heartbeat", async () => {
      let interrupted: unknown;
      const definition = job([
        {
          name: "hang",
          run: async (ctx) => {
            await new Promise<void>((resolve) => ctx.signal.addEventListener("abort", () => resolve(), { once: true }));
            interrupted = ctx.signal.reason;
            ctx.signal.throwIfAborted();
          },
        },
      ]);
      const queued = await enqueue(definition);
      start([definition], { heartbeatMs: 50 });
      await waitForStatus(t.db, queued.id, ["RUNNING"]);
      // What requestCancel in another process leaves behind, without this process's wake-up.
      await t.db.job.update({ where: { id: queued.id }, data: { cancelRequested: true } });
      await waitForStatus(t.db, queued.id, ["CANCELLED"]);
      expect((interrupted as StepInterruptedError).reason).toBe("cancelled");
    });

    it("retries a failed job from the failed step, which sees what it had saved", async () => {
      const calls: string[] = [];
      let isBroken = true;
      const definition = job([
        { name: "infra", run: async () => void calls.push("infra") },
        {
          name: "feeds",
          maxAttempts: 2,
          run: async (ctx) => {
            calls.push(`feeds:${JSON.stringify(ctx.saved ?? null)}`);
            if (!ctx.saved) await ctx.checkpoint({ repo: "pypi-proxy" });
            if (isBroken) throw new PermanentStepError("Wrong feed credentials.");
            return { repo: "pypi-proxy", url: "https://nexus/repository/pypi-proxy/simple" };
          },
        },
      ]);
      const queued = await enqueue(definition);
      start([definition]);
      await waitForStatus(t.db, queued.id, ["FAILED"]);
      await expect(retryJob(t.db, (await enqueue(job([{ name: "x", run: async () => ({}) }]))).id)).rejects.toBeInstanceOf(JobStateError);

      // A new run for the same subject blocks the retry until it ends.
      const blocker = await enqueueJob(t.db, { kind: "unclaimed-kind", subject: queued.subject, payload: {} });
      await expect(retryJob(t.db, queued.id)).rejects.toBeInstanceOf(JobConflictError);
      await requestCancel(t.db, blocker.id);

      isBroken = false;
      const retried = await retryJob(t.db, queued.id, { by: "Ada" });
      expect(retried).toMatchObject({ status: "QUEUED", stepAttempts: 0, lastError: null, activeSubject: queued.subject });
      const done = await waitForStatus(t.db, queued.id, ["SUCCEEDED"]);
      expect(calls).toEqual(["infra", 'feeds:null', 'feeds:{"repo":"pypi-proxy"}']);
      expect(done.checkpoints).toMatchObject({ infra: { done: true }, feeds: { done: true, data: { repo: "pypi-proxy" } } });
      const types = (await listJobEvents(t.db, queued.id)).map((e) => e.type);
      expect(types).toContain("job.retried");
      expect(types.filter((x) => x === "step.started")).toHaveLength(2);
    });

    it("on stop, lets the running step finish and hands the next step back", async () => {
      let finished = 0;
      let secondRuns = 0;
      let isStepRunning = false;
      const definition = job([
        {
          name: "finishing",
          run: async () => {
            isStepRunning = true;
            await sleep(200);
            finished++;
          },
        },
        { name: "next", run: async () => void secondRuns++ },
      ]);
      const queued = await enqueue(definition);
      const worker = start([definition]);
      await waitUntil(() => isStepRunning, 15_000, "the step to start");
      await worker.stop({ graceMs: 20_000 });
      const row = await t.db.job.findUniqueOrThrow({ where: { id: queued.id } });
      expect(finished).toBe(1);
      expect(secondRuns).toBe(0);
      expect(row).toMatchObject({ status: "QUEUED", currentStep: "next", leaseToken: null, stepAttempts: 0 });
      start([definition]);
      await waitForStatus(t.db, queued.id, ["SUCCEEDED"]);
      expect(finished).toBe(1);
      expect(secondRuns).toBe(1);
    });

    it("on stop past the grace period, interrupts the step and releases it without spending an attempt", async () => {
      let reason: unknown;
      let isStepRunning = false;
      const definition = job([
        {
          name: "endless",
          run: async (ctx) => {
            if (ctx.attempt > 1 || reason) return { second: true };
            isStepRunning = true;
            await new Promise<void>((resolve) => ctx.signal.addEventListener("abort", () => resolve(), { once: true }));
            reason = ctx.signal.reason;
            throw ctx.signal.reason;
          },
        },
      ]);
      const queued = await enqueue(definition);
      const worker = start([definition]);
      await waitUntil(() => isStepRunning, 15_000, "the step to start");
      await worker.stop({ graceMs: 50 });
      expect((reason as StepInterruptedError).reason).toBe("shutdown");
      const row = await t.db.job.findUniqueOrThrow({ where: { id: queued.id } });
      expect(row).toMatchObject({ status: "QUEUED", leaseToken: null, stepAttempts: 0 });
      expect((await listJobEvents(t.db, queued.id)).at(-1)?.type).toBe("step.interrupted");
      start([definition]);
      await waitForStatus(t.db, queued.id, ["SUCCEEDED"]);
    });

    it("sleeps when idle, backing off, and wakes at once for a job enqueued in this process", async () => {
      const definition = job([{ name: "only", run: async () => ({}) }]);
      let polls = 0;
      const counting = new Proxy(t.db, {
        get(target, key, receiver) {
          const value: unknown = Reflect.get(target, key, receiver);
          if (key !== "job") return value;
          return new Proxy(target.job, {
            get(jobTarget, jobKey, jobReceiver) {
              if (jobKey === "findMany") polls++;
              return Reflect.get(jobTarget, jobKey, jobReceiver);
            },
          });
        },
      });
      start([definition], { db: counting, idlePollMs: { min: 100, max: 10_000 } });
      await sleep(1_600);
      // Polls after 0, 100, 300, 700 and 1500 ms, the next at 3100: nowhere near a busy loop.
      expect(polls).toBeGreaterThanOrEqual(3);
      expect(polls).toBeLessThanOrEqual(6);
      const before = Date.now();
      const queued = await enqueue(definition);
      await waitForStatus(t.db, queued.id, ["SUCCEEDED"]);
      // The next poll is about 1.5 s away; only the in-process wake-up explains this.
      expect(Date.now() - before).toBeLessThan(1_200);
    });
  });
}
