import { describe, expect, it } from "vitest";
import { enqueueJob } from "@/lib/jobs/enqueue-job";
import { countNotifications, listNotifications, markNotificationsSeen } from "@/lib/notifications/list-notifications";
import { blockPackage } from "@/lib/policy/package-blocks";
import { revokeUpstream } from "@/lib/upstreams/revoke-upstream";
import { feedRequestSchema, type FeedRequestInput } from "@/lib/validation/feed-request";
import { createCheckStalenessJob } from "@/lib/workflows/check-staleness/definition";
import { ensureStalenessWatch, requestStalenessCheck } from "@/lib/workflows/check-staleness/request-check";
import { STALENESS_WATCH_SUBJECT } from "@/lib/workflows/check-staleness/schema";
import { createProvisionRequestJob } from "@/lib/workflows/provision-request/definition";
import { PROVISION_REQUEST_KIND } from "@/lib/workflows/provision-request/schema";
import { actingUser } from "@/testing/approval-fixtures";
import { settleJob } from "@/testing/jobs/settle-job";
import { setUpSandboxWorld } from "@/testing/sandbox-world";
import { until } from "@/testing/until";
import { readStaleReasons } from "./stale-reasons";

const UBUNTU22 = "mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04:latest";
const UBUNTU20 = "mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu20.04:latest";

const world = setUpSandboxWorld(({ db, cloud }) => [createProvisionRequestJob({ db, cloud, pollMs: 20 }), createCheckStalenessJob({ db, cloud })]);

async function provision(environments: FeedRequestInput["environments"]) {
  const { db } = world.t;
  const team = await db.team.findUniqueOrThrow({ where: { slug: "vision" } });
  const host = await db.feedHost.findFirstOrThrow({ where: { kind: "nexus" } });
  const upstreams = await db.upstreamSource.findMany({ where: { status: "approved" } });
  const prefix = `s${Math.random().toString(36).slice(2, 7)}`;
  const payload = feedRequestSchema.parse({
    teamId: team.id,
    title: "Staleness feed",
    workspace: { mode: "new", region: "westeurope", namePrefix: prefix, addressSpace: "10.44.0.0/16" },
    feedHost: { mode: "existing", hostId: host.id },
    upstreamIds: upstreams.map((u) => u.id),
    environments,
  });
  const request = await db.feedRequest.create({ data: { teamId: team.id, submittedByOid: "test", title: payload.title, payload, status: "APPROVED" } });
  const job = await enqueueJob(db, { kind: PROVISION_REQUEST_KIND, subject: `request:${request.id}`, payload: { requestId: request.id, upstreamIds: payload.upstreamIds } });
  const done = await settleJob(db, job.id, 240_000);
  const events = await db.jobEvent.findMany({ where: { jobId: job.id }, orderBy: { id: "asc" } });
  expect(done.status, events.map((e) => e.message).join("\n")).toBe("SUCCEEDED");
  return request;
}

async function check(jobId?: string) {
  const id = jobId ?? (await requestStalenessCheck(world.t.db, "test"));
  const done = await settleJob(world.t.db, id);
  expect(done.status).toBe("SUCCEEDED");
}

async function verdicts() {
  const rows = await world.t.db.environment.findMany({ where: { name: { in: ["train", "serve", "legacy"] } }, select: { name: true, staleAt: true, staleReasons: true, staleCheckedAt: true } });
  return Object.fromEntries(rows.map((r) => [r.name, { staleAt: r.staleAt, reasons: readStaleReasons(r.staleReasons), checkedAt: r.staleCheckedAt }]));
}

describe("staleness against the sandbox cloud", () => {
  it("flags exactly the environments a moved base image and a banned package affect, audits and notifies them", async () => {
    const { db } = world.t;
    await provision([
      { name: "train", baseImage: UBUNTU22, pip: ["tinyml==0.3.0"], conda: [] },
      { name: "serve", baseImage: UBUNTU22, pip: ["tinyjson==3.0.0"], conda: [] },
      { name: "legacy", baseImage: UBUNTU20, pip: ["tinytext==0.1.0"], conda: [] },
    ]);
    // Each build recorded the digest its own log says it pulled: the registry's at the time.
    const builds = await db.environmentBuild.findMany({ where: { environmentName: { in: ["train", "serve", "legacy"] } }, include: { environment: true, lock: true } });
    expect(builds).toHaveLength(3);
    for (const b of builds) {
      expect(b.status).toBe("SUCCEEDED");
      expect(b.baseImageDigest).toMatch(/^sha256:[a-f0-9]{64}$/);
      expect(b.baseImageDigest).toBe(world.sandbox.containerRegistry.digestOf(b.environment.baseImage));
    }
    expect(builds.find((b) => b.environmentName === "legacy")?.lock?.pip.split("\n")).toContain("tinytext==0.1.0");
    expect(builds.filter((b) => b.lock?.pip.split("\n").some((l) => l.startsWith("tinytext=="))).map((b) => b.environmentName)).toEqual(["legacy"]);

    // Fresh: checked, nothing to say.
    await check();
    let v = await verdicts();
    for (const name of ["train", "serve", "legacy"]) {
      expect(v[name]?.staleAt, name).toBeNull();
      expect(v[name]?.reasons, name).toEqual([]);
      expect(v[name]?.checkedAt, name).toBeInstanceOf(Date);
    }

    const alice = await actingUser(db, "Alice Chen");
    await markNotificationsSeen(db, alice);
    expect(await countNotifications(db, alice)).toBe(0);
    await new Promise((r) => setTimeout(r, 5));

    // The Ubuntu 22.04 image moves forward (the sandbox's admin endpoint, over HTTP).
    const moved = await fetch(`${world.sandbox.endpoints.arm}/_sandbox/container-registry/advance`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ image: UBUNTU22 }) });
    expect(moved.status).toBe(200);
    await check();
    v = await verdicts();
    for (const name of ["train", "serve"]) {
      expect(v[name]?.staleAt, name).toBeInstanceOf(Date);
      expect(v[name]?.reasons.map((r) => [r.kind, r.subject]), name).toEqual([["base-image", UBUNTU22]]);
    }
    expect(v.legacy?.staleAt).toBeNull();
    expect(v.legacy?.reasons).toEqual([]);
    const trainStaleAt = v.train?.staleAt;
    const audits = await db.auditEvent.findMany({ where: { action: "environment.stale" } });
    expect(audits).toHaveLength(2);
    expect(audits.every((a) => a.teamId === builds[0]?.teamId)).toBe(true);

    // Alice's team sees both, with why.
    expect(await countNotifications(db, alice)).toBe(2);
    const stale = (await listNotifications(db, alice)).items.filter((i) => i.kind === "environment-stale");
    expect(stale.map((i) => i.title).sort()).toEqual(["Environment serve version 1 is stale", "Environment train version 1 is stale"]);
    expect(stale.every((i) => i.isUnread && i.detail.startsWith("Base image updated"))).toBe(true);
    // Another team hears nothing.
    expect((await listNotifications(db, await actingUser(db, "Bilal Okafor"))).items.some((i) => i.kind === "environment-stale")).toBe(false);
    await markNotificationsSeen(db, alice);
    await new Promise((r) => setTimeout(r, 5));

    // A ban of a package only legacy pins: blocking queues a check at once.
    const dmitri = await actingUser(db, "Dmitri Ivanov");
    const blocked = await blockPackage(db, dmitri, { name: "TinyText", reason: "Licence withdrawn" }, "corr-ban");
    await check(blocked.stalenessCheckJobId);
    v = await verdicts();
    expect(v.legacy?.reasons).toEqual([{ kind: "banned", subject: "tinytext", detail: expect.stringContaining("tinytext==0.1.0 is on the block-list: Licence withdrawn") }]);
    expect(v.legacy?.staleAt).toBeInstanceOf(Date);
    for (const name of ["train", "serve"]) expect(v[name]?.reasons.map((r) => r.kind), name).toEqual(["base-image"]);
    // Still stale since the first time.
    expect(v.train?.staleAt?.getTime()).toBe(trainStaleAt?.getTime());
    expect(await db.auditEvent.count({ where: { action: "environment.stale" } })).toBe(3);
    expect(await countNotifications(db, alice)).toBe(1);
    expect((await listNotifications(db, alice)).items.find((i) => i.isUnread)).toMatchObject({ kind: "environment-stale", title: "Environment legacy version 1 is stale", detail: expect.stringContaining("Package banned") });

    // Unblocked again: fresh again, and a check without reasons clears staleAt.
    await db.packageBlock.delete({ where: { name: "tinytext" } });
    await check();
    v = await verdicts();
    expect(v.legacy?.staleAt).toBeNull();
    expect(v.legacy?.reasons).toEqual([]);

    // A release only train pins is yanked upstream (PEP 592), seen through the feed's Nexus index.
    const yank = await fetch(`${world.sandbox.endpoints.arm}/_sandbox/pypi/yank`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ project: "tinyml", version: "0.3.0", reason: "Broken wheel" }) });
    expect(yank.status).toBe(200);
    await check();
    v = await verdicts();
    expect(v.train?.reasons.map((r) => `${r.kind}:${r.subject}`)).toEqual([`base-image:${UBUNTU22}`, "yanked:tinyml"]);
    expect(v.train?.reasons[1]?.detail).toBe("tinyml==0.3.0 was yanked upstream: Broken wheel");
    expect(v.serve?.reasons.map((r) => r.kind)).toEqual(["base-image"]);
    expect(v.legacy?.reasons).toEqual([]);

    // Revoking an upstream the feed proxies flags every version built on that feed.
    const carmen = await actingUser(db, "Carmen Diaz");
    const upstream = await db.upstreamSource.findFirstOrThrow({ where: { status: "approved", kind: "pypi", feeds: { some: { feed: { requests: { some: { title: "Staleness feed" } } } } } } });
    const revoked = await revokeUpstream(db, carmen, { upstreamId: upstream.id, reason: "Compromised mirror" }, "corr-revoke");
    await check(revoked.stalenessCheckJobId);
    v = await verdicts();
    for (const name of ["train", "serve", "legacy"]) expect(v[name]?.reasons.some((r) => r.kind === "revoked" && r.subject === upstream.name && r.detail.includes("Compromised mirror")), name).toBe(true);
  });

  it("keeps one watcher running rounds on its interval", async () => {
    const { db } = world.t;
    await ensureStalenessWatch(db, 100);
    await ensureStalenessWatch(db, 100);
    const watchers = await db.job.findMany({ where: { subject: STALENESS_WATCH_SUBJECT } });
    expect(watchers).toHaveLength(1);
    const watcher = watchers[0];
    // Two rounds observed: the watcher waits and comes back.
    await until("two staleness rounds of the watcher", async () => (await db.jobEvent.count({ where: { jobId: watcher?.id, type: "staleness.checked" } })) >= 2, 60_000);
    expect((await db.job.findUniqueOrThrow({ where: { id: watcher?.id ?? "" } })).status).not.toBe("FAILED");
  });
});
