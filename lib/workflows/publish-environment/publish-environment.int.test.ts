/**
 * Issue 15, below the browser: an environment is provisioned and built in a discovered workspace,
 * an Admin registers an Azure ML registry for the team, a member publishes the environment to it
 * and the registry version is read back over REST. Publishing is never sent twice: not when it is
 * asked for again, not when a worker stops while polling the operation, and not when one stops
 * between sending the publish and recording it (the sandbox counts every publish call).
 */
import { describe, expect, it } from "vitest";
import type { Cloud } from "@/lib/cloud/cloud";
import { loadSandboxCloud } from "@/lib/cloud/load-cloud";
import { enqueueJob } from "@/lib/jobs/enqueue-job";
import { registerRegistry } from "@/lib/registries/admin-registries";
import { getPublishPanel, requestPublication } from "@/lib/registries/publications";
import { feedRequestSchema } from "@/lib/validation/feed-request";
import { discoverWorkspaces, registerWorkspace } from "@/lib/workspaces/admin-workspaces";
import { createProvisionRequestJob } from "@/lib/workflows/provision-request/definition";
import { PROVISION_REQUEST_KIND } from "@/lib/workflows/provision-request/schema";
import { actingUser } from "@/testing/approval-fixtures";
import { settleJob } from "@/testing/jobs/settle-job";
import { sandboxAuthHeader } from "@/testing/sandbox";
import { setUpSandboxWorld } from "@/testing/sandbox-world";
import { createPublishEnvironmentJob } from "./definition";

const SUB = "00000000-0000-4000-8000-00000000feed";
const REGISTRY_GROUP = "rg-feedgate-registries";

/** Worker "deaths" to inject, consumed one at a time. */
const faults = { afterPublishSent: 0, whilePolling: 0 };

function stoppingWorker(cloud: Cloud): Cloud {
  const aml = { ...cloud.aml };
  aml.publishEnvironmentVersion = async (...args) => {
    const started = await cloud.aml.publishEnvironmentVersion(...args);
    if (faults.afterPublishSent > 0) {
      faults.afterPublishSent--;
      throw new Error("the worker stopped before it recorded the publish it sent");
    }
    return started;
  };
  aml.getPublishOperation = async (...args) => {
    if (faults.whilePolling > 0) {
      faults.whilePolling--;
      throw new Error("the worker stopped while polling the publish operation");
    }
    return cloud.aml.getPublishOperation(...args);
  };
  return { ...cloud, aml };
}

const world = setUpSandboxWorld(
  ({ db, cloud }) => [createProvisionRequestJob({ db, cloud, pollMs: 20 }), createPublishEnvironmentJob({ db, cloud: stoppingWorker(cloud), pollMs: 20 })],
  "publish-env-worker",
  { seedWorkspaces: true },
);

async function buildEnvironment(): Promise<string> {
  const db = world.t.db;
  const dmitri = await actingUser(db, "Dmitri Ivanov");
  const cloud = loadSandboxCloud(world.sandbox.endpoints);
  const team = await db.team.findUniqueOrThrow({ where: { slug: "vision" } });
  const found = await discoverWorkspaces(db, cloud, dmitri, {}, "discover");
  const isolated = found.workspaces.find((w) => w.name === "mlw-vision-isolated");
  const workspace = await registerWorkspace(db, cloud, dmitri, { armId: isolated?.armId ?? "", teamId: team.id }, "register");
  const host = await db.feedHost.findFirstOrThrow({ where: { kind: "nexus" } });
  const upstreams = await db.upstreamSource.findMany({ where: { status: "approved" } });
  const payload = feedRequestSchema.parse({
    teamId: team.id,
    title: "Environment to publish",
    workspace: { mode: "existing", workspaceId: workspace.id },
    feedHost: { mode: "existing", hostId: host.id },
    upstreamIds: upstreams.map((u) => u.id),
    environments: [{ name: "pub-train", baseImage: "mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04:latest", conda: [], pip: ["tinyml==0.3.0"] }],
  });
  const request = await db.feedRequest.create({ data: { teamId: team.id, submittedByOid: "test", title: payload.title, payload, status: "APPROVED" } });
  const job = await enqueueJob(db, { kind: PROVISION_REQUEST_KIND, subject: `request:${request.id}`, payload: { requestId: request.id, upstreamIds: payload.upstreamIds } });
  const done = await settleJob(db, job.id, 240_000);
  expect(done.status, done.lastError ?? "").toBe("SUCCEEDED");
  const env = await db.environment.findFirstOrThrow({ where: { name: "pub-train", workspaceId: workspace.id }, include: { builds: true } });
  expect(env.builds.map((b) => b.status)).toEqual(["SUCCEEDED"]);
  return env.id;
}

async function registerFor(registry: string, location: string): Promise<string> {
  const db = world.t.db;
  const dmitri = await actingUser(db, "Dmitri Ivanov");
  const team = await db.team.findUniqueOrThrow({ where: { slug: "vision" } });
  const registered = await registerRegistry(db, loadSandboxCloud(world.sandbox.endpoints), dmitri, { subscriptionId: SUB, resourceGroup: REGISTRY_GROUP, name: registry, location, teamIds: [team.id] }, `register-${registry}`);
  return registered.id;
}

async function publishAndSettle(environmentId: string, registryId: string) {
  const db = world.t.db;
  const alice = await actingUser(db, "Alice Chen");
  const requested = await requestPublication(db, alice, { environmentId, registryId }, `publish-${registryId}`);
  expect(requested.jobId).toBeTruthy();
  const job = await settleJob(db, requested.jobId ?? "", 120_000);
  const events = await db.jobEvent.findMany({ where: { jobId: job.id }, orderBy: { id: "asc" } });
  return { job, events: events.map((e) => `${e.type} ${e.message}`), publication: await db.environmentPublication.findUniqueOrThrow({ where: { id: requested.publicationId } }) };
}

async function readRegistryVersion(registry: string, name: string, version: string): Promise<{ status: number; body: { id?: string; properties?: { provisioningState?: string } } }> {
  const url = `${world.sandbox.endpoints.aml}/subscriptions/${SUB}/resourceGroups/${REGISTRY_GROUP}/providers/Microsoft.MachineLearningServices/registries/${registry}/environments/${name}/versions/${version}?api-version=2024-04-01`;
  const res = await fetch(url, { headers: await sandboxAuthHeader(world.sandbox) });
  return { status: res.status, body: (await res.json()) as { id?: string; properties?: { provisioningState?: string } } };
}

describe("publishing a built environment to an Azure ML registry", () => {
  let environmentId = "";

  it("publishes once, checks the registry first, and asking again sends nothing", async () => {
    environmentId = await buildEnvironment();
    const registryId = await registerFor("mlreg-feedgate-shared", "eastus");
    const alice = await actingUser(world.t.db, "Alice Chen");
    const panel = await getPublishPanel(world.t.db, alice, environmentId);
    expect(panel).toMatchObject({ isBuilt: true, registries: [{ id: registryId, name: "mlreg-feedgate-shared" }], publications: [] });

    const before = world.sandbox.registries.publishCalls;
    const { job, events, publication } = await publishAndSettle(environmentId, registryId);
    expect(job.status, events.join("\n")).toBe("SUCCEEDED");
    expect(publication).toMatchObject({ status: "PUBLISHED", assetUri: "azureml://registries/mlreg-feedgate-shared/environments/pub-train/versions/1" });
    expect(publication.operationUrl).toMatch(/mfeOperationsStatus/);
    expect(world.sandbox.registries.publishCalls - before).toBe(1);
    const read = await readRegistryVersion("mlreg-feedgate-shared", "pub-train", "1");
    expect(read.status).toBe(200);
    expect(read.body.properties?.provisioningState).toBe("Succeeded");
    const audit = await world.t.db.auditEvent.findMany({ where: { targetId: publication.id }, orderBy: { id: "asc" } });
    expect(audit.map((a) => a.action)).toEqual(["environment.publish_requested", "environment.published"]);

    // Asked again: the publication answers, no job, no call.
    const again = await requestPublication(world.t.db, alice, { environmentId, registryId }, "again");
    expect(again.status).toBe("PUBLISHED");
    expect(world.sandbox.registries.publishCalls - before).toBe(1);
  });

  it("resumes polling after a worker stops mid-publish, without a second publish call", async () => {
    const registryId = await registerFor("mlreg-vision", "westeurope");
    const before = world.sandbox.registries.publishCalls;
    faults.whilePolling = 1;
    const { job, events, publication } = await publishAndSettle(environmentId, registryId);
    expect(job.status, events.join("\n")).toBe("SUCCEEDED");
    expect(faults.whilePolling).toBe(0);
    expect(events.some((e) => e.startsWith("step.retrying"))).toBe(true);
    expect(publication).toMatchObject({ status: "PUBLISHED", assetUri: "azureml://registries/mlreg-vision/environments/pub-train/versions/1" });
    expect(world.sandbox.registries.publishCalls - before).toBe(1);
    expect((await readRegistryVersion("mlreg-vision", "pub-train", "1")).status).toBe(200);
  });

  it("waits for a publish a stopped worker sent but never recorded, instead of sending it again", async () => {
    world.sandbox.registries.add({ subscriptionId: SUB, resourceGroup: REGISTRY_GROUP, name: "mlreg-crash", location: "eastus" });
    const registryId = await registerFor("mlreg-crash", "eastus");
    const before = world.sandbox.registries.publishCalls;
    faults.afterPublishSent = 1;
    // Azure ML takes a second to publish, so the retry finds the version not there yet.
    const pace = world.sandbox.pace.armStepMs;
    world.sandbox.pace.armStepMs = 500;
    const { job, events, publication } = await publishAndSettle(environmentId, registryId).finally(() => (world.sandbox.pace.armStepMs = pace));
    expect(job.status, events.join("\n")).toBe("SUCCEEDED");
    expect(faults.afterPublishSent).toBe(0);
    expect(events.some((e) => e.startsWith("publish.unrecorded"))).toBe(true);
    expect(events.some((e) => e.startsWith("publish.started"))).toBe(false);
    expect(publication.status).toBe("PUBLISHED");
    expect(world.sandbox.registries.publishCalls - before).toBe(1);
  });

  it("refuses a registry the team may not use, and an unbuilt environment", async () => {
    const db = world.t.db;
    const alice = await actingUser(db, "Alice Chen");
    const other = await db.team.create({ data: { slug: "pub-other", name: "Other team" } });
    const dmitri = await actingUser(db, "Dmitri Ivanov");
    world.sandbox.registries.add({ subscriptionId: SUB, resourceGroup: REGISTRY_GROUP, name: "mlreg-other", location: "eastus" });
    const foreign = await registerRegistry(db, loadSandboxCloud(world.sandbox.endpoints), dmitri, { subscriptionId: SUB, resourceGroup: REGISTRY_GROUP, name: "mlreg-other", location: "eastus", teamIds: [other.id] }, "foreign");
    await expect(requestPublication(db, alice, { environmentId, registryId: foreign.id }, "x")).rejects.toMatchObject({ code: "invalid_input", fields: { registryId: expect.any(String) } });
    await expect(registerRegistry(db, loadSandboxCloud(world.sandbox.endpoints), dmitri, { subscriptionId: SUB, resourceGroup: REGISTRY_GROUP, name: "mlreg-missing", location: "eastus", teamIds: [other.id] }, "missing")).rejects.toMatchObject({ code: "invalid_input", fields: { name: expect.stringContaining("not found") } });
    await expect(registerRegistry(db, loadSandboxCloud(world.sandbox.endpoints), dmitri, { subscriptionId: SUB, resourceGroup: REGISTRY_GROUP, name: "mlreg-other", location: "eastus", teamIds: [other.id] }, "dup")).rejects.toMatchObject({ code: "conflict" });
  });
});
