import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addFault, basicAuth, clearFaults, listRecordedRequests, nexusProxyBody, startTestSandbox, type TestSandbox } from "../testing";

describe("sandbox inspection and fault injection", () => {
  let sandbox: TestSandbox;

  beforeAll(async () => {
    sandbox = await startTestSandbox({ recorderCapacity: 50 });
  });
  afterAll(async () => sandbox?.stop());

  it("records requests with secrets masked and answers filtered queries", async () => {
    const auth = basicAuth("admin", sandbox.nexusAdminPassword);
    const body = { ...nexusProxyBody("masked", "https://pypi.org/"), httpClient: { blocked: false, autoBlock: true, authentication: { type: "username", username: "u", password: "s3cret-upstream" } } };
    await fetch(`${sandbox.endpoints.nexus}/service/rest/v1/repositories/pypi/proxy`, { method: "POST", headers: { authorization: auth, "content-type": "application/json" }, body: JSON.stringify(body) });
    const [rec] = await listRecordedRequests(sandbox.endpoints.arm, { service: "nexus", method: "POST", path: "/repositories/pypi/proxy" });
    expect(rec?.status).toBe(201);
    expect(rec?.headers.authorization).toBe("Basic ***");
    expect(JSON.stringify(rec)).not.toContain("s3cret-upstream");
    expect(JSON.stringify(rec)).not.toContain(sandbox.nexusAdminPassword);
    expect(rec?.body).toMatchObject({ name: "masked", httpClient: { authentication: { username: "u", password: "***" } } });
    expect(await listRecordedRequests(sandbox.endpoints.nexus, { service: "arm" })).toEqual([]);
  });

  it("keeps memory bounded", async () => {
    await Promise.all(Array.from({ length: 80 }, () => fetch(`${sandbox.endpoints.nexus}/service/rest/v1/status`)));
    const all = await listRecordedRequests(sandbox.endpoints.nexus);
    expect(all.length).toBe(50);
  });

  it("injects latency, 503 and dropped connections per endpoint pattern, then clears them", async () => {
    const url = `${sandbox.endpoints.nexus}/service/rest/v1/status/writable`;
    await addFault(sandbox.endpoints.nexus, { service: "nexus", path: "/status/writable$", kind: "latency", latencyMs: 300, times: 1 });
    const t0 = Date.now();
    expect((await fetch(url)).status).toBe(200);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(280);

    await addFault(sandbox.endpoints.nexus, { service: "nexus", path: "/status/writable$", kind: "status", status: 503, times: 1 });
    expect((await fetch(url)).status).toBe(503);
    expect((await fetch(url)).status).toBe(200);

    await addFault(sandbox.endpoints.nexus, { service: "nexus", path: "/status/writable$", kind: "drop" });
    await expect(fetch(url)).rejects.toThrow();
    await clearFaults(sandbox.endpoints.nexus);
    expect((await fetch(url)).status).toBe(200);
  });

  it("changes the pace at run time through /_sandbox/pace", async () => {
    const res = await fetch(`${sandbox.endpoints.arm}/_sandbox/pace`, { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify({ armStepMs: 42 }) });
    expect(await res.json()).toEqual({ armStepMs: 42, buildStepMs: 5 });
    expect(sandbox.pace.armStepMs).toBe(42);
    expect((await fetch(`${sandbox.endpoints.nexus}/_sandbox/pace`, { method: "PUT", body: JSON.stringify({ armStepMs: -1 }) })).status).toBe(400);
  });

  it("reads fault rules from faults.json and reloads them when the file changes", async () => {
    const file = path.join(sandbox.dataDir, "faults.json");
    writeFileSync(file, JSON.stringify([{ service: "artifacts", kind: "status", status: 429, retryAfterSeconds: 7 }]));
    const deadline = Date.now() + 5000;
    let res = await fetch(`${sandbox.endpoints.artifacts}/org/_apis/packaging/feeds`);
    while (res.status !== 429 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      res = await fetch(`${sandbox.endpoints.artifacts}/org/_apis/packaging/feeds`);
    }
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("7");
    writeFileSync(file, "[]");
    const deadline2 = Date.now() + 5000;
    while (res.status === 429 && Date.now() < deadline2) {
      await new Promise((r) => setTimeout(r, 100));
      res = await fetch(`${sandbox.endpoints.artifacts}/org/_apis/packaging/feeds`);
    }
    expect(res.status).toBe(401);
  });
});
