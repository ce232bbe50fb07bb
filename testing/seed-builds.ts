/**
 * Synthetic fleet data for tests and the scale benchmark: workspaces, environments and builds
 * written with createMany in batches, and one large log. Deterministic for a given seed, with
 * deliberate ties on queuedAt so keyset paging is tested where it is hardest.
 * Test and benchmark code only; nothing in the app imports it.
 */
import type { Prisma } from "@/generated/prisma/client";
import type { PrismaClient } from "@/lib/db/client";
import { FAILURE_CLASSES, type BuildStatusValue, type FailureClassValue } from "@/lib/builds/build-filters";

export interface SeedBuildsOptions {
  count: number;
  /** Team ids to spread builds over (round robin by workspace). */
  teamIds: string[];
  workspacesPerTeam?: number;
  environmentsPerWorkspace?: number;
  /** Builds are queued over this many days before `now`. */
  days?: number;
  now?: Date;
  seed?: number;
  /** Prefix for names, so several seeds in one database stay apart. */
  prefix?: string;
}

export interface SeededFleet {
  workspaces: { id: string; teamId: string; name: string }[];
  environments: { id: string; teamId: string; workspaceId: string; name: string }[];
}

const BATCH = 2000;
const PIP_URL = "https://nexus.example.internal:8443/repository/pypi-all/simple/";
const CONDA_URL = "https://nexus.example.internal:8443/repository/conda-forge/";

export async function seedFleet(db: PrismaClient, options: SeedBuildsOptions): Promise<SeededFleet> {
  const prefix = options.prefix ?? "fleet";
  const workspaces: SeededFleet["workspaces"] = [];
  const environments: SeededFleet["environments"] = [];
  const host = await db.feedHost.upsert({ where: { name: `${prefix}-nexus` }, update: {}, create: { name: `${prefix}-nexus`, kind: "nexus", baseUrl: "https://nexus.example.internal:8443", credentialRef: "env:NEXUS_ADMIN_PASSWORD" } });
  for (const [t, teamId] of options.teamIds.entries()) {
    for (let w = 0; w < (options.workspacesPerTeam ?? 3); w++) {
      const name = `${prefix}-ws-${t}-${w}`;
      const ws = await db.workspace.create({
        data: { teamId, name, armId: `/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/${name}/providers/Microsoft.MachineLearningServices/workspaces/${name}`, subscriptionId: "00000000-0000-0000-0000-000000000000", resourceGroup: name, region: "westeurope" },
      });
      workspaces.push({ id: ws.id, teamId, name });
      await db.feed.create({ data: { teamId, hostId: host.id, workspaceId: ws.id, name: `${name}-feed`, pipIndexUrl: PIP_URL, condaChannelUrl: CONDA_URL, status: "READY" } });
      const envRows: Prisma.EnvironmentCreateManyInput[] = [];
      for (let e = 0; e < (options.environmentsPerWorkspace ?? 10); e++) {
        envRows.push({
          teamId,
          workspaceId: ws.id,
          name: `${ENV_NAMES[e % ENV_NAMES.length]}-${t}${w}${e}`,
          version: "1",
          baseImage: "mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04:latest",
          packages: { conda: ["python=3.11"], pip: [`numpy==1.${20 + (e % 6)}.0`, "pandas==2.2.2"] },
          dockerfileHash: `hash-${t}-${w}-${e}`,
        });
      }
      await db.environment.createMany({ data: envRows });
    }
  }
  const rows = await db.environment.findMany({ where: { workspaceId: { in: workspaces.map((w) => w.id) } }, select: { id: true, teamId: true, workspaceId: true, name: true }, orderBy: { name: "asc" } });
  environments.push(...rows);

  const random = mulberry32(options.seed ?? 42);
  const now = (options.now ?? new Date()).getTime();
  const span = (options.days ?? 60) * 24 * 3600 * 1000;
  let batch: Prisma.EnvironmentBuildCreateManyInput[] = [];
  let queuedAt = now - span;
  const step = span / options.count;
  for (let i = 0; i < options.count; i++) {
    // Every third build shares the previous one's queuedAt: ties the cursor must break by id.
    if (i % 3 !== 0) queuedAt += step * 3 * random();
    const env = environments[Math.floor(random() * environments.length)];
    if (!env) throw new Error("no environments seeded");
    const recent = now - queuedAt < 30 * 60 * 1000;
    const status = pickStatus(random(), recent);
    const durationMs = isFinished(status) ? Math.round(120_000 + random() * 1_080_000) : null;
    const q = new Date(Math.floor(queuedAt));
    const started = new Date(q.getTime() + 5_000);
    const failureClass: FailureClassValue | null = status === "FAILED" ? (FAILURE_CLASSES[Math.floor(random() * FAILURE_CLASSES.length)] ?? "UNKNOWN") : null;
    batch.push({
      environmentId: env.id,
      teamId: env.teamId,
      workspaceId: env.workspaceId,
      environmentName: env.name,
      status,
      failureClass,
      failureMessage: failureClass ? `Seeded ${failureClass} failure` : null,
      phaseTimings: phaseTimings(q, started, durationMs),
      attempt: 1,
      queuedAt: q,
      startedAt: status === "QUEUED" ? null : started,
      finishedAt: durationMs === null ? null : new Date(started.getTime() + durationMs),
      durationMs,
    });
    if (batch.length >= BATCH) {
      await db.environmentBuild.createMany({ data: batch });
      batch = [];
    }
  }
  if (batch.length) await db.environmentBuild.createMany({ data: batch });
  return { workspaces, environments };
}

/** Writes `bytes` of realistic build-log lines to a build as 64 KiB chunks, 16 rows per insert. */
export async function seedLargeLog(db: PrismaClient, buildId: string, bytes: number): Promise<number> {
  const line = (n: number) => `#${String(n).padStart(7, "0")} 12.${n % 1000}s Collecting package-${n % 997}==1.${n % 13}.0 from https://nexus.example.internal:8443/repository/pypi-all/simple/\n`;
  let offset = 0;
  let seq = 0;
  let n = 0;
  let rows: Prisma.BuildLogChunkCreateManyInput[] = [];
  while (offset < bytes) {
    let text = "";
    while (text.length < 65_536 && offset + text.length < bytes) text += line(n++);
    rows.push({ buildId, seq: seq++, startByte: offset, text });
    offset += Buffer.byteLength(text);
    if (rows.length >= 16) {
      await db.buildLogChunk.createMany({ data: rows });
      rows = [];
    }
  }
  if (rows.length) await db.buildLogChunk.createMany({ data: rows });
  await db.environmentBuild.update({ where: { id: buildId }, data: { logBytes: offset } });
  return offset;
}

const ENV_NAMES = ["pytorch-train", "tf-serving", "sklearn-batch", "vision-detect", "nlp-embed", "xgboost-score", "spark-prep", "llm-finetune", "audio-asr", "tabular-automl"];

function pickStatus(r: number, recent: boolean): BuildStatusValue {
  if (recent) return r < 0.3 ? "QUEUED" : r < 0.5 ? "PROVISIONING_ACR" : "RUNNING";
  return r < 0.8 ? "SUCCEEDED" : r < 0.97 ? "FAILED" : "CANCELLED";
}

function isFinished(s: BuildStatusValue) {
  return s === "SUCCEEDED" || s === "FAILED" || s === "CANCELLED";
}

function phaseTimings(queued: Date, started: Date, durationMs: number | null): Prisma.InputJsonValue {
  const acrEnd = new Date(started.getTime() + 30_000).toISOString();
  return {
    QUEUED: { start: queued.toISOString(), end: started.toISOString() },
    PROVISIONING_ACR: { start: started.toISOString(), end: acrEnd },
    RUNNING: durationMs === null ? { start: acrEnd } : { start: acrEnd, end: new Date(started.getTime() + durationMs).toISOString() },
  };
}

/** A small seeded PRNG, so a seed gives the same fleet every time. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
