import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sandboxToken, startTestSandbox, type TestSandbox } from "../testing";
import { SEEDED_WORKSPACE_GROUP, SEEDED_WORKSPACES } from "../arm/seed-workspaces";

const SUB = "00000000-0000-4000-8000-00000000feed";
const API = "api-version=2024-04-01";
const REGISTRY = "mlreg-feedgate-shared";
const WS = `/subscriptions/${SUB}/resourceGroups/${SEEDED_WORKSPACE_GROUP}/providers/Microsoft.MachineLearningServices/workspaces/${SEEDED_WORKSPACES.isolated}`;
const REG = `/subscriptions/${SUB}/resourceGroups/rg-feedgate-registries/providers/Microsoft.MachineLearningServices/registries/${REGISTRY}`;

let sandbox: TestSandbox;
let token = "";

beforeAll(async () => {
  sandbox = await startTestSandbox({ seedWorkspaces: true, pace: { armStepMs: 50, buildStepMs: 20 } });
  token = await sandboxToken(sandbox);
});
afterAll(async () => sandbox?.stop());

function aml(path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${sandbox.endpoints.aml}${path}`, { ...init, headers: { authorization: `Bearer ${token}`, "content-type": "application/json", ...(init.headers ?? {}) } });
}

const publishBody = (version: string) => JSON.stringify({ destinationName: "reg-env", destinationVersion: version, registryName: REGISTRY });

describe("Azure ML registries in the sandbox (2024-04-01)", () => {
  it("serves the seeded registries with ARM's shape, and checks the bearer token", async () => {
    const res = await aml(`${REG}?${API}`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { id: string; name: string; type: string; location: string; properties: { regionDetails: unknown[] } };
    expect(body).toMatchObject({ id: REG, name: REGISTRY, type: "Microsoft.MachineLearningServices/registries", location: "eastus" });
    expect(body.properties.regionDetails).toHaveLength(1);
    expect((await aml(`${REG.replace(REGISTRY, "mlreg-nope")}?${API}`)).status).toBe(404);
    const anonymous = await fetch(`${sandbox.endpoints.aml}${REG}?${API}`);
    expect(anonymous.status).toBe(401);
  });

  it("refuses to publish an environment whose image is not built, then publishes it once built (LRO)", async () => {
    const put = await aml(`${WS}/environments/reg-env/versions/1?api-version=2022-10-01`, { method: "PUT", body: JSON.stringify({ properties: { image: "mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu20.04" } }) });
    expect(put.status).toBe(201);
    const before = sandbox.registries.publishCalls;
    const refused = await aml(`${WS}/environments/reg-env/versions/1/publish?${API}`, { method: "POST", body: publishBody("1") });
    expect(refused.status).toBe(400);
    const error = ((await refused.json()) as { error: { code: string; message: string } }).error;
    expect(error.code).toBe("UserError");
    expect(error.message).toContain("not yet materialized in source ACR, please build the image before attempting to publish");

    await buildImage("reg-env", "1");
    const accepted = await aml(`${WS}/environments/reg-env/versions/1/publish?${API}`, { method: "POST", body: publishBody("1") });
    expect(accepted.status).toBe(202);
    const statusUrl = accepted.headers.get("azure-asyncoperation") ?? "";
    expect(statusUrl).toMatch(/\/providers\/Microsoft\.MachineLearningServices\/locations\/eastus\/mfeOperationsStatus\/[0-9a-f-]+\?api-version=2024-04-01$/);
    expect(accepted.headers.get("location")).toMatch(/mfeOperationResults/);
    const statuses: string[] = [];
    for (let i = 0; i < 500 && statuses.at(-1) !== "Succeeded"; i++) {
      const poll = (await (await fetch(statusUrl, { headers: { authorization: `Bearer ${token}` } })).json()) as { status: string };
      if (statuses.at(-1) !== poll.status) statuses.push(poll.status);
      if (poll.status !== "Succeeded") await new Promise((r) => setTimeout(r, 20));
    }
    expect(statuses).toEqual(["InProgress", "Succeeded"]);
    expect(sandbox.registries.publishCalls - before).toBe(2);

    const version = await aml(`${REG}/environments/reg-env/versions/1?${API}`);
    expect(version.status).toBe(200);
    expect(await version.json()).toMatchObject({ id: `${REG}/environments/reg-env/versions/1`, name: "1", type: "Microsoft.MachineLearningServices/registries/environments/versions", properties: { provisioningState: "Succeeded" } });
    // Registry assets are immutable.
    expect((await aml(`${WS}/environments/reg-env/versions/1/publish?${API}`, { method: "POST", body: publishBody("1") })).status).toBe(409);
    expect((await aml(`${REG}/environments/reg-env/versions/2?${API}`)).status).toBe(404);
  });

  it("validates the destination", async () => {
    const bad = await aml(`${WS}/environments/reg-env/versions/1/publish?${API}`, { method: "POST", body: JSON.stringify({ destinationName: "a/b", destinationVersion: "1", registryName: REGISTRY }) });
    expect(bad.status).toBe(400);
    const missing = await aml(`${WS}/environments/reg-env/versions/1/publish?${API}`, { method: "POST", body: JSON.stringify({ destinationName: "x", destinationVersion: "1", registryName: "mlreg-missing" }) });
    expect(missing.status).toBe(404);
  });
});

async function buildImage(name: string, version: string): Promise<void> {
  const started = await fetch(`${sandbox.endpoints.amlDataPlane}/environment/v2.0${WS}/environments/${name}/versions/${version}/image`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: "{}" });
  expect(started.status).toBe(202);
  const { location } = (await started.json()) as { location: string };
  for (let i = 0; i < 5000; i++) {
    const poll = await fetch(location, { headers: { authorization: `Bearer ${token}` } });
    const body = (await poll.json()) as { status: string; logUrl: string };
    if (poll.status === 200) {
      expect(body.status, await (await fetch(body.logUrl)).text()).toBe("Succeeded");
      return;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error("the image build did not finish");
}
