import { AzureMachineLearningWorkspaces } from "@azure/arm-machinelearning";
import { ResourceManagementClient } from "@azure/arm-resources";
import { DeploymentsClient } from "@azure/arm-resourcesdeployments";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sandboxAuthHeader, sandboxCredential, startTestSandbox, type TestSandbox } from "../testing";

const SUB = "00000000-0000-0000-0000-0000000000f1";
/** A real token of the sandbox's service principal, got in beforeAll. */
let AUTH = { authorization: "" };

describe("ARM fidelity for clients other than Feedgate's (Azure CLI, raw REST)", () => {
  let sandbox: TestSandbox;
  let arm: (method: string, path: string, init?: { body?: string; headers?: Record<string, string> }) => Promise<{ status: number; json: unknown; headers: Headers }>;

  beforeAll(async () => {
    sandbox = await startTestSandbox();
    AUTH = await sandboxAuthHeader(sandbox);
    arm = async (method, path, init = {}) => {
      const response = await fetch(`${sandbox.endpoints.arm}${path}`, {
        method,
        headers: { ...AUTH, ...(init.body !== undefined ? { "content-type": "application/json" } : {}), ...init.headers },
        body: init.body,
      });
      const text = await response.text();
      return { status: response.status, json: text ? (JSON.parse(text) as unknown) : undefined, headers: response.headers };
    };
    expect((await arm("PUT", `/subscriptions/${SUB}/resourcegroups/rg-fid?api-version=2025-04-01`, { body: JSON.stringify({ location: "eastus" }) })).status).toBe(201);
  });
  afterAll(async () => sandbox?.stop());

  describe("lenient JSON bodies", () => {
    it("accepts a deployment body as the Azure CLI sends it: the JSONC template spliced in behind an unquoted key", async () => {
      const templateFile = `{
  // comments are allowed in template files
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  /* a block comment */
  "parameters": { "name": { "type": "string", "defaultValue": "stjsonc1", }, },
  "resources": [
    { "type": "Microsoft.Storage/storageAccounts", "apiVersion": "2022-09-01", "name": "[parameters('name')]",
      "location": "[resourceGroup().location]", "sku": { "name": "Standard_LRS" }, "kind": "StorageV2", "properties": {} },
  ],
  "outputs": { "name": { "type": "string", "value": "[parameters('name')]" } }
}`;
      // azure-cli's JsonCTemplatePolicy: json.dumps(data)[:-2] + ", template:" + template_as_bytes + "}}"
      const partial = JSON.stringify({ properties: { mode: "Incremental", parameters: {} } });
      const body = `${partial.slice(0, -2)}, template:${templateFile}}}`;
      const put = await arm("PUT", `/subscriptions/${SUB}/resourcegroups/rg-fid/providers/Microsoft.Resources/deployments/cli-jsonc?api-version=2024-03-01`, { body });
      expect(put.status, JSON.stringify(put.json)).toBe(201);
      const validate = await arm("POST", `/subscriptions/${SUB}/resourcegroups/rg-fid/providers/Microsoft.Resources/deployments/cli-jsonc-v/validate?api-version=2024-03-01`, { body });
      expect(validate.status, JSON.stringify(validate.json)).toBe(200);
      await waitForDeployment(arm, "rg-fid", "cli-jsonc");
      const got = await arm("GET", `/subscriptions/${SUB}/resourcegroups/rg-fid/providers/Microsoft.Resources/deployments/cli-jsonc?api-version=2024-03-01`);
      expect(got.json).toMatchObject({ properties: { provisioningState: "Succeeded", outputs: { name: { value: "stjsonc1" } } } });
    });

    it("accepts comments, trailing commas and single quotes on resource bodies, and still refuses what is not JSON", async () => {
      const ok = await arm("PUT", `/subscriptions/${SUB}/resourcegroups/rg-fid2?api-version=2025-04-01`, { body: "{ location: 'westeurope', /* why */ tags: { owner: 'cli', }, }" });
      expect(ok.status).toBe(201);
      expect(ok.json).toMatchObject({ location: "westeurope", tags: { owner: "cli" } });
      const bad = await arm("PUT", `/subscriptions/${SUB}/resourcegroups/rg-fid3?api-version=2025-04-01`, { body: "{ location: eastus }" });
      expect(bad.status).toBe(400);
      expect(bad.json).toMatchObject({ error: { code: "InvalidRequestContent" } });
    });
  });

  describe("cloud metadata, subscriptions and tenants", () => {
    it("answers /metadata/endpoints without a token, in the format each api-version asks for, naming the sandbox's own ARM", async () => {
      const legacy = await fetch(`${sandbox.endpoints.arm}/metadata/endpoints?api-version=2015-01-01`);
      expect(legacy.status).toBe(200);
      const flat = (await legacy.json()) as Record<string, unknown>;
      // What az cloud register --endpoint-resource-manager reads from it (azure-cli cloud custom.py).
      expect(flat).toMatchObject({ galleryEndpoint: expect.any(String), graphEndpoint: expect.any(String), authentication: { loginEndpoint: `${sandbox.endpoints.arm}/adfs/`, tenant: "adfs", identityProvider: "ADFS", audiences: expect.arrayContaining([`${sandbox.endpoints.arm}/`]) } });
      const current = (await (await fetch(`${sandbox.endpoints.arm}/metadata/endpoints?api-version=2022-09-01`)).json()) as Record<string, unknown>;
      expect(current).toMatchObject({ name: "FeedgateSandbox", resourceManager: `${sandbox.endpoints.arm}/`, authentication: { audiences: ["https://management.core.windows.net/", "https://management.azure.com/", `${sandbox.endpoints.arm}/`] }, suffixes: { storage: "core.windows.net", keyVaultDns: "vault.azure.net" } });
      const all = (await (await fetch(`${sandbox.endpoints.arm}/metadata/endpoints?api-version=2019-05-01`)).json()) as unknown[];
      expect(all).toEqual([current]);
      expect((await fetch(`${sandbox.endpoints.arm}/subscriptions?api-version=2022-12-01`)).status).toBe(401);
    });

    it("lists subscriptions (Feedgate's and any with a resource group) and the tenant, in ARM's list shape", async () => {
      const subs = await arm("GET", "/subscriptions?api-version=2022-12-01");
      expect(subs.status).toBe(200);
      const list = subs.json as { value: { id: string; subscriptionId: string; tenantId: string; state: string }[]; count: { type: string; value: number } };
      expect(list.value.map((s) => s.subscriptionId)).toEqual(expect.arrayContaining(["00000000-0000-4000-8000-00000000feed", SUB]));
      expect(list.value.find((s) => s.subscriptionId === SUB)).toMatchObject({ id: `/subscriptions/${SUB}`, state: "Enabled", authorizationSource: "RoleBased", subscriptionPolicies: { spendingLimit: "Off" } });
      expect(list.count).toEqual({ type: "Total", value: list.value.length });
      const tenantId = list.value[0]?.tenantId;
      const tenants = await arm("GET", "/tenants?api-version=2022-12-01");
      expect(tenants.json).toMatchObject({ value: [{ id: `/tenants/${tenantId}`, tenantId, tenantCategory: "Home" }] });
      expect((await arm("GET", `/subscriptions/${SUB}?api-version=2022-12-01`)).json).toMatchObject({ subscriptionId: SUB, tenantId });
      expect((await arm("GET", "/subscriptions/00000000-0000-0000-0000-00000000dead?api-version=2022-12-01")).json).toMatchObject({ error: { code: "SubscriptionNotFound" } });
    });
  });

  describe("resource lists", () => {
    // A subscription of its own, so that other tests' resources stay out of its lists.
    const LSUB = "00000000-0000-0000-0000-0000000000f2";
    const RGP = `/subscriptions/${LSUB}/resourcegroups/rg-list`;
    beforeAll(async () => {
      expect((await arm("PUT", `${RGP}?api-version=2025-04-01`, { body: JSON.stringify({ location: "eastus" }) })).status).toBe(201);
      const put = (path: string, body: unknown, version = "2022-09-01") => arm("PUT", `${RGP}/providers/${path}?api-version=${version}`, { body: JSON.stringify(body) });
      expect((await put("Microsoft.Network/virtualNetworks/vnet-l", { location: "eastus", properties: { addressSpace: { addressPrefixes: ["10.9.0.0/16"] }, subnets: [{ name: "a", properties: { addressPrefix: "10.9.0.0/24" } }, { name: "b", properties: { addressPrefix: "10.9.1.0/24" } }] } })).status).toBe(201);
      expect((await put("Microsoft.Storage/storageAccounts/stlist1", { location: "eastus", sku: { name: "Standard_LRS" }, kind: "StorageV2", properties: {} })).status).toBe(201);
      expect((await put("Microsoft.MachineLearningServices/workspaces/mlw-list", { location: "eastus", identity: { type: "SystemAssigned" }, properties: { friendlyName: "list me" } }, "2022-10-01")).status).toBe(201);
    });

    it("lists a resource group's top-level resources only, through the real SDK, with $filter, $expand and paging", async () => {
      const client = new ResourceManagementClient(sandboxCredential(sandbox), LSUB, { endpoint: sandbox.endpoints.arm });
      const all = [];
      for await (const r of client.resources.listByResourceGroup("rg-list")) all.push(r);
      expect(all.map((r) => r.type).sort()).toEqual(["Microsoft.MachineLearningServices/workspaces", "Microsoft.Network/virtualNetworks", "Microsoft.Storage/storageAccounts"]);
      expect(all.find((r) => r.name === "stlist1")).toMatchObject({ location: "eastus", kind: "StorageV2", sku: { name: "Standard_LRS" } });
      const paged = await arm("GET", `${RGP}/resources?api-version=2025-04-01&$top=2`);
      const page1 = paged.json as { value: unknown[]; nextLink?: string };
      expect(page1.value).toHaveLength(2);
      expect(page1.nextLink).toMatch(new RegExp(`^${sandbox.endpoints.arm}/`));
      const sdkPaged = [];
      for await (const r of client.resources.listByResourceGroup("rg-list", { top: 1 })) sdkPaged.push(r.name);
      expect(sdkPaged).toHaveLength(3);

      const storage = [];
      for await (const r of client.resources.list({ filter: "resourceType eq 'microsoft.storage/storageAccounts'", expand: "createdTime,provisioningState" })) storage.push(r);
      expect(storage.map((r) => r.id)).toEqual([`/subscriptions/${LSUB}/resourceGroups/rg-list/providers/Microsoft.Storage/storageAccounts/stlist1`]);
      expect(storage[0]).toMatchObject({ provisioningState: "Succeeded", createdTime: expect.any(Date) });
      expect((await arm("GET", `/subscriptions/${LSUB}/resources?api-version=2025-04-01&$filter=${encodeURIComponent("tagName eq 'x'")}`)).json).toMatchObject({ error: { code: "InvalidFilterInQueryString" } });
    });

    it("lists by resource type at subscription and resource-group scope, and a child collection, as the provider's full resources", async () => {
      const bySub = await arm("GET", `/subscriptions/${LSUB}/providers/Microsoft.Storage/storageAccounts?api-version=2022-09-01`);
      expect((bySub.json as { value: { name: string; properties: unknown }[] }).value.map((r) => r.name)).toEqual(["stlist1"]);
      const byRg = await arm("GET", `${RGP}/providers/Microsoft.Network/virtualNetworks?api-version=2022-07-01`);
      expect((byRg.json as { value: { name: string; properties: { subnets: unknown[] } }[] }).value).toMatchObject([{ name: "vnet-l", properties: { subnets: [{ name: "a" }, { name: "b" }] } }]);
      const subnets = await arm("GET", `${RGP}/providers/Microsoft.Network/virtualNetworks/vnet-l/subnets?api-version=2022-07-01`);
      expect((subnets.json as { value: { name: string }[] }).value.map((s) => s.name)).toEqual(["a", "b"]);
      expect((await arm("GET", `/subscriptions/${LSUB}/resourcegroups/rg-nope/providers/Microsoft.Network/virtualNetworks?api-version=2022-07-01`)).status).toBe(404);

      const aml = new AzureMachineLearningWorkspaces(sandboxCredential(sandbox), LSUB, { endpoint: sandbox.endpoints.arm });
      const inRg = [];
      for await (const w of aml.workspaces.listByResourceGroup("rg-list")) inRg.push(w);
      expect(inRg).toMatchObject([{ name: "mlw-list", friendlyName: "list me", discoveryUrl: expect.stringContaining(sandbox.endpoints.amlDataPlane) }]);
      const inSub = [];
      for await (const w of aml.workspaces.listBySubscription()) inSub.push(w.name);
      expect(inSub).toEqual(["mlw-list"]);
    });
  });

  describe("providers", () => {
    it("shows each supported namespace with its resource types, api-versions and locations, through the real SDK", async () => {
      const client = new ResourceManagementClient(sandboxCredential(sandbox), SUB, { endpoint: sandbox.endpoints.arm });
      const ml = await client.providers.get("microsoft.machinelearningservices");
      expect(ml).toMatchObject({ id: `/subscriptions/${SUB}/providers/Microsoft.MachineLearningServices`, namespace: "Microsoft.MachineLearningServices", registrationState: "Registered" });
      const workspaces = ml.resourceTypes?.find((t) => t.resourceType === "workspaces");
      expect(workspaces?.apiVersions).toContain("2022-10-01");
      expect(workspaces?.locations).toEqual(expect.arrayContaining(["East US", "West Europe"]));
      const all = [];
      for await (const p of client.providers.list()) all.push(p.namespace);
      expect(all).toEqual(expect.arrayContaining(["Microsoft.Resources", "Microsoft.Network", "Microsoft.Storage", "Microsoft.KeyVault", "Microsoft.ContainerRegistry", "Microsoft.Insights", "Microsoft.Compute"]));
      const resources = await client.providers.get("Microsoft.Resources");
      expect(resources.resourceTypes?.find((t) => t.resourceType === "deployments")?.apiVersions).toEqual(expect.arrayContaining(["2026-06-01", "2025-04-01", "2020-10-01"]));
      expect((await client.providers.register("Microsoft.Storage")).registrationState).toBe("Registered");
      expect((await client.providers.getAtTenantScope("Microsoft.Network")).id).toBe("/providers/Microsoft.Network");
      await expect(client.providers.get("Microsoft.Banana")).rejects.toMatchObject({ statusCode: 404, code: "InvalidResourceNamespace" });
    });
  });

  describe("template outputs", () => {
    it("evaluates output copy loops to arrays, also inside a nested deployment and for a count of zero", async () => {
      const deployments = new DeploymentsClient(sandboxCredential(sandbox), SUB, { endpoint: sandbox.endpoints.arm });
      const inner = {
        $schema: "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
        contentVersion: "1.0.0.0",
        parameters: { n: { type: "int" } },
        resources: [],
        outputs: { squares: { type: "array", copy: { count: "[parameters('n')]", input: "[mul(copyIndex(), copyIndex())]" } } },
      };
      const template = {
        $schema: inner.$schema,
        contentVersion: "1.0.0.0",
        parameters: { count: { type: "int", defaultValue: 3 } },
        resources: [
          { type: "Microsoft.Storage/storageAccounts", apiVersion: "2022-09-01", name: "[format('stcopy{0}', copyIndex())]", location: "eastus", sku: { name: "Standard_LRS" }, kind: "StorageV2", properties: {}, copy: { name: "accounts", count: "[parameters('count')]" } },
          { type: "Microsoft.Resources/deployments", apiVersion: "2020-10-01", name: "inner-copy", properties: { mode: "Incremental", expressionEvaluationOptions: { scope: "inner" }, parameters: { n: { value: 4 } }, template: inner } },
        ],
        outputs: {
          ids: { type: "array", copy: { count: "[parameters('count')]", input: "[resourceId('Microsoft.Storage/storageAccounts', format('stcopy{0}', copyIndex()))]" } },
          names: { type: "array", copy: { count: "[parameters('count')]", input: { name: "[format('stcopy{0}', copyIndex(1))]", blob: "[reference(format('stcopy{0}', copyIndex())).primaryEndpoints.blob]" } } },
          none: { type: "array", copy: { count: 0, input: "[copyIndex()]" } },
          squares: { type: "array", value: "[reference('inner-copy').outputs.squares.value]" },
        },
      };
      const result = await deployments.deployments.createOrUpdate("rg-fid", "copy-outputs", { properties: { mode: "Incremental", template } }, { updateIntervalInMs: 10 });
      const outputs = result.properties?.outputs as Record<string, { type: string; value: unknown }>;
      expect(outputs.ids).toEqual({ type: "Array", value: [0, 1, 2].map((i) => `/subscriptions/${SUB}/resourceGroups/rg-fid/providers/Microsoft.Storage/storageAccounts/stcopy${i}`) });
      expect(outputs.names?.value).toEqual([1, 2, 3].map((i) => ({ name: `stcopy${i}`, blob: `https://stcopy${i - 1}.blob.core.windows.net/` })));
      expect(outputs.none?.value).toEqual([]);
      expect(outputs.squares?.value).toEqual([0, 1, 4, 9]);
    });
  });

  describe("preflight", () => {
    it("refuses an api-version the addressed type does not have: InvalidApiVersionParameter on ARM's own routes, NoRegisteredProviderFound on a provider's", async () => {
      for (const bad of ["banana", "1999-01-01"]) {
        const rg = await arm("GET", `/subscriptions/${SUB}/resourcegroups/rg-fid?api-version=${bad}`);
        expect(rg.status).toBe(400);
        expect(rg.json).toMatchObject({ error: { code: "InvalidApiVersionParameter", message: expect.stringContaining(`The api-version '${bad}' is invalid. The supported versions are '2026-06-01,2025-04-01,`) } });
        expect((await arm("GET", `/subscriptions/${SUB}/resourcegroups/rg-fid/providers/Microsoft.Resources/deployments?api-version=${bad}`)).json).toMatchObject({ error: { code: "InvalidApiVersionParameter" } });
        expect((await arm("GET", `/subscriptions?api-version=${bad}`)).json).toMatchObject({ error: { code: "InvalidApiVersionParameter" } });
      }
      expect((await arm("GET", `/subscriptions/${SUB}/resourcegroups/rg-fid/providers/Microsoft.Storage/storageAccounts/stjsonc1?api-version=banana`)).json).toMatchObject({ error: { code: "InvalidApiVersionParameter" } });
      const rp = await arm("GET", `/subscriptions/${SUB}/resourcegroups/rg-fid/providers/Microsoft.Storage/storageAccounts/stjsonc1?api-version=1999-01-01`);
      expect(rp.status).toBe(400);
      expect(rp.json).toMatchObject({ error: { code: "NoRegisteredProviderFound", message: expect.stringMatching(/API version '1999-01-01' for type 'storageAccounts'\. The supported api-versions are '2024-01-01, .*2022-09-01/) } });
      // AML routes (same front door) check the ML types' versions; what Feedgate's SDK sends passes.
      expect((await arm("GET", `/subscriptions/${SUB}/resourcegroups/rg-fid/providers/Microsoft.MachineLearningServices/workspaces/x/environments?api-version=2019-01-01`)).json).toMatchObject({ error: { code: "NoRegisteredProviderFound" } });
      expect((await arm("GET", `/subscriptions/${SUB}/resourcegroups/rg-fid/providers/Microsoft.MachineLearningServices/workspaces/x/environments?api-version=2022-10-01`)).json).toMatchObject({ error: { code: "ResourceNotFound" } });
      expect((await fetch(`${sandbox.endpoints.arm}/metadata/endpoints?api-version=banana`)).status).toBe(400);
    });

    it("refuses a body whose media type is not JSON with 415", async () => {
      const put = await arm("PUT", `/subscriptions/${SUB}/resourcegroups/rg-text?api-version=2025-04-01`, { body: JSON.stringify({ location: "eastus" }), headers: { "content-type": "text/plain" } });
      expect(put.status).toBe(415);
      expect(put.json).toMatchObject({ error: { code: "UnsupportedMediaType", message: "The content media type 'text/plain' is not supported. Only 'application/json' is supported." } });
      expect((await arm("PUT", `/subscriptions/${SUB}/resourcegroups/rg-text?api-version=2025-04-01`, { body: JSON.stringify({ location: "eastus" }), headers: { "content-type": "application/json; charset=utf-8" } })).status).toBe(201);
    });

    it("refuses unknown namespaces, types, api-versions and locations at deployment PUT and validate, with ARM's codes", async () => {
      const deployments = new DeploymentsClient(sandboxCredential(sandbox), SUB, { endpoint: sandbox.endpoints.arm });
      const one = (resource: Record<string, unknown>) => ({ properties: { mode: "Incremental" as const, template: { $schema: "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#", contentVersion: "1.0.0.0", resources: [resource] } } });
      const storage = { type: "Microsoft.Storage/storageAccounts", apiVersion: "2022-09-01", name: "stpre1", location: "eastus", sku: { name: "Standard_LRS" }, kind: "StorageV2", properties: {} };
      const cases: [Record<string, unknown>, string, RegExp][] = [
        [{ ...storage, type: "Microsoft.Banana/peels" }, "InvalidResourceNamespace", /The resource namespace 'Microsoft\.Banana' is invalid/],
        [{ ...storage, type: "Microsoft.Storage/storageBananas" }, "InvalidResourceType", /The resource type 'storageBananas' could not be found in the namespace 'Microsoft\.Storage' for api version '2022-09-01'/],
        [{ ...storage, apiVersion: "1999-01-01" }, "NoRegisteredProviderFound", /No registered resource provider found for location 'eastus' and API version '1999-01-01' for type 'storageAccounts'/],
        [{ ...storage, location: "mars" }, "LocationNotAvailableForResourceType", /The provided location 'mars' is not available for resource type 'Microsoft\.Storage\/storageAccounts'\. List of available regions for the resource type is 'eastus,/],
      ];
      for (const [resource, code, message] of cases) {
        await expect(deployments.deployments.createOrUpdate("rg-fid", "pre", one(resource), { updateIntervalInMs: 10 })).rejects.toMatchObject({ statusCode: 400, code, message: expect.stringMatching(message) });
        const validate = await arm("POST", `/subscriptions/${SUB}/resourcegroups/rg-fid/providers/Microsoft.Resources/deployments/pre/validate?api-version=2025-04-01`, { body: JSON.stringify(one(resource)) });
        expect(validate.status).toBe(400);
        expect(validate.json).toMatchObject({ error: { code } });
      }
      // A resource PUT directly gets the same checks.
      const direct = (path: string, body: unknown, version = "2022-09-01") => arm("PUT", `/subscriptions/${SUB}/resourcegroups/rg-fid/providers/${path}?api-version=${version}`, { body: JSON.stringify(body) });
      expect((await direct("Microsoft.Banana/peels/p1", { location: "eastus" })).json).toMatchObject({ error: { code: "InvalidResourceNamespace" } });
      expect((await direct("Microsoft.Storage/storageBananas/b1", { location: "eastus" })).json).toMatchObject({ error: { code: "InvalidResourceType" } });
      expect((await direct("Microsoft.Storage/storageAccounts/stmars", { location: "mars", sku: { name: "Standard_LRS" } })).json).toMatchObject({ error: { code: "LocationNotAvailableForResourceType" } });
      // Display names and case are the same region to ARM.
      const ok = await deployments.deployments.createOrUpdate("rg-fid", "pre-ok", one({ ...storage, location: "East US" }), { updateIntervalInMs: 10 });
      expect(ok.properties?.provisioningState).toBe("Succeeded");
    });
  });
});

async function waitForDeployment(arm: (method: string, path: string) => Promise<{ json: unknown }>, rg: string, name: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const { json } = await arm("GET", `/subscriptions/${SUB}/resourcegroups/${rg}/providers/Microsoft.Resources/deployments/${name}?api-version=2024-03-01`);
    const state = (json as { properties?: { provisioningState?: string } }).properties?.provisioningState;
    if (state === "Succeeded" || state === "Failed" || state === "Canceled") return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`deployment ${name} did not finish`);
}
