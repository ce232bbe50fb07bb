/**
 * Data for e2e/staleness.spec.ts, run with tsx by the spec (Playwright cannot load the generated
 * ESM Prisma client itself).
 *   DATABASE_URL=file:./data/e2e/feedgate.db tsx e2e/seed-staleness-e2e.ts provision <run id>
 * queues a request with two environments on the sandbox's pre-existing isolated workspace, which
 * the e2e server's worker really builds; prints {"envs": […]} on its last line.
 *   DATABASE_URL=… tsx e2e/seed-staleness-e2e.ts advance <run id>
 * then moves their base image's digest forward in the sandbox's container registry (its admin
 * endpoint, over the sandbox's HTTPS with its CA), as a patched MCR image would; prints
 * {"image": …, "digest": …}. The spec's "Check now" then finds them stale through the real check.
 * Both use a base image no other spec builds on, so the batch rebuilds exactly these two.
 */
import { createDb, type PrismaClient } from "@/lib/db/client";
import { queueExistingWorkspaceRequest } from "@/testing/e2e/existing-workspace-request";
import { sandboxAdmin } from "@/testing/e2e/sandbox-admin";

const envNames = (run: string) => [`stale-a-${run}`, `stale-b-${run}`];
const BASE_IMAGE = "mcr.microsoft.com/azureml/curated/acpt-pytorch-2.2-cuda12.1:latest";

async function provision(db: PrismaClient, run: string) {
  await queueExistingWorkspaceRequest(db, `Staleness e2e ${run}`, envNames(run).map((name) => ({ name, baseImage: BASE_IMAGE, conda: [], pip: ["tinyml==0.3.0"] })));
  return { envs: envNames(run) };
}

async function advance(): Promise<{ image: string; digest: string }> {
  const moved = (await sandboxAdmin("data/e2e", "POST", "/_sandbox/container-registry/advance", { image: BASE_IMAGE })) as { digest: string };
  return { image: BASE_IMAGE, digest: moved.digest };
}

async function main() {
  const url = process.env.DATABASE_URL ?? "";
  if (!url.startsWith("file:./data/")) throw new Error(`refusing a non-local database: ${url}`);
  const [mode, run] = process.argv.slice(2);
  if (!run || (mode !== "provision" && mode !== "advance")) throw new Error("usage: seed-staleness-e2e.ts provision|advance <run id>");
  const db = createDb(url);
  try {
    console.log(JSON.stringify(mode === "provision" ? await provision(db, run) : await advance()));
  } finally {
    await db.$disconnect();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
