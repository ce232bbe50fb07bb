/**
 * Data for e2e/registries.spec.ts, run with tsx by the spec (Playwright cannot load the generated
 * ESM Prisma client itself): the sandbox's pre-existing isolated workspace registered to Vision
 * Research (as an Admin's registration stores it), and a request on it whose provisioning job the
 * e2e server's worker runs, so its environment is really built in the sandbox and can be published.
 *   DATABASE_URL=file:./data/e2e/feedgate.db tsx e2e/seed-publish-e2e.ts <run id>
 * Prints {"env": …} on its last line.
 */
import { createDb } from "@/lib/db/client";
import { feedRequestSchema } from "@/lib/validation/feed-request";

const SUBSCRIPTION = "00000000-0000-4000-8000-00000000feed";
const ARM_ID = `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-ml-existing/providers/Microsoft.MachineLearningServices/workspaces/mlw-vision-isolated`;

async function main() {
  const url = process.env.DATABASE_URL ?? "";
  if (!url.startsWith("file:./data/")) throw new Error(`refusing a non-local database: ${url}`);
  const run = process.argv[2] ?? Date.now().toString(36);
  const db = createDb(url);
  try {
    const vision = await db.team.findUniqueOrThrow({ where: { slug: "vision" } });
    const workspace = await db.workspace.upsert({
      where: { armId: ARM_ID },
      update: {},
      create: { teamId: vision.id, armId: ARM_ID, name: "mlw-vision-isolated", subscriptionId: SUBSCRIPTION, resourceGroup: "rg-ml-existing", region: "westeurope", publicNetworkAccess: "Disabled", network: { addressSpace: [], privateEndpoints: [] }, imageBuildCompute: "cluster001", status: "REGISTERED", lastSeenAt: new Date() },
    });
    const host = await db.feedHost.findFirstOrThrow({ where: { name: "nexus-sandbox" } });
    const upstreams = await db.upstreamSource.findMany({ where: { status: "approved", kind: "pypi" } });
    const env = `pub-${run}`;
    const payload = feedRequestSchema.parse({
      teamId: vision.id,
      title: `Publish e2e ${env}`,
      workspace: { mode: "existing", workspaceId: workspace.id },
      feedHost: { mode: "existing", hostId: host.id },
      upstreamIds: upstreams.map((u) => u.id),
      environments: [{ name: env, baseImage: "mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04:latest", conda: [], pip: ["tinyml==0.3.0"] }],
    });
    const request = await db.feedRequest.create({ data: { teamId: vision.id, submittedByOid: "e2e", title: payload.title, payload, status: "PROVISIONING", submittedAt: new Date() } });
    const subject = `request:${request.id}`;
    // What startProvisioningIfReady enqueues; the worker inside `npm start` claims it.
    await db.job.create({ data: { kind: "provision-request", subject, activeSubject: subject, payload: { requestId: request.id, upstreamIds: payload.upstreamIds } } });
    console.log(JSON.stringify({ env }));
  } finally {
    await db.$disconnect();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
