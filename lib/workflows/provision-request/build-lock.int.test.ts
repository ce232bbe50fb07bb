import { describe, expect, it } from "vitest";
import { enqueueJob } from "@/lib/jobs/enqueue-job";
import { rebuildBuild } from "./rebuild-build";
import { feedRequestSchema, type FeedRequestInput } from "@/lib/validation/feed-request";
import { actingUser } from "@/testing/approval-fixtures";
import { settleJob } from "@/testing/jobs/settle-job";
import { getInstalledPackages } from "@/testing/sandbox";
import { setUpSandboxWorld } from "@/testing/sandbox-world";
import { createProvisionRequestJob } from "./definition";
import { PROVISION_REQUEST_KIND } from "./schema";

const world = setUpSandboxWorld(({ db, cloud }) => [createProvisionRequestJob({ db, cloud, pollMs: 20 })]);

async function submit(environments: FeedRequestInput["environments"]) {
  const team = await world.t.db.team.findUniqueOrThrow({ where: { slug: "vision" } });
  const host = await world.t.db.feedHost.findFirstOrThrow({ where: { kind: "nexus" } });
  const upstreams = await world.t.db.upstreamSource.findMany({ where: { status: "approved" } });
  const prefix = `l${Math.random().toString(36).slice(2, 7)}`;
  const payload = feedRequestSchema.parse({
    teamId: team.id,
    title: "Locked feed",
    workspace: { mode: "new", region: "westeurope", namePrefix: prefix, addressSpace: "10.43.0.0/16" },
    feedHost: { mode: "existing", hostId: host.id },
    upstreamIds: upstreams.map((u) => u.id),
    environments,
  });
  const request = await world.t.db.feedRequest.create({ data: { teamId: team.id, submittedByOid: "test", title: payload.title, payload, status: "APPROVED" } });
  const job = await enqueueJob(world.t.db, { kind: PROVISION_REQUEST_KIND, subject: `request:${request.id}`, payload: { requestId: request.id, upstreamIds: payload.upstreamIds } });
  return { request, job };
}

describe("build locks against the sandbox cloud", () => {
  it("records exactly what the sandbox build installed, and \"rebuild exactly\" installs the same lock", async () => {
    const { job } = await submit([{ name: "locked", baseImage: "mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04:latest", pip: ["tinyml==0.3.0"], conda: ["tinyhttp"] }]);
    const done = await settleJob(world.t.db, job.id);
    const events = await world.t.db.jobEvent.findMany({ where: { jobId: job.id }, orderBy: { id: "asc" } });
    expect(done.status, events.map((e) => e.message).join("\n")).toBe("SUCCEEDED");

    const build = await world.t.db.environmentBuild.findFirstOrThrow({ where: { environmentName: "locked" }, include: { lock: true } });
    expect(build.status).toBe("SUCCEEDED");
    expect(build.statusLocation).toBeTruthy();
    // The sandbox's own record of its simulated install, not its log.
    const installed = await getInstalledPackages(world.sandbox, build.statusLocation ?? "");
    expect(installed?.pip).toContain("tinyml==0.3.0");
    expect(installed?.conda.some((p) => p.startsWith("tinyhttp=="))).toBe(true);
    expect(build.lock).not.toBeNull();
    expect(build.lock?.pip.split("\n")).toEqual(installed?.pip);
    expect(build.lock?.conda.split("\n")).toEqual(installed?.conda);
    expect(events.some((e) => e.type === "build.lock-refused")).toBe(false);

    // "Rebuild exactly": a new version of the environment whose requirements pin every locked
    // package, built by a job that reuses the provisioning's results, installs the same packages.
    const alice = await actingUser(world.t.db, "Alice Chen");
    const exact = await rebuildBuild(world.t.db, alice, build.id, "exact", "corr-rebuild-exact");
    const rebuilt = await settleJob(world.t.db, exact.jobId);
    const rebuiltEvents = await world.t.db.jobEvent.findMany({ where: { jobId: exact.jobId }, orderBy: { id: "asc" } });
    expect(rebuilt.status, rebuiltEvents.map((e) => e.message).join("\n")).toBe("SUCCEEDED");
    // Only the build ran: infrastructure, registration and preflight came from the earlier job.
    expect(rebuiltEvents.filter((e) => e.type === "step.started").map((e) => e.step)).toEqual(["environment-build"]);
    const second = await world.t.db.environmentBuild.findFirstOrThrow({ where: { environmentName: "locked", id: { not: build.id } }, include: { lock: true, environment: true } });
    expect(second.status).toBe("SUCCEEDED");
    expect(second.environment.version).toBe("2");
    expect(second.environment.packages).toEqual({ pip: installed?.pip, conda: installed?.conda });
    expect(second.lock?.pip).toBe(build.lock?.pip);
    expect(second.lock?.conda).toBe(build.lock?.conda);
    const reinstalled = await getInstalledPackages(world.sandbox, second.statusLocation ?? "");
    expect(reinstalled).toEqual(installed);
    expect(await world.t.db.auditEvent.count({ where: { action: "build.rebuilt", targetId: build.id } })).toBe(1);
    const request = await world.t.db.feedRequest.findUniqueOrThrow({ where: { id: rebuilt.subject.replace(/^request:/, "") } });
    expect(request.status).toBe("READY");

    // "Rebuild fresh" resolves the request's own packages again, as a third version.
    const fresh = await rebuildBuild(world.t.db, alice, second.id, "fresh", "corr-rebuild-fresh");
    expect((await settleJob(world.t.db, fresh.jobId)).status).toBe("SUCCEEDED");
    const third = await world.t.db.environmentBuild.findFirstOrThrow({ where: { environmentName: "locked", environment: { version: "3" } }, include: { environment: true } });
    expect(third.environment.packages).toEqual({ pip: ["tinyml==0.3.0"], conda: ["tinyhttp"] });
  });
});
