/**
 * For integration tests: a sandbox cloud, a migrated SQLite database seeded with the demo world
 * (its Nexus host pointing at this sandbox), and a fast in-process worker running `jobs`, whose
 * Cloud signs in as production does: DefaultAzureCredential, through the sandbox's managed identity.
 * Registers beforeAll/afterAll; the handle is filled before the first test.
 */
import { afterAll, beforeAll } from "vitest";
import type { PrismaClient } from "@/lib/db/client";
import { createWorker, type JobWorker } from "@/lib/jobs/create-worker";
import type { JobDefinition } from "@/lib/jobs/define-job";
import type { Cloud } from "@/lib/cloud/cloud";
import { loadSandboxCloud } from "@/lib/cloud/load-cloud";
import { seedDemoData } from "@/prisma/seed";
import { startTestSandbox, type TestSandbox } from "@/sandbox/testing";
import { createTestDatabase, type TestDatabase } from "./test-database";

export interface SandboxWorld {
  sandbox: TestSandbox;
  t: TestDatabase;
  worker: JobWorker;
}

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

export function setUpSandboxWorld(jobs: (deps: { db: PrismaClient; cloud: Cloud }) => JobDefinition[], owner = "test-worker", sandboxOptions: { seedWorkspaces?: boolean } = {}): SandboxWorld {
  const world = {} as SandboxWorld;
  beforeAll(async () => {
    world.sandbox = await startTestSandbox(sandboxOptions);
    world.t = await createTestDatabase("sqlite");
    const { endpoints } = world.sandbox;
    await seedDemoData(world.t.db, { nexusBaseUrl: endpoints.nexus, nexusCredentialRef: `file:${endpoints.nexusAdminPasswordFile}` });
    world.worker = createWorker({
      db: world.t.db,
      owner,
      jobs: jobs({ db: world.t.db, cloud: loadSandboxCloud(endpoints) }),
      leaseMs: 5_000,
      idlePollMs: { min: 10, max: 50 },
      backoff: { baseMs: 10, capMs: 50 },
      logger: silent,
    });
    world.worker.start();
  });
  afterAll(async () => {
    await world.worker?.stop({ graceMs: 1000 });
    await world.t?.drop();
    await world.sandbox?.stop();
  });
  return world;
}
