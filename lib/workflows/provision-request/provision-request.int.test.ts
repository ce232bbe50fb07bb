import { writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { retryBuild } from "@/lib/requests/retry-build";
import { retryRequest } from "@/lib/requests/retry-request";
import { actingUser } from "@/testing/approval-fixtures";
import { enqueueJob } from "@/lib/jobs/enqueue-job";
import { setUpSandboxWorld } from "@/testing/sandbox-world";
import type { FeedRequestInput } from "@/lib/validation/feed-request";
import { feedRequestSchema } from "@/lib/validation/feed-request";
import { addFault, clearFaults, listRecordedRequests } from "@/testing/sandbox";
import { createProvisionRequestJob } from "./definition";
import { PROVISION_REQUEST_KIND } from "./schema";
import { settleJob } from "@/testing/jobs/settle-job";

const world = setUpSandboxWorld(({ db, cloud }) => [createProvisionRequestJob({ db, cloud, pollMs: 20 })]);

async function submit(overrides: Partial<FeedRequestInput> = {}, prefix = `p${Math.random().toString(36).slice(2, 7)}`) {
  const team = await world.t.db.team.findUniqueOrThrow({ where: { slug: "vision" } });
  const host = await world.t.db.feedHost.findFirstOrThrow({ where: { kind: "nexus" } });
  const upstreams = await world.t.db.upstreamSource.findMany({ where: { status: "approved" } });
  const payload = feedRequestSchema.parse({
    teamId: team.id,
    title: "Vision feed",
    workspace: { mode: "new", region: "westeurope", namePrefix: prefix, addressSpace: "10.42.0.0/16" },
    feedHost: { mode: "existing", hostId: host.id },
    upstreamIds: upstreams.map((u) => u.id),
    environments: [{ name: "train", baseImage: "mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04:latest", conda: [], pip: [] }],
    ...overrides,
  });
  const request = await world.t.db.feedRequest.create({ data: { teamId: team.id, submittedByOid: "test", title: payload.title, payload, status: "APPROVED" } });
  const job = await enqueueJob(world.t.db, { kind: PROVISION_REQUEST_KIND, subject: `request:${request.id}`, payload: { requestId: request.id, upstreamIds: payload.upstreamIds } });
  return { request, job };
}

describe("provision-request against the sandbox cloud", () => {
  it("deploys a workspace, registers proxies, passes preflight and builds the environment", async () => {
    const { request, job } = await submit({
      environments: [{ name: "train", baseImage: "mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04:latest", pip: ["tinyml==0.3.0"], conda: ["tinyhttp"] }],
    });
    const done = await settleJob(world.t.db, job.id);
    const events = await world.t.db.jobEvent.findMany({ where: { jobId: job.id }, orderBy: { id: "asc" } });
    const lastBuild = await world.t.db.environmentBuild.findFirst({ where: { environmentName: "train" }, orderBy: { queuedAt: "desc" } });
    const buildLog = lastBuild ? (await world.t.db.buildLogChunk.findMany({ where: { buildId: lastBuild.id }, orderBy: { seq: "asc" } })).map((c) => c.text).join("") : "";
    expect(done.lastError, `${events.map((e) => e.message).join("\n")}\n${buildLog}`).toBeNull();
    expect(done.status).toBe("SUCCEEDED");

    const stored = await world.t.db.feedRequest.findUniqueOrThrow({ where: { id: request.id }, include: { feed: true } });
    expect(stored.status).toBe("READY");
    // pip is pointed at the team's group, whose members are the PyPI proxies.
    expect(stored.feed?.pipIndexUrl).toMatch(/\/repository\/vision-pypi-group\/simple\/$/);
    expect(stored.feed?.condaChannelUrl).toMatch(/\/repository\/vision-conda-forge-conda\/$/);
    expect(stored.feed?.status).toBe("READY");

    const ws = await world.t.db.workspace.findFirstOrThrow({ where: { resourceGroup: { startsWith: "rg-feedgate-" } } });
    expect(ws.publicNetworkAccess).toBe("Disabled");
    expect(ws.imageBuildCompute).toBe("cluster001");

    const build = await world.t.db.environmentBuild.findFirstOrThrow({ where: { environmentName: "train" }, orderBy: { queuedAt: "desc" } });
    expect(build.status).toBe("SUCCEEDED");
    // The index the image was configured with is kept on the build itself.
    expect(build.pipIndexUrl).toBe(stored.feed?.pipIndexUrl);
    expect(build.condaChannelUrls).toEqual([stored.feed?.condaChannelUrl]);
    expect(build.logBytes).toBeGreaterThan(0);
    const log = (await world.t.db.buildLogChunk.findMany({ where: { buildId: build.id }, orderBy: { seq: "asc" } })).map((c) => c.text).join("");
    expect(log).toContain("Successfully built");

    const deployments = await world.t.db.deployment.findMany({ where: { requestId: request.id } });
    expect(deployments).toHaveLength(1);
    expect(deployments[0]?.state).toBe("Succeeded");
    expect(JSON.stringify(deployments[0]?.operations)).toContain("Microsoft.MachineLearningServices/workspaces");

    // Exactly once on the wire: one deployment PUT, one create per repository, one environment version.
    const puts = await listRecordedRequests(world.sandbox.endpoints.arm, { method: "PUT", pathRegex: `deployments/feedgate-ws-${request.id}` });
    expect(puts).toHaveLength(1);
    // The worker signed in as in production: DefaultAzureCredential through the sandbox's managed identity
    // (App Service's protocol), and ARM checked the token on every call.
    const tokens = await listRecordedRequests(world.sandbox.endpoints.arm, { method: "GET", path: "/msi/token" });
    expect(tokens.length).toBeGreaterThan(0);
    expect(tokens.every((t) => t.query["api-version"] === "2019-08-01" && t.headers["x-identity-header"] === "***")).toBe(true);
    expect(puts[0]?.headers.authorization).toBe("Bearer ***");
  });

  it("fails with the package-not-found class when a package is missing from the feed", async () => {
    const { request, job } = await submit({
      environments: [{ name: "broken", baseImage: "mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04:latest", conda: [], pip: ["no-such-package-anywhere"] }],
    });
    const done = await settleJob(world.t.db, job.id);
    expect(done.status).toBe("FAILED");
    const build = await world.t.db.environmentBuild.findFirstOrThrow({ where: { environmentName: "broken" } });
    expect(build.status).toBe("FAILED");
    expect(build.failureClass).toBe("PACKAGE_NOT_FOUND");
    const stored = await world.t.db.feedRequest.findUniqueOrThrow({ where: { id: request.id } });
    expect(stored.status).toBe("FAILED");
    expect(stored.statusReason).toMatch(/PACKAGE_NOT_FOUND/);
    const warning = await world.t.db.jobEvent.findFirst({ where: { jobId: job.id, type: "preflight.warning" } });
    expect(warning?.message).toMatch(/no-such-package-anywhere is not on the feed/);
  });

  it("a failed build retried from the build page rebuilds it, and its request is READY again", async () => {
    const name = `flaky${Math.random().toString(36).slice(2, 6)}`;
    await addFault(world.sandbox.endpoints.amlDataPlane, { kind: "build-failure", environment: name, message: "Injected: the build agent ran out of disk space.", times: 1 });
    try {
      const { request, job } = await submit({ environments: [{ name, baseImage: "mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04:latest", conda: [], pip: ["tinyml==0.3.0"] }] });
      expect((await settleJob(world.t.db, job.id)).status).toBe("FAILED");
      expect(await world.t.db.feedRequest.findUniqueOrThrow({ where: { id: request.id } })).toMatchObject({ status: "FAILED", statusReason: expect.stringMatching(/^environment-build: /) });
      const failed = await world.t.db.environmentBuild.findFirstOrThrow({ where: { environmentName: name } });
      expect(failed).toMatchObject({ status: "FAILED", attempt: 1 });

      const alice = await actingUser(world.t.db, "Alice Chen");
      await retryBuild(world.t.db, alice, failed.id, "corr-retry-build");
      // The request follows its job at once, not only when the job ends.
      expect((await world.t.db.feedRequest.findUniqueOrThrow({ where: { id: request.id } })).status).toBe("PROVISIONING");

      const done = await settleJob(world.t.db, job.id);
      expect(done.status, done.lastError ?? "").toBe("SUCCEEDED");
      const builds = await world.t.db.environmentBuild.findMany({ where: { environmentName: name }, orderBy: { attempt: "asc" } });
      expect(builds.map((b) => [b.attempt, b.status])).toEqual([
        [1, "FAILED"],
        [2, "SUCCEEDED"],
      ]);
      expect(await world.t.db.feedRequest.findUniqueOrThrow({ where: { id: request.id } })).toMatchObject({ status: "READY", statusReason: null, completedAt: expect.any(Date) });
      expect(await world.t.db.auditEvent.count({ where: { action: "build.retried", targetId: failed.id } })).toBe(1);
    } finally {
      await clearFaults(world.sandbox.endpoints.amlDataPlane);
    }
  });

  it("names the failing ARM resource when a deployment fails", async () => {
    const prefix = "kvfail";
    // The template names the vault kv-{prefix}-{suffix from uniqueString(resourceGroup().id)}, as the quickstart does.
    await addFault(world.sandbox.endpoints.arm, { kind: "deployment-failure", resourceName: `kv-${prefix}-*` });
    try {
      const { request, job } = await submit({}, prefix);
      const done = await settleJob(world.t.db, job.id);
      expect(done.status).toBe("FAILED");
      const stored = await world.t.db.feedRequest.findUniqueOrThrow({ where: { id: request.id } });
      expect(stored.statusReason).toMatch(/Microsoft\.KeyVault\/vaults 'kv-/);
    } finally {
      await clearFaults(world.sandbox.endpoints.arm);
    }
  });

  it("rides out throttling: Nexus 429s with Retry-After and ARM 503s end in success", async () => {
    await addFault(world.sandbox.endpoints.nexus, { kind: "status", status: 429, retryAfterSeconds: 1, method: "GET", path: "/service/rest/v1/repositories/", times: 2 });
    await addFault(world.sandbox.endpoints.arm, { kind: "status", status: 503, method: "GET", path: "/deployments/feedgate-ws-", times: 2 });
    try {
      const { job } = await submit();
      const done = await settleJob(world.t.db, job.id);
      expect(done.status, done.lastError ?? "").toBe("SUCCEEDED");
      const throttled = await listRecordedRequests(world.sandbox.endpoints.nexus, { method: "GET", pathRegex: "/service/rest/v1/repositories/" });
      expect(throttled.filter((r) => r.status === 429)).toHaveLength(2);
      const retryEvents = await world.t.db.jobEvent.findMany({ where: { jobId: job.id, type: { contains: "retry" } } });
      expect(retryEvents.length).toBeGreaterThan(0);
      const unavailable = await listRecordedRequests(world.sandbox.endpoints.arm, { method: "GET", pathRegex: "/deployments/feedgate-ws-" });
      expect(unavailable.filter((r) => r.status === 503)).toHaveLength(2);
    } finally {
      await clearFaults(world.sandbox.endpoints.nexus);
      await clearFaults(world.sandbox.endpoints.arm);
    }
  });

  it("fails with words a person can act on when the feed host's credentials are wrong", async () => {
    const wrong = path.join(world.sandbox.dataDir, "wrong.password");
    writeFileSync(wrong, "not-the-password");
    const host = await world.t.db.feedHost.create({ data: { name: "nexus-wrong-creds", kind: "nexus", baseUrl: world.sandbox.endpoints.nexus, credentialRef: `file:${wrong}` } });
    const { request, job } = await submit({ feedHost: { mode: "existing", hostId: host.id } });
    const done = await settleJob(world.t.db, job.id);
    expect(done.status).toBe("FAILED");
    const stored = await world.t.db.feedRequest.findUniqueOrThrow({ where: { id: request.id } });
    expect(stored.status).toBe("FAILED");
    expect(stored.statusReason).toMatch(/^feed-registration: Nexus .* failed \(401\): Nexus refused the credentials/);
    // No retries burned on a 401: it cannot fix itself.
    expect(done.attempts).toBeLessThanOrEqual(4);
  });

  it("a host disabled mid-request gets no new feed: the retried request fails saying so, and the host's existing feeds are untouched", async () => {
    // A second host on the same sandbox Nexus, so that disabling it leaves the other tests' host alone.
    const seeded = await world.t.db.feedHost.findFirstOrThrow({ where: { kind: "nexus" } });
    const host = await world.t.db.feedHost.create({ data: { name: "nexus-disabled-mid-request", kind: "nexus", baseUrl: seeded.baseUrl, credentialRef: seeded.credentialRef } });
    const team = await world.t.db.team.findUniqueOrThrow({ where: { slug: "vision" } });
    const kept = await world.t.db.feed.create({ data: { teamId: team.id, hostId: host.id, name: `kept-${Date.now()}`, status: "READY" } });
    // Nexus refuses feed registration's first call once (403, which no retry fixes; it is made
    // whether or not earlier tests created the team's proxies): the request fails after its
    // infrastructure is done and before its feed exists.
    await addFault(world.sandbox.endpoints.nexus, { kind: "status", status: 403, method: "GET", path: "/service/rest/v1/security/anonymous", times: 1 });
    let request;
    try {
      const submitted = await submit({ feedHost: { mode: "existing", hostId: host.id } });
      request = submitted.request;
      expect((await settleJob(world.t.db, submitted.job.id)).status).toBe("FAILED");
    } finally {
      await clearFaults(world.sandbox.endpoints.nexus);
    }
    const failed = await world.t.db.job.findFirstOrThrow({ where: { subject: `request:${request.id}` } });
    expect(failed.currentStep).toBe("feed-registration");

    // The admin disables the host; the team retries the request.
    await world.t.db.feedHost.update({ where: { id: host.id }, data: { status: "DISABLED" } });
    await retryRequest(world.t.db, await actingUser(world.t.db, "Alice Chen"), { requestId: request.id }, "retry-disabled");
    const done = await settleJob(world.t.db, failed.id);
    expect(done.status).toBe("FAILED");
    const stored = await world.t.db.feedRequest.findUniqueOrThrow({ where: { id: request.id } });
    expect(stored.status).toBe("FAILED");
    expect(stored.statusReason).toMatch(/Feed host nexus-disabled-mid-request was disabled by an admin after this request picked it/);
    expect(await world.t.db.feed.findMany({ where: { hostId: host.id }, select: { id: true } })).toEqual([{ id: kept.id }]);
    expect(await world.t.db.feed.findUniqueOrThrow({ where: { id: kept.id } })).toMatchObject({ status: "READY" });

    // A new request cannot pick it at all.
    const refused = await submit({ feedHost: { mode: "existing", hostId: host.id } });
    expect((await settleJob(world.t.db, refused.job.id)).status).toBe("FAILED");
    expect((await world.t.db.feedRequest.findUniqueOrThrow({ where: { id: refused.request.id } })).statusReason).toMatch(/was disabled by an admin; choose another host/);
  });
});
