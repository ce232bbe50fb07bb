import { describe, expect, it } from "vitest";
import { actingUser, readyFeed, uniqueSuffix } from "@/testing/approval-fixtures";
import { createNexusClient } from "@/lib/cloud/nexus";
import { setUpSandboxWorld } from "@/testing/sandbox-world";
import { basicAuth } from "@/testing/sandbox";
import { revokeUpstream } from "./revoke-upstream";
import { createSwitchProxiesOfflineJob } from "@/lib/workflows/switch-proxies-offline/definition";
import { settleJob } from "@/testing/jobs/settle-job";

const world = setUpSandboxWorld(({ db, cloud }) => [createSwitchProxiesOfflineJob({ db, cloud })], "revoke-test-worker");

/** What Nexus itself reports, over its REST API, for one repository. */
async function nexusRepository(name: string): Promise<{ online: boolean }> {
  const res = await fetch(`${world.sandbox.endpoints.nexus}/service/rest/v1/repositories/${name}`, { headers: { Authorization: basicAuth("admin", world.sandbox.nexusAdminPassword), Accept: "application/json" } });
  expect(res.status).toBe(200);
  return (await res.json()) as { online: boolean };
}

describe("revoking an upstream against the sandbox Nexus", () => {
  it("switches the proxy repositories of every flagged feed offline, and pip gets 503 from them", async () => {
    const upstream = await world.t.db.upstreamSource.findFirstOrThrow({ where: { name: "pypi.org" } });
    const nexus = createNexusClient({ baseUrl: world.sandbox.endpoints.nexus, username: "admin", password: world.sandbox.nexusAdminPassword });
    const suffix = uniqueSuffix();
    const repos = [`vision-${suffix}-pypi`, `nlp-${suffix}-pypi`];
    await nexus.ensureAnonymousRead();
    for (const name of repos) await nexus.ensureProxy({ name, format: "pypi", remoteUrl: upstream.url });
    for (const name of repos) expect((await nexusRepository(name)).online).toBe(true);
    const [vision, nlp] = [
      await readyFeed(world.t.db, { teamSlug: "vision", upstreamId: upstream.id, repository: repos[0] ?? "", pipIndexUrl: `${world.sandbox.endpoints.nexus}/repository/${repos[0]}/simple/` }),
      await readyFeed(world.t.db, { teamSlug: "nlp", upstreamId: upstream.id, repository: repos[1] ?? "", pipIndexUrl: `${world.sandbox.endpoints.nexus}/repository/${repos[1]}/simple/` }),
    ];
    expect((await fetch(vision.pipIndexUrl ?? "")).status).toBe(200);
    // A feed whose proxy was removed by hand: nothing to switch off, and no reason to fail.
    const ghost = await readyFeed(world.t.db, { teamSlug: "vision", upstreamId: upstream.id, repository: `ghost-${suffix}-pypi` });

    const carmen = await actingUser(world.t.db, "Carmen Diaz");
    const result = await revokeUpstream(world.t.db, carmen, { upstreamId: upstream.id, reason: "Policy: internal mirror only" }, "corr-int");
    const job = await settleJob(world.t.db, result.jobId);
    const events = await world.t.db.jobEvent.findMany({ where: { jobId: job.id }, orderBy: { id: "asc" } });
    expect(job.status, events.map((e) => e.message).join("\n")).toBe("SUCCEEDED");

    for (const name of repos) expect((await nexusRepository(name)).online).toBe(false);
    expect((await fetch(vision.pipIndexUrl ?? "")).status).toBe(503);
    expect(events.filter((e) => e.type === "proxy.offline")).toHaveLength(2);
    expect(events.filter((e) => e.type === "proxy.missing").map((e) => e.message)).toEqual([expect.stringContaining(`ghost-${suffix}-pypi`)]);
    for (const feed of [vision, nlp, ghost]) expect((await world.t.db.feed.findUniqueOrThrow({ where: { id: feed.id } })).status).toBe("DEGRADED");
  });
});
