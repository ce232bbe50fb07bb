import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { AmlState, type ImageBuild } from "../aml/aml-state";
import { ArmState, type DeploymentRecord } from "../arm/arm-state";
import { SandboxBlobAccess } from "../blob/blob-rest";
import { SandboxPortInUseError } from "../core/http";
import { decodeSnapshot, encodeSnapshot } from "../core/snapshot";
import type { SandboxOptions } from "../main";
import { basicAuth, freePorts, nexusProxyBody, sandboxAuthHeader, startTestSandbox } from "../testing";

const SUB = "00000000-0000-0000-0000-0000000000aa";
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "feedgate-persist-"));
  dirs.push(dir);
  return dir;
}

async function fixedPorts(): Promise<NonNullable<SandboxOptions["ports"]>> {
  const [arm, aml, amlDataPlane, nexus, artifacts, blob, containerRegistry] = await freePorts(7);
  return { arm, aml, amlDataPlane, nexus, artifacts, blob, containerRegistry };
}

describe("sandbox state across a restart", () => {
  it("keeps ARM, Nexus (repositories, routing rules, anonymous read, users), Artifacts feeds and blobs, on the same ports", async () => {
    const dataDir = tempDir();
    const options: SandboxOptions = { dataDir, persistState: true, ports: await fixedPorts(), snapshotDebounceMs: 20 };
    const first = await startTestSandbox(options);
    const admin = basicAuth("admin", first.nexusAdminPassword);
    const json = { "content-type": "application/json" };
    let feedId = "";
    try {
      const rg = await fetch(`${first.endpoints.arm}/subscriptions/${SUB}/resourcegroups/rg-persist?api-version=2021-04-01`, { method: "PUT", headers: { ...json, ...(await sandboxAuthHeader(first)) }, body: JSON.stringify({ location: "westeurope", tags: { team: "vision" } }) });
      expect(rg.status).toBe(201);
      const nexus = (p: string, init: RequestInit = {}) => fetch(`${first.endpoints.nexus}/service/rest${p}`, { ...init, headers: { ...json, authorization: admin } });
      expect((await nexus("/v1/routing-rules", { method: "POST", body: JSON.stringify({ name: "allow-tiny", description: "", mode: "ALLOW", matchers: ["/simple/tinyhttp/.*"] }) })).status).toBe(204);
      expect((await nexus("/v1/repositories/pypi/proxy", { method: "POST", body: JSON.stringify({ ...nexusProxyBody("persist-pypi", "https://pypi.org/"), routingRule: "allow-tiny" }) })).status).toBe(201);
      expect((await nexus("/v1/security/anonymous", { method: "PUT", body: JSON.stringify({ enabled: true }) })).status).toBe(200);
      const user = { userId: "reader", firstName: "R", lastName: "R", emailAddress: "r@example.org", password: "reader-pass", status: "active", roles: ["nx-anonymous"] };
      expect((await nexus("/v1/security/users", { method: "POST", body: JSON.stringify(user) })).status).toBe(200);
      const feed = await fetch(`${first.endpoints.artifacts}/contoso/ml/_apis/packaging/feeds?api-version=7.1`, { method: "POST", headers: { ...json, authorization: basicAuth("x", first.artifactsPat) }, body: JSON.stringify({ name: "persist-feed" }) });
      expect(feed.status).toBe(201);
      feedId = ((await feed.json()) as { id: string }).id;
      const blob = new SandboxBlobAccess(first.endpoints.blob, readFileSync(first.endpoints.caCertFile, "utf8"));
      await blob.createContainer("persist");
      await blob.createAppendBlob("persist", "log.txt");
      await blob.appendBlock("persist", "log.txt", "first line\n");
    } finally {
      await first.stop();
    }
    expect(existsSync(path.join(dataDir, "state.json"))).toBe(true);

    const second = await startTestSandbox(options);
    try {
      expect(second.endpoints).toEqual(first.endpoints);
      expect(second.nexusAdminPassword).toBe(first.nexusAdminPassword);
      expect(second.artifactsPat).toBe(first.artifactsPat);
      const rg = await fetch(`${second.endpoints.arm}/subscriptions/${SUB}/resourcegroups/rg-persist?api-version=2021-04-01`, { headers: await sandboxAuthHeader(second) });
      expect(await rg.json()).toMatchObject({ name: "rg-persist", location: "westeurope", tags: { team: "vision" } });
      const nexus = (p: string) => fetch(`${second.endpoints.nexus}/service/rest${p}`, { headers: { authorization: admin } });
      expect(await (await nexus("/v1/repositories/pypi/proxy/persist-pypi")).json()).toMatchObject({ name: "persist-pypi", routingRuleName: "allow-tiny" });
      expect(await (await nexus("/v1/routing-rules/allow-tiny")).json()).toMatchObject({ mode: "ALLOW", matchers: ["/simple/tinyhttp/.*"] });
      expect(await (await nexus("/v1/security/anonymous")).json()).toMatchObject({ enabled: true });
      // Anonymous read is on, and the routing rule still applies to content.
      expect((await fetch(`${second.endpoints.nexus}/repository/persist-pypi/simple/tinyhttp/`)).status).toBe(200);
      expect((await fetch(`${second.endpoints.nexus}/repository/persist-pypi/simple/tinyjson/`)).status).toBe(403);
      expect((await fetch(`${second.endpoints.nexus}/repository/persist-pypi/simple/tinyhttp/`, { headers: { authorization: basicAuth("reader", "reader-pass") } })).status).toBe(200);
      const feed = await fetch(`${second.endpoints.artifacts}/contoso/ml/_apis/packaging/feeds/${feedId}?api-version=7.1`, { headers: { authorization: basicAuth("x", second.artifactsPat) } });
      expect(await feed.json()).toMatchObject({ id: feedId, name: "persist-feed", project: { name: "ml" } });
      const blob = new SandboxBlobAccess(second.endpoints.blob, readFileSync(second.endpoints.caCertFile, "utf8"));
      expect((await blob.getBlob("persist", "log.txt"))?.toString("utf8")).toBe("first line\n");
    } finally {
      await second.stop();
    }
  });

  it("is in memory by default: no state file, and a second sandbox starts empty", async () => {
    const dataDir = tempDir();
    const sandbox = await startTestSandbox({ dataDir });
    try {
      const res = await fetch(`${sandbox.endpoints.nexus}/service/rest/v1/repositories/pypi/proxy`, { method: "POST", headers: { "content-type": "application/json", authorization: basicAuth("admin", sandbox.nexusAdminPassword) }, body: JSON.stringify(nexusProxyBody("mem-pypi", "https://pypi.org/")) });
      expect(res.status).toBe(201);
    } finally {
      await sandbox.stop();
    }
    expect(existsSync(path.join(dataDir, "state.json"))).toBe(false);
    expect(existsSync(path.join(dataDir, "blob"))).toBe(false);
  });

  it("rejects a fixed port that is taken, naming the service", async () => {
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, "127.0.0.1", resolve));
    const taken = (holder.address() as { port: number }).port;
    try {
      const error = await startTestSandbox({ ports: { nexus: taken } }).then(
        async (s) => {
          await s.stop();
          return undefined;
        },
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(SandboxPortInUseError);
      expect(error).toMatchObject({ service: "nexus", port: taken });
    } finally {
      holder.close();
    }
  });
});

describe("work in flight when the sandbox stopped", () => {
  it("ends a running image build Failed with BuildInterrupted, and latestBuild still points at it", () => {
    const aml = new AmlState();
    const build: ImageBuild = { id: "b1", workspaceId: "ws", environment: "train", version: "1", status: "Running", logContainer: "c", logBlob: "l", logUrl: "u", startedAt: new Date().toISOString() };
    aml.builds.set("b1", build);
    aml.latestBuild.set("ws|train|1", build);
    aml.containersOf("ws").set("train", { name: "train", properties: {}, createdAt: "", modifiedAt: "", versions: new Map([["1", { name: "1", version: "1", properties: {}, createdAt: "", modifiedAt: "" }]]) });
    const restored = new AmlState();
    const interrupted = restored.restore(decodeSnapshot(encodeSnapshot(aml.toSnapshot())) as ReturnType<AmlState["toSnapshot"]>);
    expect(interrupted.map((b) => b.id)).toEqual(["b1"]);
    expect(restored.builds.get("b1")).toMatchObject({ status: "Failed", error: { code: "BuildInterrupted" }, endedAt: expect.any(String) });
    expect(restored.latestBuild.get("ws|train|1")).toBe(restored.builds.get("b1"));
    expect(restored.containersOf("ws").get("train")?.versions.get("1")?.version).toBe("1");
    expect(restored.isBusy()).toBe(false);
  });

  it("ends a running deployment Failed with DeploymentInterrupted, its unfinished operations too", () => {
    const arm = new ArmState();
    const deployment = {
      id: "/subscriptions/s/resourcegroups/rg/providers/Microsoft.Resources/deployments/d",
      name: "d",
      provisioningState: "Running",
      operations: [
        { operationId: "1", provisioningOperation: "Create", state: "Succeeded", timestamp: "", startedAt: 0 },
        { operationId: "2", provisioningOperation: "Create", state: "Running", timestamp: "", startedAt: 0 },
      ],
      done: new Promise(() => undefined),
    } as unknown as DeploymentRecord;
    arm.deployments.set("d", deployment);
    expect(arm.isBusy()).toBe(true);
    const restored = new ArmState();
    restored.restore(decodeSnapshot(encodeSnapshot(arm.toSnapshot())) as ReturnType<ArmState["toSnapshot"]>);
    const d = restored.deployments.get("d");
    expect(d).toMatchObject({ provisioningState: "Failed", error: { code: "DeploymentInterrupted" } });
    expect(d?.operations.map((o) => o.state)).toEqual(["Succeeded", "Failed"]);
    expect(restored.isBusy()).toBe(false);
  });
});
