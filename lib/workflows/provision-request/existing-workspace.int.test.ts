/**
 * Day one in a real tenant, below the browser: an admin registers a workspace that existed
 * before Feedgate (found by discovery) and a Nexus host whose password is a Key Vault secret;
 * a request on that workspace and host then provisions to READY, its image built in that
 * workspace, with the worker resolving the Key Vault reference itself.
 */
import { describe, expect, it } from "vitest";
import { loadSandboxCloud } from "@/lib/cloud/load-cloud";
import { enqueueJob } from "@/lib/jobs/enqueue-job";
import { feedRequestSchema } from "@/lib/validation/feed-request";
import { discoverWorkspaces, registerWorkspace } from "@/lib/workspaces/admin-workspaces";
import { actingUser } from "@/testing/approval-fixtures";
import { SANDBOX_NEXUS_SECRET_URI } from "@/testing/sandbox";
import { setUpSandboxWorld } from "@/testing/sandbox-world";
import { createProvisionRequestJob } from "./definition";
import { PROVISION_REQUEST_KIND } from "./schema";
import { settleJob } from "@/testing/jobs/settle-job";

const world = setUpSandboxWorld(({ db, cloud }) => [createProvisionRequestJob({ db, cloud, pollMs: 20 })], "existing-ws-worker", { seedWorkspaces: true });

describe("a request on a discovered workspace and a Key Vault-backed host", () => {
  it("provisions to READY and builds its image in that workspace", async () => {
    const db = world.t.db;
    const dmitri = await actingUser(db, "Dmitri Ivanov");
    const cloud = loadSandboxCloud(world.sandbox.endpoints);
    const team = await db.team.findUniqueOrThrow({ where: { slug: "vision" } });
    const found = await discoverWorkspaces(db, cloud, dmitri, {}, "discover");
    const isolated = found.workspaces.find((w) => w.name === "mlw-vision-isolated");
    expect(isolated?.assessment.isolated).toBe(true);
    const workspace = await registerWorkspace(db, cloud, dmitri, { armId: isolated?.armId ?? "", teamId: team.id }, "register");
    const seeded = await db.feedHost.findFirstOrThrow({ where: { kind: "nexus" } });
    await db.feedHost.update({ where: { id: seeded.id }, data: { credentialRef: SANDBOX_NEXUS_SECRET_URI } });

    const upstreams = await db.upstreamSource.findMany({ where: { status: "approved" } });
    const payload = feedRequestSchema.parse({
      teamId: team.id,
      title: "Feed on an existing workspace",
      workspace: { mode: "existing", workspaceId: workspace.id },
      feedHost: { mode: "existing", hostId: seeded.id },
      upstreamIds: upstreams.map((u) => u.id),
      environments: [{ name: "existing-train", baseImage: "mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04:latest", conda: [], pip: ["tinyml==0.3.0"] }],
    });
    const request = await db.feedRequest.create({ data: { teamId: team.id, submittedByOid: "test", title: payload.title, payload, status: "APPROVED" } });
    const job = await enqueueJob(db, { kind: PROVISION_REQUEST_KIND, subject: `request:${request.id}`, payload: { requestId: request.id, upstreamIds: payload.upstreamIds } });
    const done = await settleJob(world.t.db, job.id, 180_000);
    const events = await db.jobEvent.findMany({ where: { jobId: job.id }, orderBy: { id: "asc" } });
    expect(done.status, events.map((e) => `${e.type} ${e.message}`).join("\n")).toBe("SUCCEEDED");

    const stored = await db.feedRequest.findUniqueOrThrow({ where: { id: request.id }, include: { feed: true } });
    expect(stored.status).toBe("READY");
    expect(stored.feed?.workspaceId).toBe(workspace.id);
    // Nothing was deployed: the workspace existed.
    expect(await db.deployment.count({ where: { requestId: request.id } })).toBe(0);
    const build = await db.environmentBuild.findFirstOrThrow({ where: { environmentName: "existing-train" } });
    expect(build).toMatchObject({ status: "SUCCEEDED", workspaceId: workspace.id });
  });
});
