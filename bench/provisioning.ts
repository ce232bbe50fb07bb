/**
 * Provisioning figures for `npm run bench`: the cloud calls one completed request costs, by
 * service, and its wall time, against the sandbox cloud at a fast pace. Needs the sandbox CA
 * trusted at process start (bench/main.ts sets NODE_EXTRA_CA_CERTS and re-executes).
 */
import "server-only";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createThrowawayDatabase } from "@/testing/throwaway-database";
import { createWorker } from "@/lib/jobs/create-worker";
import { enqueueJob } from "@/lib/jobs/enqueue-job";
import { feedRequestSchema } from "@/lib/validation/feed-request";
import { seedDemoData } from "@/prisma/seed";
import { startSandbox } from "@/sandbox/main";
import { loadSandboxCloud } from "../lib/cloud/load-cloud";
import { createProvisionRequestJob } from "../lib/workflows/provision-request/definition";
import { PROVISION_REQUEST_KIND } from "../lib/workflows/provision-request/schema";

const RUNS = 5;

export async function benchProvisioning(options: { caDir?: string } = {}): Promise<Record<string, number | string>> {
  const caDir = options.caDir ?? process.env.SANDBOX_CA_DIR;
  if (!caDir) throw new Error("benchProvisioning needs the sandbox CA directory (SANDBOX_CA_DIR), trusted through NODE_EXTRA_CA_CERTS");
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "feedgate-bench-provision-"));
  const sandbox = await startSandbox({ dataDir, caDir, pace: { armStepMs: 5, buildStepMs: 5 }, recorderCapacity: 100_000 });
  const t = await createThrowawayDatabase("sqlite");
  const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };
  const worker = createWorker({
    db: t.db,
    owner: "bench",
    jobs: [createProvisionRequestJob({ db: t.db, cloud: loadSandboxCloud(sandbox.endpoints), pollMs: 20 })],
    idlePollMs: { min: 5, max: 20 },
    logger: silent,
  });
  try {
    await seedDemoData(t.db, { nexusBaseUrl: sandbox.endpoints.nexus, nexusCredentialRef: `file:${sandbox.endpoints.nexusAdminPasswordFile}` });
    const team = await t.db.team.findUniqueOrThrow({ where: { slug: "vision" } });
    const host = await t.db.feedHost.findFirstOrThrow({ where: { kind: "nexus" } });
    const upstreams = await t.db.upstreamSource.findMany({ where: { status: "approved" } });
    worker.start();
    const calls = new Map<string, number>();
    let wallMs = 0;
    for (let i = 0; i < RUNS; i++) {
      const before = sandbox.recorder.totalRecorded;
      const payload = feedRequestSchema.parse({
        teamId: team.id,
        title: `Bench ${i}`,
        workspace: { mode: "new", region: "eastus", namePrefix: `bench${i}`, addressSpace: `10.${i}.0.0/16` },
        feedHost: { mode: "existing", hostId: host.id },
        upstreamIds: upstreams.map((u) => u.id),
        environments: [{ name: "train", baseImage: "mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04:latest", pip: ["tinyml==0.3.0"], conda: ["tinyhttp"] }],
      });
      const request = await t.db.feedRequest.create({ data: { teamId: team.id, submittedByOid: "bench", title: payload.title, payload, status: "APPROVED" } });
      const started = performance.now();
      const job = await enqueueJob(t.db, { kind: PROVISION_REQUEST_KIND, subject: `request:${request.id}`, payload: { requestId: request.id, upstreamIds: payload.upstreamIds } });
      for (;;) {
        const j = await t.db.job.findUniqueOrThrow({ where: { id: job.id } });
        if (j.status === "SUCCEEDED") break;
        if (j.status === "FAILED" || j.status === "CANCELLED") throw new Error(`bench request failed: ${j.lastError}`);
        await new Promise((r) => setTimeout(r, 10));
      }
      wallMs += performance.now() - started;
      for (const r of sandbox.recorder.query({ sinceSeq: before })) calls.set(r.service, (calls.get(r.service) ?? 0) + 1);
    }
    const out: Record<string, number | string> = { "provision.requests": RUNS, "provision.wallMsPerRequest(fast sandbox pace)": Math.round(wallMs / RUNS) };
    let total = 0;
    for (const [service, n] of [...calls].sort()) {
      out[`provision.callsPerRequest.${service}`] = Math.round((n / RUNS) * 10) / 10;
      total += n;
    }
    out["provision.callsPerRequest.total"] = Math.round((total / RUNS) * 10) / 10;
    return out;
  } finally {
    await worker.stop({ graceMs: 1000 });
    await t.drop();
    await sandbox.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
