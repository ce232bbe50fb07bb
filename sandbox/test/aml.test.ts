import { AzureMachineLearningWorkspaces } from "@azure/arm-machinelearning";
import { ResourceManagementClient } from "@azure/arm-resources";
import { DeploymentsClient } from "@azure/arm-resourcesdeployments";
import { ContainerClient, StorageSharedKeyCredential } from "@azure/storage-blob";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { StaticTokenCredential, sandboxToken, addFault, basicAuth, nexusProxyBody, startTestSandbox, type TestSandbox } from "../testing";
import { amlValidator, formatErrors } from "./spec-schemas";

const SUB = "00000000-0000-0000-0000-0000000000b2";
const RG = "rg-ml";
const WS = "mlw-test";
/** A real token of the sandbox's service principal (ARM and Azure ML check it; the data plane takes any). */
let TOKEN = "";

const workspaceTemplate = {
  $schema: "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  contentVersion: "1.0.0.0",
  resources: [
    { type: "Microsoft.Network/virtualNetworks", apiVersion: "2022-07-01", name: "vnet-ml", location: "eastus", properties: { addressSpace: { addressPrefixes: ["192.168.0.0/16"] }, subnets: [{ name: "snet-training", properties: { addressPrefix: "192.168.0.0/24" } }] } },
    { type: "Microsoft.Storage/storageAccounts", apiVersion: "2022-09-01", name: "stml", location: "eastus", sku: { name: "Standard_LRS" }, kind: "StorageV2", properties: {} },
    { type: "Microsoft.ContainerRegistry/registries", apiVersion: "2022-12-01", name: "crml", location: "eastus", sku: { name: "Premium" }, properties: { publicNetworkAccess: "Disabled" } },
    {
      type: "Microsoft.MachineLearningServices/workspaces",
      apiVersion: "2022-10-01",
      name: WS,
      location: "eastus",
      identity: { type: "SystemAssigned" },
      properties: {
        storageAccount: "[resourceId('Microsoft.Storage/storageAccounts', 'stml')]",
        containerRegistry: "[resourceId('Microsoft.ContainerRegistry/registries', 'crml')]",
        publicNetworkAccess: "Disabled",
        imageBuildCompute: "cluster001",
      },
      dependsOn: ["stml", "crml"],
    },
    {
      type: "Microsoft.Network/networkInterfaces",
      apiVersion: "2022-07-01",
      name: "vm-nexus-nic",
      location: "eastus",
      properties: { ipConfigurations: [{ name: "ipconfig1", properties: { privateIPAllocationMethod: "Dynamic", subnet: { id: "[resourceId('Microsoft.Network/virtualNetworks/subnets', 'vnet-ml', 'snet-training')]" } } }] },
      dependsOn: ["vnet-ml"],
    },
    {
      type: "Microsoft.Compute/virtualMachines",
      apiVersion: "2022-08-01",
      name: "vm-nexus",
      location: "eastus",
      properties: { hardwareProfile: { vmSize: "Standard_B2s" }, networkProfile: { networkInterfaces: [{ id: "[resourceId('Microsoft.Network/networkInterfaces', 'vm-nexus-nic')]" }] } },
      dependsOn: ["vm-nexus-nic"],
    },
    {
      type: "Microsoft.Network/privateEndpoints",
      apiVersion: "2022-07-01",
      name: "ple-ml-mlw",
      location: "eastus",
      properties: {
        subnet: { id: "[resourceId('Microsoft.Network/virtualNetworks/subnets', 'vnet-ml', 'snet-training')]" },
        privateLinkServiceConnections: [{ name: "ple-ml-mlw", properties: { privateLinkServiceId: "[resourceId('Microsoft.MachineLearningServices/workspaces', 'mlw-test')]", groupIds: ["amlworkspace"] } }],
      },
      dependsOn: ["[resourceId('Microsoft.MachineLearningServices/workspaces', 'mlw-test')]", "vnet-ml"],
    },
  ],
};

describe("Azure ML imitation with @azure/arm-machinelearning 2.1.1, the data plane and Azurite", () => {
  let sandbox: TestSandbox;
  let ml: AzureMachineLearningWorkspaces;
  let container: ContainerClient;
  let nexusIndex: string;
  let nexusConda: string;

  beforeAll(async () => {
    sandbox = await startTestSandbox({ pageSize: 2, pace: { armStepMs: 2, buildStepMs: 20 } });
    TOKEN = await sandboxToken(sandbox);
    const credential = new StaticTokenCredential(TOKEN);
    await new ResourceManagementClient(credential, SUB, { endpoint: sandbox.endpoints.arm }).resourceGroups.createOrUpdate(RG, { location: "eastus" });
    await new DeploymentsClient(credential, SUB, { endpoint: sandbox.endpoints.arm }).deployments.createOrUpdate(RG, "ml", { properties: { mode: "Incremental", template: workspaceTemplate } }, { updateIntervalInMs: 10 });
    ml = new AzureMachineLearningWorkspaces(credential, SUB, { endpoint: sandbox.endpoints.aml });

    const store = await ml.datastores.get(RG, WS, "workspaceblobstore");
    const secrets = await ml.datastores.listSecrets(RG, WS, "workspaceblobstore");
    const props = store.properties as { accountName: string; containerName: string; datastoreType: string };
    expect(props.datastoreType).toBe("AzureBlob");
    const key = (secrets as { key?: string }).key ?? "";
    container = new ContainerClient(`${sandbox.endpoints.blob}/${props.containerName}`, new StorageSharedKeyCredential(props.accountName, key));

    const admin = basicAuth("admin", sandbox.nexusAdminPassword);
    for (const [path, body] of [
      ["pypi/proxy", nexusProxyBody("pypi-proxy", "https://pypi.org/")],
      ["conda/proxy", nexusProxyBody("conda-proxy", "https://repo.anaconda.com/pkgs/", "conda")],
    ] as const) {
      const res = await fetch(`${sandbox.endpoints.nexus}/service/rest/v1/repositories/${path}`, { method: "POST", headers: { authorization: admin, "content-type": "application/json" }, body: JSON.stringify(body) });
      expect(res.status).toBe(201);
    }
    const withCreds = new URL(sandbox.endpoints.nexus);
    withCreds.username = "admin";
    withCreds.password = sandbox.nexusAdminPassword;
    nexusIndex = `${withCreds.origin.replace("https://", `https://admin:${sandbox.nexusAdminPassword}@`)}/repository/pypi-proxy/simple/`;
    nexusConda = `${withCreds.origin.replace("https://", `https://admin:${sandbox.nexusAdminPassword}@`)}/repository/conda-proxy/main`;
  });
  afterAll(async () => sandbox?.stop());

  it("returns the workspace with its network isolation settings", async () => {
    const raw: unknown[] = [];
    const ws = await ml.workspaces.get(RG, WS, { onResponse: (r) => raw.push(JSON.parse(r.bodyAsText ?? "null")) });
    const validate = amlValidator("Workspace");
    expect(validate(raw[0]), formatErrors(validate)).toBe(true);
    expect(ws.publicNetworkAccess).toBe("Disabled");
    expect(ws.imageBuildCompute).toBe("cluster001");
    expect(ws.containerRegistry).toMatch(/registries\/crml$/);
    expect(ws.storageAccount).toMatch(/storageAccounts\/stml$/);
    expect(ws.discoveryUrl).toBe(`${sandbox.endpoints.amlDataPlane}/discovery`);
    expect(ws.privateEndpointConnections?.[0]?.privateEndpoint?.id).toMatch(/privateEndpoints\/ple-ml-mlw$/);
    expect(ws.privateEndpointConnections?.[0]?.privateLinkServiceConnectionState?.status).toBe("Approved");
  });

  it("creates, reads, pages through and deletes environment versions", async () => {
    const validateVersion = amlValidator("EnvironmentVersion");
    for (const v of ["1", "2", "3", "4", "5"]) {
      const raw: unknown[] = [];
      const created = await ml.environmentVersions.createOrUpdate(RG, WS, "env-page", v, { properties: { image: "mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu20.04", description: `v${v}`, tags: { n: v } } }, { onResponse: (r) => raw.push(JSON.parse(r.bodyAsText ?? "null")) });
      expect(validateVersion(raw[0]), formatErrors(validateVersion)).toBe(true);
      expect(created.name).toBe(v);
    }
    const got = await ml.environmentVersions.get(RG, WS, "env-page", "3");
    expect(got.properties).toMatchObject({ image: "mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu20.04", description: "v3", osType: "Linux", environmentType: "UserCreated" });

    const pages: string[][] = [];
    const rawPages: unknown[] = [];
    for await (const page of ml.environmentVersions.list(RG, WS, "env-page", { onResponse: (r) => rawPages.push(JSON.parse(r.bodyAsText ?? "null")) }).byPage()) pages.push(page.map((p) => p.name ?? ""));
    expect(pages.map((p) => p.length)).toEqual([2, 2, 1]);
    expect(pages.flat().sort()).toEqual(["1", "2", "3", "4", "5"]);
    const validatePage = amlValidator("EnvironmentVersionResourceArmPaginatedResult");
    for (const p of rawPages) expect(validatePage(p), formatErrors(validatePage)).toBe(true);
    expect((rawPages[0] as { nextLink: string }).nextLink).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/subscriptions\/.*\$skip=2/);

    const container = await ml.environmentContainers.get(RG, WS, "env-page");
    expect(container.properties).toMatchObject({ latestVersion: "5", nextVersion: "6" });
    await expect(ml.environmentVersions.createOrUpdate(RG, WS, "env-page", "2", { properties: { image: "python:3.11" } })).rejects.toMatchObject({ statusCode: 409, code: "UserError" });
    await expect(ml.environmentVersions.createOrUpdate(RG, WS, "env-page", "9", { properties: { description: "neither image nor build" } })).rejects.toMatchObject({ statusCode: 400, code: "UserError" });

    await ml.environmentVersions.delete(RG, WS, "env-page", "5");
    await expect(ml.environmentVersions.get(RG, WS, "env-page", "5")).rejects.toMatchObject({ statusCode: 404 });
    const remaining = [];
    for await (const v of ml.environmentVersions.list(RG, WS, "env-page")) remaining.push(v.name);
    expect(remaining.sort()).toEqual(["1", "2", "3", "4"]);
  });

  it("stores and serves blobs through Azurite with @azure/storage-blob", async () => {
    await container.uploadBlockBlob("probe/hello.txt", "hello", 5);
    const downloaded = await container.getBlobClient("probe/hello.txt").downloadToBuffer();
    expect(downloaded.toString()).toBe("hello");
    const names = [];
    for await (const b of container.listBlobsFlat({ prefix: "probe/" })) names.push(b.name);
    expect(names).toEqual(["probe/hello.txt"]);
  });

  it("builds an image from an uploaded Dockerfile whose pip points at the Nexus proxy, with a growing log", async () => {
    const result = await buildWithContext("env-ok", {
      Dockerfile: "FROM mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu20.04:latest\nCOPY pip.conf /etc/pip.conf\nCOPY requirements.txt /tmp/requirements.txt\nRUN pip install --no-cache-dir -r /tmp/requirements.txt\n",
      "pip.conf": `[global]\nindex-url = ${nexusIndex}\n`,
      "requirements.txt": "tinyml==0.3.0\n",
    });
    expect(result.statuses).toEqual(expect.arrayContaining(["Queued", "Running", "Succeeded"]));
    expect(result.statuses[result.statuses.length - 1]).toBe("Succeeded");
    expect(result.log).toMatch(/Successfully installed tinycore-1\.1\.0 tinydata-1\.2\.0 tinyjson-3\.0\.0 tinylog-0\.4\.0 tinymath-0\.8\.0 tinyml-0\.3\.0/);
    expect(result.log).not.toContain(sandbox.nexusAdminPassword);
    expect(new Set(result.logLengths).size).toBeGreaterThan(1);
    const details = (await (await dataPlane(`/environment/v1.0${workspacePath()}/environments/env-ok/versions/1/image`)).json()) as { imageExistsInRegistry: boolean; dockerImage: { registry: { address: string } } };
    expect(details.imageExistsInRegistry).toBe(true);
    expect(details.dockerImage.registry.address).toBe("crml.azurecr.io");
  });

  it("fails builds with realistic logs: unknown package, wrong credentials, unreachable public index, bad base image, Dockerfile syntax", async () => {
    const cases: [string, Record<string, string>, RegExp][] = [
      ["env-missing", { Dockerfile: `FROM mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu20.04\nRUN pip install --index-url ${nexusIndex} tinycore doesnotexist\n` }, /ERROR: No matching distribution found for doesnotexist/],
      ["env-401", { Dockerfile: `FROM mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu20.04\nRUN pip config set global.index-url ${nexusIndex.replace(sandbox.nexusAdminPassword, "wrong")} && pip install tinycore\n` }, /401 Client Error: Unauthorized/],
      ["env-public", { Dockerfile: "FROM mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu20.04\nRUN pip install tinycore\n" }, /Failed to establish a new connection[\s\S]*No matching distribution found for tinycore/],
      ["env-image", { Dockerfile: "FROM mcr.microsoft.com/azureml/no-such-image:1\nRUN echo hi\n" }, /manifest unknown/],
      ["env-syntax", { Dockerfile: "FROM mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu20.04\nRUNN pip install tinycore\n" }, /dockerfile parse error line 2: unknown instruction: RUNN/],
    ];
    const results = await Promise.all(cases.map(([name, files]) => buildWithContext(name, files)));
    results.forEach((result, i) => {
      expect(result.statuses[result.statuses.length - 1], cases[i]?.[0]).toBe("Failed");
      expect(result.log, cases[i]?.[0]).toMatch(cases[i]?.[2] ?? /never/);
    });
  });

  it("reaches the Nexus VM by its private IP on port 8081 and Azure Artifacts feeds from a build", async () => {
    const nic = (await (await fetch(`${sandbox.endpoints.arm}/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.Network/networkInterfaces/vm-nexus-nic?api-version=2022-07-01`, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as { properties: { ipConfigurations: { properties: { privateIPAddress: string } }[] } };
    const ip = nic.properties.ipConfigurations[0]?.properties.privateIPAddress ?? "";
    expect(ip).toMatch(/^192\.168\.0\.\d+$/);
    const viaIp = await buildWithContext("env-vm-ip", {
      Dockerfile: `FROM mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu20.04\nRUN pip config set global.index-url http://admin:${sandbox.nexusAdminPassword}@${ip}:8081/repository/pypi-proxy/simple/ && pip config set global.trusted-host ${ip} && pip install tinytext\n`,
    });
    expect(viaIp.log).toMatch(/Successfully installed tinycore-1\.1\.0 tinytext-0\.1\.0/);

    const pat = sandbox.artifactsPat;
    const ado = (path: string, body: unknown): Promise<Response> => fetch(`${sandbox.endpoints.artifacts}${path}`, { method: "POST", headers: { authorization: basicAuth("build", pat), "content-type": "application/json" }, body: JSON.stringify(body) });
    expect((await ado("/contoso/ml/_apis/packaging/feeds?api-version=7.1", { name: "with-pypi", upstreamEnabled: true, upstreamSources: [{ name: "PyPI", protocol: "pypi", location: "https://pypi.org/", upstreamSourceType: "public" }] })).status).toBe(201);
    expect((await ado("/contoso/ml/_apis/packaging/feeds?api-version=7.1", { name: "empty" })).status).toBe(201);
    const feedUrl = (feed: string): string => `${sandbox.endpoints.artifacts.replace("https://", `https://build:${pat}@`)}/contoso/ml/_packaging/${feed}/pypi/simple/`;
    const [withUpstream, empty] = await Promise.all([
      buildWithContext("env-ado", { Dockerfile: `FROM python:3.11-slim\nRUN pip install --index-url ${feedUrl("with-pypi")} tinycli\n` }),
      buildWithContext("env-ado-empty", { Dockerfile: `FROM python:3.11-slim\nRUN pip install --index-url ${feedUrl("empty")} tinycli\n` }),
    ]);
    expect(withUpstream.log).toMatch(/Successfully installed tiny-config-2\.1\.0 tinycli-1\.0\.0 tinycore-1\.1\.0 tinylog-0\.4\.0/);
    expect(withUpstream.statuses.at(-1)).toBe("Succeeded");
    expect(empty.log).toMatch(/No matching distribution found for tinycli/);
    // pip masks the password it prints; Docker echoes the RUN line verbatim (as the real build log does).
    expect(empty.log).toContain("Looking in indexes: https://build:****@");
  });

  it("resolves conda environments against the Nexus conda channel: PackagesNotFoundError or success", async () => {
    const missing = await buildWithImage("env-conda-missing", `channels:\n  - ${nexusConda}\n  - nodefaults\ndependencies:\n  - python=3.10\n  - tinyml\n  - tinycli\n`);
    expect(missing.statuses[missing.statuses.length - 1]).toBe("Failed");
    expect(missing.log).toMatch(/PackagesNotFoundError: The following packages are not available from current channels:\n\n {2}- tinycli/);

    // Without "nodefaults", conda also reads the public defaults channel, unreachable from the build.
    const defaults = await buildWithImage("env-conda-defaults", `channels:\n  - ${nexusConda}\ndependencies:\n  - tinyml\n`);
    expect(defaults.log).toMatch(/CondaHTTPError: HTTP 000 CONNECTION FAILED for url <https:\/\/repo\.anaconda\.com\/pkgs\/main\/linux-64\/repodata\.json>/);

    const ok = await buildWithImage("env-conda-ok", `name: demo\nchannels:\n  - ${nexusConda}\n  - nodefaults\ndependencies:\n  - python=3.10\n  - pip\n  - tinyplot>=0.2\n  - pip:\n    - --index-url ${nexusIndex}\n    - tinyio\n`);
    expect(ok.log).toMatch(/tinyplot\s+0\.2\.0/);
    expect(ok.log).toMatch(/Successfully installed tinyio-0\.5\.0 tinyjson-3\.0\.0/);
    expect(ok.statuses[ok.statuses.length - 1]).toBe("Succeeded");
  });

  it("injects build failures and hangs", async () => {
    await addFault(sandbox.endpoints.amlDataPlane, { kind: "build-failure", environment: "env-fault", message: "Injected: the build agent ran out of disk space." , times: 1 });
    const failed = await buildWithImage("env-fault", "dependencies:\n  - python=3.10\n");
    expect(failed.statuses[failed.statuses.length - 1]).toBe("Failed");
    expect(failed.log).toContain("ran out of disk space");

    await addFault(sandbox.endpoints.amlDataPlane, { kind: "build-hang", environment: "env-hang", times: 1 });
    const hung = await buildWithImage("env-hang", "dependencies:\n  - python=3.10\n", 30);
    expect(hung.statuses[hung.statuses.length - 1]).toBe("Running");
  });

  it("answers a version's image details: built only once a build of it succeeded, 404 for a version that is not registered", async () => {
    const details = async (name: string, version = "1") => {
      const res = await dataPlane(`/environment/v1.0${workspacePath()}/environments/${name}/versions/${version}/image`);
      return { status: res.status, body: (await res.json()) as { imageExistsInRegistry?: boolean; dockerImage?: { name?: string } } };
    };
    // A running build (env-hang, above) and a failed one (env-fault) leave no image.
    expect((await details("env-hang")).body.imageExistsInRegistry).toBe(false);
    expect((await details("env-fault")).body.imageExistsInRegistry).toBe(false);
    const built = await details("env-conda-ok");
    expect(built.body.imageExistsInRegistry).toBe(true);
    expect(built.body.dockerImage?.name).toMatch(/^crml\.azurecr\.io\/azureml\/azureml_/);
    // A later build of the same version that fails does not take the image out of the registry.
    await addFault(sandbox.endpoints.amlDataPlane, { kind: "build-failure", environment: "env-conda-ok", times: 1 });
    expect((await triggerAndFollow("env-conda-ok")).statuses.at(-1)).toBe("Failed");
    expect((await details("env-conda-ok")).body.imageExistsInRegistry).toBe(true);
    expect((await details("env-conda-ok", "7")).status).toBe(404);
  });

  function workspacePath(): string {
    return `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.MachineLearningServices/workspaces/${WS}`;
  }

  function dataPlane(path: string, init: RequestInit = {}): Promise<Response> {
    return fetch(`${sandbox.endpoints.amlDataPlane}${path}`, { ...init, headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" } });
  }

  async function buildWithContext(name: string, files: Record<string, string>): Promise<BuildOutcome> {
    for (const [file, content] of Object.entries(files)) await container.uploadBlockBlob(`LocalUpload/${name}/${file}`, content, Buffer.byteLength(content));
    await ml.environmentVersions.createOrUpdate(RG, WS, name, "1", { properties: { build: { contextUri: `${sandbox.endpoints.blob}/${container.containerName}/LocalUpload/${name}/`, dockerfilePath: "Dockerfile" } } });
    return triggerAndFollow(name);
  }

  async function buildWithImage(name: string, condaFile: string, maxPolls = 2000): Promise<BuildOutcome> {
    await ml.environmentVersions.createOrUpdate(RG, WS, name, "1", { properties: { image: "mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu20.04", condaFile } });
    return triggerAndFollow(name, maxPolls);
  }

  async function triggerAndFollow(name: string, maxPolls = 2000): Promise<BuildOutcome> {
    const started = await dataPlane(`/environment/v2.0${workspacePath()}/environments/${name}/versions/1/image`, { method: "POST", body: "{}" });
    expect(started.status).toBe(202);
    const { location } = (await started.json()) as { location: string };
    const statuses: string[] = [];
    const logLengths: number[] = [];
    let logUrl = "";
    for (let i = 0; i < maxPolls; i++) {
      const poll = await fetch(location, { headers: { authorization: `Bearer ${TOKEN}` } });
      const body = (await poll.json()) as { status: string; logUrl: string };
      if (statuses[statuses.length - 1] !== body.status) statuses.push(body.status);
      logUrl = body.logUrl;
      const log = await fetch(logUrl); // SAS URL: no Authorization header
      logLengths.push((await log.text()).length);
      if (poll.status === 200) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    const log = await (await fetch(logUrl)).text();
    return { statuses, log, logLengths };
  }
});

type BuildOutcome = { statuses: string[]; log: string; logLengths: number[] };
