import { AzureMachineLearningWorkspaces } from "@azure/arm-machinelearning";
import { ResourceManagementClient } from "@azure/arm-resources";
import { DeploymentsClient } from "@azure/arm-resourcesdeployments";
import { ContainerClient, StorageSharedKeyCredential } from "@azure/storage-blob";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { StaticTokenCredential, sandboxToken, basicAuth, listRecordedRequests, startTestSandbox, type TestSandbox } from "../testing";
import { amlSdkValidator, formatErrors } from "./spec-schemas";

const SUB = "00000000-0000-0000-0000-0000000000c3";
const RG = "rg-conn";
const WS = "mlw-conn";
/** A real token of the sandbox's service principal (ARM and Azure ML check it; the data plane takes any). */
let TOKEN = "";
const PAT_RESOURCE = { WorkspaceConnectionPropertiesV2: "PATAuthTypeWorkspaceConnectionProperties" };

const template = {
  $schema: "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  contentVersion: "1.0.0.0",
  resources: [
    { type: "Microsoft.Storage/storageAccounts", apiVersion: "2022-09-01", name: "stconn", location: "eastus", sku: { name: "Standard_LRS" }, kind: "StorageV2", properties: {} },
    { type: "Microsoft.ContainerRegistry/registries", apiVersion: "2022-12-01", name: "crconn", location: "eastus", sku: { name: "Premium" }, properties: {} },
    {
      type: "Microsoft.MachineLearningServices/workspaces",
      apiVersion: "2022-10-01",
      name: WS,
      location: "eastus",
      identity: { type: "SystemAssigned" },
      properties: {
        storageAccount: "[resourceId('Microsoft.Storage/storageAccounts', 'stconn')]",
        containerRegistry: "[resourceId('Microsoft.ContainerRegistry/registries', 'crconn')]",
        imageBuildCompute: "cluster001",
      },
      dependsOn: ["stconn", "crconn"],
    },
  ],
};

describe("Azure ML workspace connections (@azure/arm-machinelearning 2.1.1) and builds that authenticate with them", () => {
  let sandbox: TestSandbox;
  let ml: AzureMachineLearningWorkspaces;
  let container: ContainerClient;
  let feedIndex: string;

  beforeAll(async () => {
    sandbox = await startTestSandbox({ pace: { armStepMs: 2, buildStepMs: 10 } });
    TOKEN = await sandboxToken(sandbox);
    const credential = new StaticTokenCredential(TOKEN);
    await new ResourceManagementClient(credential, SUB, { endpoint: sandbox.endpoints.arm }).resourceGroups.createOrUpdate(RG, { location: "eastus" });
    await new DeploymentsClient(credential, SUB, { endpoint: sandbox.endpoints.arm }).deployments.createOrUpdate(RG, "conn", { properties: { mode: "Incremental", template } }, { updateIntervalInMs: 10 });
    ml = new AzureMachineLearningWorkspaces(credential, SUB, { endpoint: sandbox.endpoints.aml });
    const store = await ml.datastores.get(RG, WS, "workspaceblobstore");
    const key = ((await ml.datastores.listSecrets(RG, WS, "workspaceblobstore")) as { key?: string }).key ?? "";
    const props = store.properties as { accountName: string; containerName: string };
    container = new ContainerClient(`${sandbox.endpoints.blob}/${props.containerName}`, new StorageSharedKeyCredential(props.accountName, key));

    const created = await fetch(`${sandbox.endpoints.artifacts}/contoso/ml/_apis/packaging/feeds?api-version=7.1`, {
      method: "POST",
      headers: { authorization: basicAuth("", sandbox.artifactsPat), "content-type": "application/json" },
      body: JSON.stringify({ name: "team-feed", upstreamEnabled: true, upstreamSources: [{ name: "PyPI", protocol: "pypi", location: "https://pypi.org/", upstreamSourceType: "public" }] }),
    });
    expect(created.status).toBe(201);
    feedIndex = `${sandbox.endpoints.artifacts}/contoso/ml/_packaging/team-feed/pypi/simple/`;
  });
  afterAll(async () => sandbox?.stop());

  it("creates, updates, reads, lists and deletes a PythonFeed connection; no answer ever carries the PAT", async () => {
    const validate = await amlSdkValidator("WorkspaceConnectionPropertiesV2BasicResource", PAT_RESOURCE);
    const raw: string[] = [];
    const onResponse = (r: { bodyAsText?: string | null }) => raw.push(r.bodyAsText ?? "");
    const pat = "pat-that-must-stay-secret";
    const created = await ml.workspaceConnections.create(RG, WS, "feedgate-team-feed", { properties: { authType: "PAT", category: "PythonFeed", target: `${feedIndex}old/`, credentials: { pat } } }, { onResponse });
    expect(created).toMatchObject({ name: "feedgate-team-feed", type: "Microsoft.MachineLearningServices/workspaces/connections", properties: { authType: "PAT", category: "PythonFeed", target: `${feedIndex}old/` } });
    expect(created.id).toMatch(new RegExp(`/workspaces/${WS}/connections/feedgate-team-feed$`, "i"));

    // PUT again: an update, still 200 (the 2.1.1 client accepts nothing else), creation time kept.
    const updated = await ml.workspaceConnections.create(RG, WS, "feedgate-team-feed", { properties: { authType: "PAT", category: "PythonFeed", target: feedIndex, credentials: { pat } } }, { onResponse });
    expect(updated.properties.target).toBe(feedIndex);
    expect(updated.systemData?.createdAt).toEqual(created.systemData?.createdAt);

    const got = await ml.workspaceConnections.get(RG, WS, "FEEDGATE-team-feed", { onResponse });
    expect(got.properties).toEqual({ authType: "PAT", category: "PythonFeed", target: feedIndex });
    expect("credentials" in got.properties).toBe(false);
    for (const body of raw) {
      const parsed: unknown = JSON.parse(body);
      expect(validate(parsed), formatErrors(validate)).toBe(true);
      expect(body).not.toContain(pat);
      expect(body).not.toMatch(/credentials|"value"/);
    }

    await ml.workspaceConnections.create(RG, WS, "acr", { properties: { authType: "UsernamePassword", category: "ContainerRegistry", target: "crconn.azurecr.io", credentials: { username: "u", password: "p" } } as never });
    const all: string[] = [];
    for await (const c of ml.workspaceConnections.list(RG, WS)) all.push(c.name ?? "");
    expect(all.sort()).toEqual(["acr", "feedgate-team-feed"]);
    const feeds: string[] = [];
    for await (const c of ml.workspaceConnections.list(RG, WS, { category: "PythonFeed", target: feedIndex.replace(/\/$/, "") })) feeds.push(c.name ?? "");
    expect(feeds).toEqual(["feedgate-team-feed"]);

    // The request record masks the PAT that went in.
    const recorded = await listRecordedRequests(sandbox.endpoints.aml, { service: "aml", path: "/connections/" });
    expect(recorded.filter((r) => r.method === "PUT").length).toBeGreaterThanOrEqual(2);
    expect(JSON.stringify(recorded)).not.toContain(pat);

    await ml.workspaceConnections.delete(RG, WS, "acr");
    await expect(ml.workspaceConnections.get(RG, WS, "acr")).rejects.toMatchObject({ statusCode: 404, code: "UserError" });
  });

  it("refuses connections Azure ML would refuse, with its error shape", async () => {
    const put = (name: string, properties: Record<string, unknown>) => ml.workspaceConnections.create(RG, WS, name, { properties } as never);
    await expect(put("no-pat", { authType: "PAT", category: "PythonFeed", target: feedIndex })).rejects.toMatchObject({ statusCode: 400, code: "UserError", message: expect.stringMatching(/credentials\.pat/) });
    await expect(put("bad-auth", { authType: "Password", category: "PythonFeed", target: feedIndex, credentials: { pat: "x" } })).rejects.toMatchObject({ statusCode: 400, message: expect.stringMatching(/Invalid authType 'Password'/) });
    await expect(put("bad-category", { authType: "PAT", category: "Npm", target: feedIndex, credentials: { pat: "x" } })).rejects.toMatchObject({ statusCode: 400, message: expect.stringMatching(/Invalid category 'Npm'/) });
    await expect(put("no-target", { authType: "PAT", category: "PythonFeed", credentials: { pat: "x" } })).rejects.toMatchObject({ statusCode: 400, message: expect.stringMatching(/Target is required/) });
    await expect(put("not-a-url", { authType: "PAT", category: "PythonFeed", target: "team-feed", credentials: { pat: "x" } })).rejects.toMatchObject({ statusCode: 400 });
    await expect(put("-leading-dash", { authType: "None", category: "PythonFeed", target: feedIndex })).rejects.toMatchObject({ statusCode: 400 });
    await expect(ml.workspaceConnections.get(RG, WS, "never-created")).rejects.toMatchObject({ statusCode: 404 });
  });

  it("authenticates a build's pip to an Azure Artifacts feed with the PythonFeed connection that covers its index, and fails with 401 without one", async () => {
    const files = {
      Dockerfile: `FROM python:3.11-slim\nRUN pip config set global.index-url ${feedIndex}\nCOPY requirements.txt /tmp/requirements.txt\nRUN pip install --no-cache-dir -r /tmp/requirements.txt\n`,
      "requirements.txt": "tinycli==1.0.0\n",
    };
    const putConnection = (name: string, target: string, pat: string) => ml.workspaceConnections.create(RG, WS, name, { properties: { authType: "PAT", category: "PythonFeed", target, credentials: { pat } } });
    await ml.workspaceConnections.delete(RG, WS, "feedgate-team-feed");
    // Neither covers the feed's index: another feed's index, and a prefix that is not a path segment.
    await putConnection("other-feed", `${sandbox.endpoints.artifacts}/contoso/ml/_packaging/team-feed-old/pypi/simple/`, sandbox.artifactsPat);
    await putConnection("not-a-segment", `${sandbox.endpoints.artifacts}/contoso/ml/_packaging/team`, sandbox.artifactsPat);

    const without = await build("env-no-connection", files);
    expect(without.status).toBe("Failed");
    expect(without.log).toContain(`Looking in indexes: ${feedIndex}`);
    expect(without.log).toMatch(/WARNING: 401 Error, no credentials for https:\/\/127\.0\.0\.1:\d+\/contoso\/ml\/_packaging\/team-feed\/pypi\/simple\/tinycli\//);
    expect(without.log).toMatch(/ERROR: 401 Client Error: Unauthorized for url: .*\/team-feed\/pypi\/simple\/tinycli\//);

    await putConnection("wrong-pat", feedIndex, "an-expired-pat");
    const wrong = await build("env-wrong-pat", files);
    expect(wrong.status).toBe("Failed");
    expect(wrong.log).toMatch(/WARNING: 401 Error, Credentials not correct for .*\/team-feed\/pypi\/simple\/tinycli\//);

    // The organisation-wide target of the Azure ML docs covers the feed too; the longer target wins.
    await putConnection("wrong-pat", `${sandbox.endpoints.artifacts}/contoso/ml/_packaging/team-feed/pypi/simple`, sandbox.artifactsPat);
    await putConnection("organisation", `${sandbox.endpoints.artifacts}/contoso`, "an-expired-pat");
    const since = (await listRecordedRequests(sandbox.endpoints.artifacts, { service: "artifacts" })).reduce((n, r) => Math.max(n, r.seq), 0);
    const ok = await build("env-connection", files);
    expect(ok.status, ok.log).toBe("Succeeded");
    expect(ok.log).toContain(`Looking in indexes: ${feedIndex}`);
    expect(ok.log).toMatch(/Successfully installed tiny-config-2\.1\.0 tinycli-1\.0\.0 tinycore-1\.1\.0 tinylog-0\.4\.0/);
    expect(ok.log).not.toContain(sandbox.artifactsPat);
    // Index pages, metadata and files all went to the feed with the connection's credentials.
    const traffic = await listRecordedRequests(sandbox.endpoints.artifacts, { service: "artifacts", path: "/_packaging/team-feed/", sinceSeq: since });
    expect(traffic.length).toBeGreaterThan(3);
    expect(traffic.every((r) => r.status === 200)).toBe(true);
    expect(JSON.stringify(traffic)).not.toContain(sandbox.artifactsPat);
  });

  async function build(name: string, files: Record<string, string>): Promise<{ status: string; log: string }> {
    for (const [file, content] of Object.entries(files)) await container.uploadBlockBlob(`LocalUpload/${name}/${file}`, content, Buffer.byteLength(content));
    await ml.environmentVersions.createOrUpdate(RG, WS, name, "1", { properties: { build: { contextUri: `${sandbox.endpoints.blob}/${container.containerName}/LocalUpload/${name}/`, dockerfilePath: "Dockerfile" } } });
    const path = `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.MachineLearningServices/workspaces/${WS}`;
    const headers = { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" };
    const started = await fetch(`${sandbox.endpoints.amlDataPlane}/environment/v2.0${path}/environments/${name}/versions/1/image`, { method: "POST", headers, body: "{}" });
    expect(started.status).toBe(202);
    const { location } = (await started.json()) as { location: string };
    for (let i = 0; i < 3000; i++) {
      const poll = await fetch(location, { headers });
      const body = (await poll.json()) as { status: string; logUrl: string };
      if (poll.status === 200) return { status: body.status, log: await (await fetch(body.logUrl)).text() };
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error(`build ${name} did not finish`);
  }
});
