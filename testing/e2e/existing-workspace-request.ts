/**
 * For e2e seeds (run with tsx): the sandbox's pre-existing isolated workspace registered to Vision
 * Research (as an Admin's registration stores it), and a submitted request on it whose
 * provisioning job the e2e server's worker claims, so its environments are really built.
 */
import type { PrismaClient } from "@/lib/db/client";
import { feedRequestSchema } from "@/lib/validation/feed-request";

const SUBSCRIPTION = "00000000-0000-4000-8000-00000000feed";
const ARM_ID = `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-ml-existing/providers/Microsoft.MachineLearningServices/workspaces/mlw-vision-isolated`;

export type SeedEnvironment = { name: string; baseImage: string; conda: string[]; pip: string[] };

export async function queueExistingWorkspaceRequest(db: PrismaClient, title: string, environments: SeedEnvironment[]): Promise<{ requestId: string }> {
  const vision = await db.team.findUniqueOrThrow({ where: { slug: "vision" } });
  const workspace = await db.workspace.upsert({
    where: { armId: ARM_ID },
    update: {},
    create: { teamId: vision.id, armId: ARM_ID, name: "mlw-vision-isolated", subscriptionId: SUBSCRIPTION, resourceGroup: "rg-ml-existing", region: "westeurope", publicNetworkAccess: "Disabled", network: { addressSpace: [], privateEndpoints: [] }, imageBuildCompute: "cluster001", status: "REGISTERED", lastSeenAt: new Date() },
  });
  const host = await db.feedHost.findFirstOrThrow({ where: { name: "nexus-sandbox" } });
  const upstreams = await db.upstreamSource.findMany({ where: { status: "approved", kind: "pypi" } });
  const payload = feedRequestSchema.parse({
    teamId: vision.id,
    title,
    workspace: { mode: "existing", workspaceId: workspace.id },
    feedHost: { mode: "existing", hostId: host.id },
    upstreamIds: upstreams.map((u) => u.id),
    environments,
  });
  const request = await db.feedRequest.create({ data: { teamId: vision.id, submittedByOid: "e2e", title: payload.title, payload, status: "PROVISIONING", submittedAt: new Date() } });
  const subject = `request:${request.id}`;
  // What startProvisioningIfReady enqueues; the worker inside `npm start` claims it.
  await db.job.create({ data: { kind: "provision-request", subject, activeSubject: subject, payload: { requestId: request.id, upstreamIds: payload.upstreamIds } } });
  return { requestId: request.id };
}
