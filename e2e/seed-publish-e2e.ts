/**
 * Data for e2e/registries.spec.ts, run with tsx by the spec (Playwright cannot load the generated
 * ESM Prisma client itself): the sandbox's pre-existing isolated workspace registered to Vision
 * Research (as an Admin's registration stores it), and a request on it whose provisioning job the
 * e2e server's worker runs, so its environment is really built in the sandbox and can be published.
 *   DATABASE_URL=file:./data/e2e/feedgate.db tsx e2e/seed-publish-e2e.ts <run id>
 * Prints {"env": …} on its last line.
 */
import { createDb } from "@/lib/db/client";
import { queueExistingWorkspaceRequest } from "@/testing/e2e/existing-workspace-request";

async function main() {
  const url = process.env.DATABASE_URL ?? "";
  if (!url.startsWith("file:./data/")) throw new Error(`refusing a non-local database: ${url}`);
  const run = process.argv[2] ?? Date.now().toString(36);
  const db = createDb(url);
  try {
    const env = `pub-${run}`;
    await queueExistingWorkspaceRequest(db, `Publish e2e ${env}`, [{ name: env, baseImage: "mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04:latest", conda: [], pip: ["tinyml==0.3.0"] }]);
    console.log(JSON.stringify({ env }));
  } finally {
    await db.$disconnect();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
