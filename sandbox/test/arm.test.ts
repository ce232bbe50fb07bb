import type { ResourceManagementClient } from "@azure/arm-resources";
import type { DeploymentsClient } from "@azure/arm-resourcesdeployments";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addFault, sandboxArmClients, listRecordedRequests, startTestSandbox, type TestSandbox } from "../testing";
import { armValidator, formatErrors } from "./spec-schemas";

const SUB = "00000000-0000-0000-0000-0000000000a1";
const LRO = { updateIntervalInMs: 10 };

const template = {
  $schema: "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  contentVersion: "1.0.0.0",
  parameters: { prefix: { type: "string", minLength: 2, maxLength: 10 }, location: { type: "string", defaultValue: "[resourceGroup().location]" } },
  variables: { name: "[toLower(parameters('prefix'))]", sfx: "[substring(uniqueString(resourceGroup().id), 0, 4)]" },
  resources: [
    {
      type: "Microsoft.Network/virtualNetworks",
      apiVersion: "2022-07-01",
      name: "[format('vnet-{0}-{1}', variables('name'), variables('sfx'))]",
      location: "[parameters('location')]",
      properties: {
        addressSpace: { addressPrefixes: ["192.168.0.0/16"] },
        subnets: [
          { name: "snet-training", properties: { addressPrefix: "192.168.0.0/24" } },
          { name: "snet-scoring", properties: { addressPrefix: "192.168.1.0/24" } },
        ],
      },
    },
    {
      type: "Microsoft.Resources/deployments",
      apiVersion: "2020-10-01",
      name: "[format('st{0}{1}-deployment', variables('name'), variables('sfx'))]",
      properties: {
        expressionEvaluationOptions: { scope: "inner" },
        mode: "Incremental",
        parameters: { storageName: { value: "[format('st{0}{1}', variables('name'), variables('sfx'))]" } },
        template: {
          $schema: "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
          contentVersion: "1.0.0.0",
          parameters: { storageName: { type: "string" } },
          resources: [{ type: "Microsoft.Storage/storageAccounts", apiVersion: "2022-09-01", name: "[parameters('storageName')]", location: "[resourceGroup().location]", sku: { name: "Standard_LRS" }, kind: "StorageV2", properties: {} }],
          outputs: { storageId: { type: "string", value: "[resourceId('Microsoft.Storage/storageAccounts', parameters('storageName'))]" } },
        },
      },
      dependsOn: ["[resourceId('Microsoft.Network/virtualNetworks', format('vnet-{0}-{1}', variables('name'), variables('sfx')))]"],
    },
  ],
  outputs: {
    vnetName: { type: "string", value: "[format('vnet-{0}-{1}', variables('name'), variables('sfx'))]" },
    storageId: { type: "string", value: "[reference(format('st{0}{1}-deployment', variables('name'), variables('sfx'))).outputs.storageId.value]" },
  },
};

describe("ARM imitation with the official SDKs", () => {
  let sandbox: TestSandbox;
  let deployments: DeploymentsClient;
  let resources: ResourceManagementClient;

  beforeAll(async () => {
    sandbox = await startTestSandbox();
    ({ deployments, resources } = sandboxArmClients(sandbox, SUB));
    const raw: unknown[] = [];
    await resources.resourceGroups.createOrUpdate("rg-arm", { location: "eastus", tags: { owner: "tests" } }, { onResponse: (r) => raw.push(JSON.parse(r.bodyAsText ?? "null")) });
    const validate = armValidator("resources:ResourceGroup");
    expect(validate(raw[0]), formatErrors(validate)).toBe(true);
  });
  afterAll(async () => sandbox?.stop());

  it("runs a succeeding template through the real LRO protocol and reports per-resource operations, nested included", async () => {
    const result = await deployments.deployments.createOrUpdate("rg-arm", "dep-ok", { properties: { mode: "Incremental", template, parameters: { prefix: { value: "Demo" } } } }, LRO);
    expect(result.properties?.provisioningState).toBe("Succeeded");
    const raw: unknown[] = [];
    await deployments.deployments.get("rg-arm", "dep-ok", { onResponse: (r) => raw.push(JSON.parse(r.bodyAsText ?? "null")) });
    const validate = armValidator("deployments:DeploymentExtended");
    expect(validate(raw[0]), formatErrors(validate)).toBe(true);
    const vnetName = String((result.properties?.outputs as Record<string, { value: unknown }>).vnetName?.value);
    expect(vnetName).toMatch(/^vnet-demo-[a-z2-7]{4}$/);
    expect(String((result.properties?.outputs as Record<string, { value: unknown }>).storageId?.value)).toMatch(/providers\/Microsoft\.Storage\/storageAccounts\/stdemo/);

    // The wire protocol: 201 + absolute Azure-AsyncOperation, status polls, final GET of the PUT URL.
    const wire = await listRecordedRequests(sandbox.endpoints.arm, { service: "arm", path: "/deployments/dep-ok" });
    expect(wire[0]?.method).toBe("PUT");
    expect(wire[0]?.status).toBe(201);
    expect(wire.some((r) => r.path.includes("/operationStatuses/"))).toBe(true);
    expect(wire[wire.length - 1]?.method).toBe("GET");
    expect(wire[wire.length - 1]?.path.toLowerCase()).toMatch(/deployments\/dep-ok$/);

    const ops = [];
    const rawPages: { value: unknown[] }[] = [];
    for await (const op of deployments.deploymentOperations.list("rg-arm", "dep-ok", { onResponse: (r) => rawPages.push(JSON.parse(r.bodyAsText ?? "null") as { value: unknown[] }) })) ops.push(op);
    const validateOp = armValidator("deployments:DeploymentOperation");
    const rawOps = rawPages.flatMap((p) => p.value);
    expect(rawOps.length).toBe(ops.length);
    for (const op of rawOps) expect(validateOp(op), formatErrors(validateOp)).toBe(true);
    const nestedOp = ops.find((o) => o.properties?.targetResource?.resourceType === "Microsoft.Resources/deployments");
    expect(nestedOp?.properties?.provisioningState).toBe("Succeeded");
    const nestedName = nestedOp?.properties?.targetResource?.resourceName ?? "";
    const nestedOps = [];
    for await (const op of deployments.deploymentOperations.list("rg-arm", nestedName)) nestedOps.push(op);
    expect(nestedOps.map((o) => o.properties?.targetResource?.resourceType)).toContain("Microsoft.Storage/storageAccounts");

    // Created resources are readable, the VNet with its subnets.
    const vnet = await resources.resources.get("rg-arm", "Microsoft.Network", "", "virtualNetworks", vnetName, "2022-07-01");
    const subnets = (vnet.properties as { subnets: { id: string; name: string }[] }).subnets;
    expect(subnets.map((s) => s.name)).toEqual(["snet-training", "snet-scoring"]);
    const subnet = await resources.resources.getById(subnets[0]?.id ?? "", "2022-07-01");
    expect((subnet.properties as { addressPrefix: string }).addressPrefix).toBe("192.168.0.0/24");

    const list = [];
    for await (const d of deployments.deployments.listByResourceGroup("rg-arm")) list.push(d.name);
    expect(list).toEqual(expect.arrayContaining(["dep-ok", nestedName]));
  });

  it("surfaces the failing resource's error when a deployment fails on a named resource", async () => {
    await addFault(sandbox.endpoints.arm, { kind: "deployment-failure", resourceName: "stfail1", errorCode: "StorageAccountAlreadyTaken", message: "The storage account named stfail1 is already taken.", times: 1 });
    const failing = {
      $schema: template.$schema,
      contentVersion: "1.0.0.0",
      resources: [
        { type: "Microsoft.Network/virtualNetworks", apiVersion: "2022-07-01", name: "vnet-f", location: "eastus", properties: { addressSpace: { addressPrefixes: ["10.1.0.0/16"] } } },
        { type: "Microsoft.Storage/storageAccounts", apiVersion: "2022-09-01", name: "stfail1", location: "eastus", sku: { name: "Standard_LRS" }, kind: "StorageV2", properties: {} },
      ],
    };
    await expect(deployments.deployments.createOrUpdate("rg-arm", "dep-fail", { properties: { mode: "Incremental", template: failing } }, LRO)).rejects.toThrow(/DeploymentFailed/);
    const dep = await deployments.deployments.get("rg-arm", "dep-fail");
    expect(dep.properties?.provisioningState).toBe("Failed");
    expect(dep.properties?.error?.details?.[0]?.code).toBe("StorageAccountAlreadyTaken");
    const ops = [];
    for await (const op of deployments.deploymentOperations.list("rg-arm", "dep-fail")) ops.push(op);
    const failed = ops.find((o) => o.properties?.provisioningState === "Failed");
    expect(failed?.properties?.targetResource?.resourceName).toBe("stfail1");
    expect(failed?.properties?.statusMessage).toMatchObject({ status: "Failed", error: { code: "StorageAccountAlreadyTaken" } });
    expect(ops.find((o) => o.properties?.targetResource?.resourceName === "vnet-f")?.properties?.provisioningState).toBe("Succeeded");
  });

  it("chains a nested deployment's resource failure into the parent's error and operations", async () => {
    await addFault(sandbox.endpoints.arm, { kind: "deployment-failure", resourceName: "Microsoft.Storage/storageAccounts/stnested*", errorCode: "RequestDisallowedByPolicy", message: "Resource 'stnested' was disallowed by policy.", times: 1 });
    await expect(deployments.deployments.createOrUpdate("rg-arm", "dep-nested-fail", { properties: { mode: "Incremental", template, parameters: { prefix: { value: "nested" } } } }, LRO)).rejects.toThrow(/DeploymentFailed/);
    const parent = await deployments.deployments.get("rg-arm", "dep-nested-fail");
    expect(parent.properties?.error?.details?.[0]).toMatchObject({ code: "DeploymentFailed", details: [{ code: "RequestDisallowedByPolicy" }] });
    const ops = [];
    for await (const op of deployments.deploymentOperations.list("rg-arm", "dep-nested-fail")) ops.push(op);
    const nested = ops.find((o) => o.properties?.targetResource?.resourceType === "Microsoft.Resources/deployments");
    expect(nested?.properties?.provisioningState).toBe("Failed");
    const inner = [];
    for await (const op of deployments.deploymentOperations.list("rg-arm", nested?.properties?.targetResource?.resourceName ?? "")) inner.push(op);
    expect(inner.find((o) => o.properties?.provisioningState === "Failed")?.properties?.statusMessage).toMatchObject({ error: { code: "RequestDisallowedByPolicy" } });
  });

  it("rejects an invalid template synchronously with InvalidTemplate and a missing resource group with ResourceGroupNotFound", async () => {
    await expect(deployments.deployments.createOrUpdate("rg-arm", "dep-bad", { properties: { mode: "Incremental", template, parameters: { prefix: { value: "waytoolongprefix" } } } }, LRO)).rejects.toMatchObject({
      statusCode: 400,
      code: "InvalidTemplate",
    });
    await expect(deployments.deployments.get("rg-missing", "x")).rejects.toMatchObject({ statusCode: 404, code: "ResourceGroupNotFound" });
    await expect(deployments.deployments.get("rg-arm", "nope")).rejects.toMatchObject({ statusCode: 404, code: "DeploymentNotFound" });
    expect(await resources.resourceGroups.checkExistence("rg-arm")).toMatchObject({ body: true });
  });

  it("validates, cancels and deletes deployments", async () => {
    const validation = await deployments.deployments.validate("rg-arm", "dep-validate", { properties: { mode: "Incremental", template, parameters: { prefix: { value: "val" } } } }, LRO);
    expect(validation.properties?.provisioningState).toBe("Succeeded");
    expect(validation.properties?.validatedResources?.length).toBe(2);

    sandbox.pace.armStepMs = 200;
    try {
      const poller = deployments.deployments.createOrUpdate("rg-arm", "dep-cancel", { properties: { mode: "Incremental", template, parameters: { prefix: { value: "can" } } } }, LRO);
      await new Promise((r) => setTimeout(r, 100));
      await deployments.deployments.cancel("rg-arm", "dep-cancel");
      await expect(poller).rejects.toThrow(/cancel/i);
      expect((await deployments.deployments.get("rg-arm", "dep-cancel")).properties?.provisioningState).toBe("Canceled");
    } finally {
      sandbox.pace.armStepMs = 5;
    }
    await deployments.deployments.delete("rg-arm", "dep-cancel", LRO);
    await expect(deployments.deployments.get("rg-arm", "dep-cancel")).rejects.toMatchObject({ statusCode: 404 });
  });

  it("deletes a resource group with its resources through the delete LRO", async () => {
    await resources.resourceGroups.createOrUpdate("rg-temp", { location: "westeurope" });
    await deployments.deployments.createOrUpdate("rg-temp", "d", { properties: { mode: "Incremental", template: { $schema: template.$schema, contentVersion: "1.0.0.0", resources: [{ type: "Microsoft.KeyVault/vaults", apiVersion: "2022-07-01", name: "kv-temp", location: "westeurope", properties: { tenantId: "00000000-0000-0000-0000-000000000000", sku: { family: "A", name: "standard" } } }] } } }, LRO);
    const kv = await resources.resources.get("rg-temp", "Microsoft.KeyVault", "", "vaults", "kv-temp", "2022-07-01");
    expect((kv.properties as { vaultUri: string }).vaultUri).toBe("https://kv-temp.vault.azure.net/");
    await resources.resourceGroups.delete("rg-temp", { updateIntervalInMs: 10 });
    expect(await resources.resourceGroups.checkExistence("rg-temp")).toMatchObject({ body: false });
    await expect(resources.resources.get("rg-temp", "Microsoft.KeyVault", "", "vaults", "kv-temp", "2022-07-01")).rejects.toMatchObject({ statusCode: 404, code: "ResourceGroupNotFound" });
  });

  it("lets the SDK retry a 429 with Retry-After", async () => {
    await addFault(sandbox.endpoints.arm, { service: "arm", method: "GET", path: "/resourcegroups/rg-arm$", kind: "status", status: 429, retryAfterSeconds: 1, times: 1 });
    const started = Date.now();
    const rg = await resources.resourceGroups.get("rg-arm");
    expect(rg.name).toBe("rg-arm");
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    const gets = await listRecordedRequests(sandbox.endpoints.arm, { service: "arm", method: "GET", pathRegex: "/resourcegroups/rg-arm$" });
    expect(gets.slice(-2).map((r) => r.status)).toEqual([429, 200]);
  });
});
