/**
 * Restart: a feed provisioned against a sandbox cloud that keeps its state (as npm start runs it:
 * a data dir, fixed ports), then the sandbox and the worker stop and start again from the same
 * data dir. The pip.conf the catalog handed out before the restart must still install packages.
 * Then the feed watcher: a feed host that goes away makes the feed DEGRADED (never READY and
 * dead) and READY again when it is back; a repository deleted behind Feedgate's back makes it
 * DEGRADED until Repair re-creates it, after which the same pip.conf installs again.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadSandboxCloud } from "@/lib/cloud/load-cloud";
import type { PrismaClient } from "@/lib/db/client";
import { feedClientOf, renderFeedConfigFile } from "@/lib/feeds/feed-config-files";
import { createWorker, type JobWorker } from "@/lib/jobs/create-worker";
import { enqueueJob } from "@/lib/jobs/enqueue-job";
import { feedRequestSchema } from "@/lib/validation/feed-request";
import { repairFeed } from "@/lib/policy/feed-upstream-policy";
import { ensureDriftWatch } from "@/lib/workflows/check-feed-drift/ensure-watch";
import { createCheckFeedDriftJob } from "@/lib/workflows/check-feed-drift/definition";
import { createSyncFeedPolicyJob } from "@/lib/workflows/sync-feed-policy/definition";
import { seedDemoData } from "@/prisma/seed";
import { actingUser } from "@/testing/approval-fixtures";
import { basicAuth } from "@/testing/sandbox";
import { freePorts, SANDBOX_SERVICES, startTestSandbox } from "@/testing/sandbox-restart";
import type { TestSandbox } from "@/testing/sandbox";
import { createTestDatabase, type TestDatabase } from "@/testing/test-database";
import { createProvisionRequestJob } from "./definition";
import { PROVISION_REQUEST_KIND } from "./schema";
import { until } from "@/testing/until";
import { settleJob } from "@/testing/jobs/settle-job";

const run = promisify(execFile);
const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

let t: TestDatabase;
let dir: string;
let sandboxOptions: Parameters<typeof startTestSandbox>[0];
let sandbox: TestSandbox | undefined;
let worker: JobWorker | undefined;

async function startAll(): Promise<TestSandbox> {
  sandbox = await startTestSandbox(sandboxOptions);
  const cloud = loadSandboxCloud(sandbox.endpoints);
  worker = createWorker({
    db: t.db,
    owner: `restart-worker-${Math.random().toString(36).slice(2, 6)}`,
    jobs: [createProvisionRequestJob({ db: t.db, cloud, pollMs: 20 }), createSyncFeedPolicyJob({ db: t.db, cloud }), createCheckFeedDriftJob({ db: t.db, cloud })],
    leaseMs: 5_000,
    idlePollMs: { min: 10, max: 50 },
    backoff: { baseMs: 10, capMs: 50 },
    logger: silent,
  });
  worker.start();
  return sandbox;
}

async function stopAll(): Promise<void> {
  await worker?.stop({ graceMs: 1000 });
  await sandbox?.stop();
  worker = undefined;
  sandbox = undefined;
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), "feedgate-restart-"));
  const ports = await freePorts(SANDBOX_SERVICES.length);
  sandboxOptions = { dataDir: path.join(dir, "sandbox"), persistState: true, snapshotDebounceMs: 20, ports: Object.fromEntries(SANDBOX_SERVICES.map((s, i) => [s, ports[i]])) };
  t = await createTestDatabase("sqlite");
  const first = await startAll();
  await seedDemoData(t.db, { nexusBaseUrl: first.endpoints.nexus, nexusCredentialRef: `file:${first.endpoints.nexusAdminPasswordFile}` });
});

afterAll(async () => {
  await stopAll();
  await t?.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe("a provisioned feed across a restart of the sandbox cloud and the worker", () => {
  it("the pip.conf handed out before the restart still installs through real pip", async () => {
    const job = await provision(t.db);
    const done = await settleJob(t.db, job.id);
    expect(done.lastError).toBeNull();
    expect(done.status).toBe("SUCCEEDED");
    const feed = await t.db.feed.findFirstOrThrow({ where: { status: "READY" } });
    const client = feedClientOf(feed);
    expect(client).not.toBeNull();
    const pipConf = renderFeedConfigFile(client!, "pip.conf") ?? "";
    expect(pipConf).toContain(feed.pipIndexUrl ?? "no index");
    const endpointsBefore = sandbox?.endpoints;

    await stopAll();
    // Nothing listens now: what answers after this is the restarted sandbox.
    await expect(fetch(`${endpointsBefore?.nexus}/service/rest/v1/status`)).rejects.toThrow();
    const second = await startAll();
    expect(second.endpoints).toEqual(endpointsBefore);

    const venv = path.join(dir, "venv");
    await run("python3", ["-m", "venv", venv], { timeout: 60_000 });
    const confFile = path.join(dir, "pip.conf");
    writeFileSync(confFile, pipConf);
    await expectPipInstalls(venv, confFile, second.endpoints.caCertFile);
  });

  it("a feed whose host goes away is DEGRADED until it answers, one whose repository was deleted until Repair", async () => {
    const feed = await t.db.feed.findFirstOrThrow({ where: { status: "READY" } });
    const endpoints = sandbox!.endpoints;
    // The watcher, as every worker starts it (here with a quick round).
    await ensureDriftWatch(t.db, 100);

    // The host goes away: the next round finds the index silent.
    await sandbox!.stop();
    const down = await until("the feed to be DEGRADED", async () => {
      const f = await t.db.feed.findUniqueOrThrow({ where: { id: feed.id } });
      return f.status === "DEGRADED" ? f : undefined;
    });
    expect(JSON.stringify(down.lastHealth)).toMatch(/did not answer/);
    expect(JSON.stringify(down.lastHealth)).toMatch(/marks it READY once it answers/);
    expect(await t.db.auditEvent.count({ where: { action: "feed.flagged", targetId: feed.id, actorOid: "system:check-feed-health" } })).toBe(1);

    // It comes back on the same ports with the same state: READY again by itself.
    sandbox = await startTestSandbox(sandboxOptions);
    await until("the feed to be READY again", async () => (await t.db.feed.findUniqueOrThrow({ where: { id: feed.id } })).status === "READY");
    expect(await t.db.auditEvent.count({ where: { action: "feed.recovered", targetId: feed.id } })).toBe(1);

    // Its group repository is deleted behind Feedgate's back: DEGRADED, naming what is missing.
    const group = feed.groupRepository ?? "no group";
    const password = sandbox.nexusAdminPassword;
    const deleted = await fetch(`${endpoints.nexus}/service/rest/v1/repositories/${group}`, { method: "DELETE", headers: { authorization: basicAuth("admin", password) } });
    expect(deleted.status).toBe(204);
    const drifted = await until("the feed to be DEGRADED for drift", async () => {
      const f = await t.db.feed.findUniqueOrThrow({ where: { id: feed.id } });
      return f.status === "DEGRADED" ? f : undefined;
    });
    expect(JSON.stringify(drifted.lastHealth)).toContain(group);

    // A feed degraded for drift is not cleared by the watcher: Repair re-creates the group.
    const admin = await actingUser(t.db, "Dmitri Ivanov");
    const repair = await repairFeed(t.db, admin, feed.id, "corr-restart-repair");
    expect((await settleJob(t.db, repair.jobId ?? "")).status).toBe("SUCCEEDED");
    expect((await t.db.feed.findUniqueOrThrow({ where: { id: feed.id } })).status).toBe("READY");
    expect((await fetch(`${endpoints.nexus}/service/rest/v1/repositories/pypi/group/${group}`, { headers: { authorization: basicAuth("admin", password) } })).status).toBe(200);

    // The pip.conf handed out at the start installs again.
    const client = feedClientOf(feed);
    const confFile = path.join(dir, "pip-after-repair.conf");
    writeFileSync(confFile, renderFeedConfigFile(client!, "pip.conf") ?? "");
    const venv = path.join(dir, "venv-after-repair");
    await run("python3", ["-m", "venv", venv], { timeout: 60_000 });
    await expectPipInstalls(venv, confFile, endpoints.caCertFile);
  });
});

async function expectPipInstalls(venv: string, confFile: string, caCertFile: string) {
  const pip = await run(path.join(venv, "bin", "pip"), ["install", "--no-cache-dir", "--disable-pip-version-check", "tinyml==0.3.0"], { env: hermeticPipEnv(confFile, caCertFile), timeout: 120_000 });
  expect(pip.stdout).toMatch(/Successfully installed .*tinyml-0\.3\.0/);
  const hello = await run(path.join(venv, "bin", "python"), ["-c", "import tinyml; print(tinyml.__name__)"]);
  expect(hello.stdout.trim()).toBe("tinyml");
}

/** No PIP_* or CA-bundle variables from the machine, no global pip config: only this pip.conf, and the sandbox CA. */
function hermeticPipEnv(confFile: string, caCertFile: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(env)) if (/^PIP_|CA_BUNDLE$|^SSL_CERT_/.test(key)) delete env[key];
  return { ...env, HOME: dir, XDG_CONFIG_HOME: path.join(dir, "xdg"), PIP_CONFIG_FILE: confFile, PIP_CERT: caCertFile, PIP_NO_INPUT: "1" };
}

async function provision(db: PrismaClient) {
  const team = await db.team.findUniqueOrThrow({ where: { slug: "vision" } });
  const host = await db.feedHost.findFirstOrThrow({ where: { kind: "nexus" } });
  const upstreams = await db.upstreamSource.findMany({ where: { status: "approved" } });
  const payload = feedRequestSchema.parse({
    teamId: team.id,
    title: "Vision feed",
    workspace: { mode: "new", region: "westeurope", namePrefix: "restart", addressSpace: "10.43.0.0/16" },
    feedHost: { mode: "existing", hostId: host.id },
    upstreamIds: upstreams.map((u) => u.id),
    environments: [{ name: "train", baseImage: "mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04:latest", conda: [], pip: ["tinyml==0.3.0"] }],
  });
  const request = await db.feedRequest.create({ data: { teamId: team.id, submittedByOid: "test", title: payload.title, payload, status: "APPROVED" } });
  return enqueueJob(db, { kind: PROVISION_REQUEST_KIND, subject: `request:${request.id}`, payload: { requestId: request.id, upstreamIds: payload.upstreamIds } });
}

/** Waits on the job's own state (it moves step by step), with a generous deadline only as a backstop. */
