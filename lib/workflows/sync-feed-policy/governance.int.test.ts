import { describe, expect, it } from "vitest";
import { getFeedConfig } from "@/lib/feeds/get-feed-config";
import { enqueueJob } from "@/lib/jobs/enqueue-job";
import { blockPackage } from "@/lib/policy/package-blocks";
import { reorderFeedUpstreams, repairFeed } from "@/lib/policy/feed-upstream-policy";
import { revokeUpstream } from "@/lib/upstreams/revoke-upstream";
import { feedRequestSchema } from "@/lib/validation/feed-request";
import { actingUser } from "@/testing/approval-fixtures";
import { createPipHome } from "@/testing/e2e/real-pip";
import { basicAuth } from "@/testing/sandbox";
import { setUpSandboxWorld } from "@/testing/sandbox-world";
import { createCheckFeedDriftJob } from "@/lib/workflows/check-feed-drift/definition";
import { CHECK_FEED_DRIFT_KIND, CHECK_FEED_DRIFT_SUBJECT } from "@/lib/workflows/check-feed-drift/schema";
import { createProvisionRequestJob } from "@/lib/workflows/provision-request/definition";
import { PROVISION_REQUEST_KIND } from "@/lib/workflows/provision-request/schema";
import { createSwitchProxiesOfflineJob } from "@/lib/workflows/switch-proxies-offline/definition";
import { createSyncFeedPolicyJob } from "./definition";
import { syncFeedPolicySubject } from "./schema";
import { until } from "@/testing/until";
import { settleJob } from "@/testing/jobs/settle-job";

const world = setUpSandboxWorld(
  ({ db, cloud }) => [createProvisionRequestJob({ db, cloud, pollMs: 20 }), createSyncFeedPolicyJob({ db, cloud }), createCheckFeedDriftJob({ db, cloud }), createSwitchProxiesOfflineJob({ db, cloud })],
  "governance-test-worker",
);

const PUBLIC_ALLOW = ["tinycore", "tinylog", "Tiny_Config", "tinyhttp", "tinyjson", "tinyhtpp"];

function nexusApi(path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set("authorization", basicAuth("admin", world.sandbox.nexusAdminPassword));
  if (init.body) headers.set("content-type", "application/json");
  return fetch(`${world.sandbox.endpoints.nexus}/service/rest${path}`, { ...init, headers });
}

async function lastSync(feedId: string) {
  return world.t.db.job.findFirstOrThrow({ where: { subject: syncFeedPolicySubject(feedId) }, orderBy: { createdAt: "desc" } });
}

async function groupMembers(name: string): Promise<string[]> {
  const res = await nexusApi(`/v1/repositories/pypi/group/${name}`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { group: { memberNames: string[] } }).group.memberNames;
}

async function projectPage(indexUrl: string, project: string): Promise<{ status: number; text: string }> {
  const res = await fetch(`${indexUrl}${project}/`, { redirect: "manual" });
  return { status: res.status, text: await res.text() };
}

describe("one index per feed, allow-lists, blocks and drift, on the sandbox's Nexus", () => {
  it("serves both PyPI upstreams through one group, enforces the policy for real pip, follows reorder and revoke, and repairs drift", async () => {
    const { db } = world.t;
    // A fast drift watcher (the catalog starts a default one when none runs).
    await enqueueJob(db, { kind: CHECK_FEED_DRIFT_KIND, subject: CHECK_FEED_DRIFT_SUBJECT, payload: { everyMs: 100 } });
    const pypi = await db.upstreamSource.update({ where: { name: "pypi.org" }, data: { allowList: PUBLIC_ALLOW } });
    const internal = await db.upstreamSource.create({ data: { name: "internal", kind: "pypi", url: "https://pypi.internal.example/", status: "approved", decidedAt: new Date(), decisionReason: "our own packages" } });
    const condaForge = await db.upstreamSource.findUniqueOrThrow({ where: { name: "conda-forge" } });
    const admin = await actingUser(db, "Dmitri Ivanov");
    await blockPackage(db, admin, { name: "TinyHtpp", reason: "typosquat of tinyhttp" }, "corr-block");

    const team = await db.team.findUniqueOrThrow({ where: { slug: "vision" } });
    const host = await db.feedHost.findFirstOrThrow({ where: { kind: "nexus" } });
    const payload = feedRequestSchema.parse({
      teamId: team.id,
      title: "Vision feed with an internal index",
      workspace: { mode: "new", region: "westeurope", namePrefix: "gov", addressSpace: "10.43.0.0/16" },
      feedHost: { mode: "existing", hostId: host.id },
      upstreamIds: [pypi.id, internal.id, condaForge.id],
      environments: [{ name: "train", baseImage: "mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04:latest", conda: [], pip: [] }],
    });
    const request = await db.feedRequest.create({ data: { teamId: team.id, submittedByOid: "test", title: payload.title, payload, status: "APPROVED" } });
    const job = await enqueueJob(db, { kind: PROVISION_REQUEST_KIND, subject: `request:${request.id}`, payload: { requestId: request.id, upstreamIds: payload.upstreamIds } });
    const done = await settleJob(world.t.db, job.id);
    expect(done.status, done.lastError ?? "").toBe("SUCCEEDED");
    const feed = await db.feed.findFirstOrThrow({ where: { teamId: team.id, hostId: host.id } });
    expect(feed.status).toBe("READY");
    expect(feed.groupRepository).toBe("vision-pypi-group");
    const index = feed.pipIndexUrl ?? "";
    expect(index).toBe(`${world.sandbox.endpoints.nexus}/repository/vision-pypi-group/simple/`);
    expect(await groupMembers("vision-pypi-group")).toEqual(["vision-pypi-org-pypi", "vision-internal-pypi"]);

    // The catalog's pip.conf names the group, and only the group.
    const alice = await actingUser(db, "Alice Chen");
    const pipConf = (await getFeedConfig(db, alice, feed.id, "pip.conf")).body;
    expect(pipConf).toContain(`index-url = ${index}`);
    expect(pipConf).not.toMatch(/extra-index-url|pypi-org-pypi|internal-pypi/);

    // Routing rules, at the HTTP level: PEP 503 spellings of an allowed name pass, others are refused with Nexus's message.
    expect((await projectPage(index, "tiny-config")).status).toBe(200);
    expect((await projectPage(index, "Tiny_Config")).status).toBe(301);
    const refused = await projectPage(index, "tinyplot");
    expect(refused.status).toBe(403);
    expect(refused.text).toContain("Routing rules block the requested item from this repository");
    expect((await projectPage(index, "tinyhtpp")).status).toBe(403);
    const root = await (await fetch(index)).text();
    expect(root).toContain("tinysecret");
    expect(root).toContain("tiny-config");
    expect(root).not.toMatch(/tinyplot|tinyhtpp/);
    // Group order: pypi.org answers tinyjson first.
    expect((await projectPage(index, "tinyjson")).text).toContain("tinyjson-3.0.0");

    const home = createPipHome(world.sandbox.endpoints.caCertFile);
    try {
      home.writePipConf(pipConf);
      const target = (name: string) => ["install", "--no-compile", "--target", `${home.dir}/site-${name}`];
      const secret = await home.pip([...target("secret"), "tinysecret"]);
      expect(secret.ok, secret.output).toBe(true);
      expect(secret.output).toMatch(/Successfully installed tinycore-1\.1\.0 tinysecret-0\.1\.0/);
      const allowed = await home.pip([...target("http"), "tinyhttp", "Tiny_Config"]);
      expect(allowed.ok, allowed.output).toBe(true);
      expect(allowed.output).toMatch(/Successfully installed .*tiny[-_]config-2\.1\.0.*tinyhttp-0\.9\.0/i);
      for (const name of ["tinyplot", "tinyhtpp"]) {
        // pip names an index's HTTP status only when verbose, as it does for a 401, with Nexus's
        // reason phrase: the refusal is named.
        const denied = await home.pip([...target(name), "-vv", name]);
        expect(denied.ok).toBe(false);
        expect(denied.output, denied.output).toMatch(new RegExp(`403 Client Error: Routing rules block the requested item from this repository for url: \\S+/simple/${name}/`));
        expect(denied.output).toMatch(new RegExp(`No matching distribution found for ${name}`));
      }
    } finally {
      home.remove();
    }

    // Reordering the members goes through a job, and the internal fork of tinyjson now answers first.
    await reorderFeedUpstreams(db, admin, { feedId: feed.id, upstreamIds: [internal.id, pypi.id, condaForge.id] }, "corr-reorder");
    expect((await settleJob(world.t.db, (await lastSync(feed.id)).id)).status).toBe("SUCCEEDED");
    expect(await groupMembers("vision-pypi-group")).toEqual(["vision-internal-pypi", "vision-pypi-org-pypi"]);
    expect((await projectPage(index, "tinyjson")).text).toContain("tinyjson-3.1.0");

    // Revoking the internal index takes it out of the group.
    const carmen = await actingUser(db, "Carmen Diaz");
    await revokeUpstream(db, carmen, { upstreamId: internal.id, reason: "moved to another host" }, "corr-revoke");
    expect((await settleJob(world.t.db, (await lastSync(feed.id)).id)).status).toBe("SUCCEEDED");
    expect(await groupMembers("vision-pypi-group")).toEqual(["vision-pypi-org-pypi"]);
    // Only pypi.org is left, and tinysecret is not on its allow-list.
    expect((await projectPage(index, "tinysecret")).status).toBe(403);
    expect(await (await fetch(index)).text()).not.toContain("tinysecret");
    expect((await db.feed.findUniqueOrThrow({ where: { id: feed.id } })).status).toBe("READY");

    // Drift: the proxy disappears behind Feedgate's back (Nexus takes it out of the group)...
    const driftNamed = (pattern: RegExp) => async () => {
      const f = await db.feed.findUniqueOrThrow({ where: { id: feed.id } });
      return f.status === "DEGRADED" && pattern.test(JSON.stringify(f.lastHealth)) ? f : undefined;
    };
    expect((await nexusApi("/v1/repositories/vision-pypi-org-pypi", { method: "DELETE" })).status).toBe(204);
    const first = await until("the feed to be DEGRADED for the missing proxy", driftNamed(/Proxy vision-pypi-org-pypi is missing on Nexus/));
    expect(JSON.stringify(first.lastHealth)).toMatch(/Group vision-pypi-group has members none, not vision-pypi-org-pypi/);
    // ...then its routing rule, no longer in use: the flagged feed's evidence follows what Nexus holds now.
    expect((await nexusApi("/v1/routing-rules/vision-pypi-org-pypi-policy", { method: "DELETE" })).status).toBe(204);
    const drifted = await until("the drift evidence to name the routing rule too", driftNamed(/Routing rule vision-pypi-org-pypi-policy is missing on Nexus/));
    expect(JSON.stringify(drifted.lastHealth)).toMatch(/Proxy vision-pypi-org-pypi is missing on Nexus/);
    expect(await db.auditEvent.count({ where: { action: "feed.flagged", targetId: feed.id, actorOid: "system:check-feed-drift" } })).toBe(1);

    const repair = await repairFeed(db, admin, feed.id, "corr-repair");
    expect((await settleJob(world.t.db, repair.jobId ?? "")).status).toBe("SUCCEEDED");
    expect((await db.feed.findUniqueOrThrow({ where: { id: feed.id } })).status).toBe("READY");
    expect(await groupMembers("vision-pypi-group")).toEqual(["vision-pypi-org-pypi"]);
    expect((await nexusApi("/v1/routing-rules/vision-pypi-org-pypi-policy")).status).toBe(200);
    expect((await projectPage(index, "tinyplot")).status).toBe(403);
    expect((await projectPage(index, "tinyhttp")).status).toBe(200);
    // Each kind of change has its own audit action: the reorder, the repair asked for, the recovery.
    for (const action of ["feed.upstreams_reordered", "feed.repair_requested"]) expect(await db.auditEvent.count({ where: { action, targetId: feed.id } }), action).toBe(1);
    expect(await db.auditEvent.count({ where: { action: "feed.recovered", targetId: feed.id, actorOid: "system:sync-feed-policy" } })).toBeGreaterThanOrEqual(1);
    expect(await db.auditEvent.count({ where: { action: "package.blocked" } })).toBeGreaterThanOrEqual(1);
  }, 300_000);
});
