import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { loadSandboxCloud } from "@/lib/cloud/load-cloud";
import { enqueueJob } from "@/lib/jobs/enqueue-job";
import { feedRequestSchema } from "@/lib/validation/feed-request";
import { setUpSandboxWorld } from "@/testing/sandbox-world";
import { listRecordedRequests, sandboxAuthHeader } from "@/testing/sandbox";
import { createProvisionRequestJob } from "./definition";
import { PROVISION_REQUEST_KIND } from "./schema";
import { feedConnectionName } from "./workspace-connection";
import { settleJob } from "@/testing/jobs/settle-job";

const world = setUpSandboxWorld(({ db, cloud }) => [createProvisionRequestJob({ db, cloud, pollMs: 20 })]);

describe("provision-request on Azure Artifacts against the sandbox cloud", () => {
  it("authenticates preflight with the host's PAT and the image build through a PythonFeed workspace connection, and reaches READY", async () => {
    const { db } = world.t;
    const pat = readFileSync(world.sandbox.endpoints.artifactsPatFile, "utf8").trim();
    const team = await db.team.findUniqueOrThrow({ where: { slug: "vision" } });
    const pypi = await db.upstreamSource.findFirstOrThrow({ where: { name: "pypi.org" } });
    const payload = feedRequestSchema.parse({
      teamId: team.id,
      title: "Vision feed on Artifacts",
      workspace: { mode: "new", region: "westeurope", namePrefix: "artif", addressSpace: "10.43.0.0/16" },
      feedHost: { mode: "artifacts", organization: "contoso", project: "ml-platform" },
      upstreamIds: [pypi.id],
      environments: [{ name: "train", baseImage: "mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04:latest", conda: [], pip: ["tinyml==0.3.0"] }],
    });
    const request = await db.feedRequest.create({ data: { teamId: team.id, submittedByOid: "test", title: payload.title, payload, status: "APPROVED" } });
    const job = await enqueueJob(db, { kind: PROVISION_REQUEST_KIND, subject: `request:${request.id}`, payload: { requestId: request.id, upstreamIds: payload.upstreamIds } });

    const done = await settleJob(world.t.db, job.id, 240_000);
    const events = await db.jobEvent.findMany({ where: { jobId: job.id }, orderBy: { id: "asc" } });
    const build = await db.environmentBuild.findFirst({ where: { environmentName: "train", teamId: team.id }, orderBy: { queuedAt: "desc" } });
    const log = build ? (await db.buildLogChunk.findMany({ where: { buildId: build.id }, orderBy: { seq: "asc" } })).map((c) => c.text).join("") : "";
    expect(done.lastError, `${events.map((e) => `${e.type}: ${e.message}`).join("\n")}\n${log}`).toBeNull();
    expect(done.status).toBe("SUCCEEDED");

    const stored = await db.feedRequest.findUniqueOrThrow({ where: { id: request.id }, include: { feed: { include: { host: true } } } });
    expect(stored.status).toBe("READY");
    const feed = stored.feed;
    expect(feed?.host.kind).toBe("artifacts");
    expect(feed?.pipIndexUrl).toBe(`${world.sandbox.endpoints.artifacts}/contoso/ml-platform/_packaging/vision-feed/pypi/simple/`);
    expect(feed?.status).toBe("READY");
    expect(JSON.stringify(feed?.lastHealth)).toMatch(/pip index.*answered 200 \(authenticated with the host's PAT\)/);
    const pipIndexUrl = feed?.pipIndexUrl ?? "";

    // Preflight asked the feed with credentials: no 401 on the index, ever.
    const indexRequests = await listRecordedRequests(world.sandbox.endpoints.artifacts, { service: "artifacts", path: "/_packaging/vision-feed/pypi/simple" });
    expect(indexRequests.length).toBeGreaterThan(0);
    expect(indexRequests.filter((r) => r.status === 401)).toEqual([]);

    // The workspace connection exists with the feed's index as its target, and a GET shows no PAT.
    const workspace = await db.workspace.findUniqueOrThrow({ where: { id: stored.feed?.workspaceId ?? "" } });
    const name = feedConnectionName(feed?.name ?? "");
    const connection = await loadSandboxCloud(world.sandbox.endpoints).aml.getWorkspaceConnection({ resourceGroup: workspace.resourceGroup, workspace: workspace.name }, name);
    expect(connection).toMatchObject({ name, authType: "PAT", category: "PythonFeed", target: pipIndexUrl });
    const raw = await fetch(`${world.sandbox.endpoints.aml}${workspace.armId}/connections/${name}?api-version=2022-10-01`, { headers: await sandboxAuthHeader(world.sandbox) });
    expect(raw.status).toBe(200);
    const rawText = await raw.text();
    expect(rawText).not.toContain(pat);
    expect(rawText).not.toContain("credentials");
    expect(events.map((e) => e.type)).toContain("connection.created");
    expect(done.checkpoints).toMatchObject({ "feed-registration": { data: { connection: { name, target: pipIndexUrl, workspace: workspace.name } } } });

    // The build authenticated with it: the index it used is in the log, and the image built.
    expect(build?.status).toBe("SUCCEEDED");
    expect(build?.pipIndexUrl).toBe(pipIndexUrl);
    expect(log).toContain(`Looking in indexes: ${pipIndexUrl}`);
    expect(log).toMatch(/Successfully installed .*tinyml-0\.3\.0/);
    // As a word: a random build id or digest may hold the digits 401.
    expect(log).not.toMatch(/\b401\b/);

    // The PAT entered no row, checkpoint, event or log of Feedgate's.
    const rows = await Promise.all([
      db.job.findMany({ where: { id: job.id } }),
      db.jobEvent.findMany({ where: { jobId: job.id } }),
      db.feed.findMany({ where: { id: feed?.id } }),
      db.feedHost.findMany(),
      db.environmentBuild.findMany({ where: { teamId: team.id } }),
      db.buildLogChunk.findMany({ where: { buildId: build?.id } }),
      db.feedRequest.findMany({ where: { id: request.id } }),
    ]);
    expect(JSON.stringify(rows)).not.toContain(pat);
  });
});
