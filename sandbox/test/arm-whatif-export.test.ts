import type { ResourceManagementClient } from "@azure/arm-resources";
import type { DeploymentsClient } from "@azure/arm-resourcesdeployments";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { until } from "@/testing/until";
import { ArmState } from "../arm/arm-state";
import { listRecordedRequests, sandboxArmClients, sandboxAuthHeader, startTestSandbox, type TestSandbox } from "../testing";
import { armValidator, formatErrors } from "./spec-schemas";

const SUB = "00000000-0000-0000-0000-0000000000b2";
const LRO = { updateIntervalInMs: 10 };
const SCHEMA = "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#";

const vnet = {
  type: "Microsoft.Network/virtualNetworks",
  apiVersion: "2022-07-01",
  name: "vnet-wi",
  location: "[resourceGroup().location]",
  properties: { addressSpace: { addressPrefixes: ["10.7.0.0/16"] }, subnets: [{ name: "snet-a", properties: { addressPrefix: "10.7.0.0/24" } }] },
};
const storage = (tags: Record<string, string>) => ({
  type: "Microsoft.Storage/storageAccounts",
  apiVersion: "2022-09-01",
  name: "stwhatif1",
  location: "eastus",
  tags,
  sku: { name: "Standard_LRS" },
  kind: "StorageV2",
  properties: { minimumTlsVersion: "TLS1_2" },
});
const baseTemplate = { $schema: SCHEMA, contentVersion: "1.0.0.0", resources: [vnet, storage({ env: "dev" })] };

type RawWhatIf = { status: string; properties: { changes: { resourceId: string; changeType: string; before?: Record<string, unknown>; after?: Record<string, unknown>; delta?: unknown[] }[] } };

describe("ARM what-if, export template and resource group delete", () => {
  let sandbox: TestSandbox;
  let deployments: DeploymentsClient;
  let resources: ResourceManagementClient;
  let AUTH: Record<string, string>;
  const rgId = (rg: string) => `/subscriptions/${SUB}/resourceGroups/${rg}`;

  beforeAll(async () => {
    sandbox = await startTestSandbox();
    AUTH = { ...(await sandboxAuthHeader(sandbox)), "content-type": "application/json" };
    ({ deployments, resources } = sandboxArmClients(sandbox, SUB));
    await resources.resourceGroups.createOrUpdate("rg-wi", { location: "eastus" });
    await deployments.deployments.createOrUpdate("rg-wi", "base", { properties: { mode: "Incremental", template: baseTemplate } }, LRO);
    // One resource the templates below never mention.
    const kv = await fetch(`${sandbox.endpoints.arm}/subscriptions/${SUB}/resourcegroups/rg-wi/providers/Microsoft.KeyVault/vaults/kv-wi?api-version=2022-07-01`, {
      method: "PUT",
      headers: AUTH,
      body: JSON.stringify({ location: "eastus", properties: { tenantId: "00000000-0000-0000-0000-000000000000", sku: { family: "A", name: "standard" } } }),
    });
    expect(kv.status).toBe(201);
  });
  afterAll(async () => sandbox?.stop());

  /** Follows an operation's Location until it answers 200; returns that body. */
  const pollLocation = (location: string): Promise<unknown> =>
    until(`200 from ${location}`, async () => {
      const res = await fetch(location, { headers: AUTH });
      if (res.status === 202) return undefined;
      expect(res.status).toBe(200);
      return (await res.json()) as unknown;
    });

  it("predicts Create, Modify, NoChange and Ignore from the group's current state, over 202 + Location polling, without creating anything", async () => {
    const changed = {
      $schema: SCHEMA,
      contentVersion: "1.0.0.0",
      resources: [vnet, storage({ env: "prod", team: "ml" }), { ...storage({}), name: "stwhatif2", tags: undefined }],
    };
    const result = await deployments.deployments.whatIf("rg-wi", "wi-1", { properties: { mode: "Incremental", template: changed } }, LRO);
    expect(result.status).toBe("Succeeded");
    const byId = new Map((result.changes ?? []).map((c) => [c.resourceId?.toLowerCase(), c]));
    const id = (type: string, name: string) => `${rgId("rg-wi")}/providers/${type}/${name}`.toLowerCase();

    expect(byId.get(id("Microsoft.Network/virtualNetworks", "vnet-wi"))?.changeType).toBe("NoChange");
    const st1 = byId.get(id("Microsoft.Storage/storageAccounts", "stwhatif1"));
    expect(st1?.changeType).toBe("Modify");
    expect(st1?.delta).toEqual([
      { path: "tags.env", propertyChangeType: "Modify", before: "dev", after: "prod" },
      { path: "tags.team", propertyChangeType: "Create", after: "ml" },
    ]);
    expect((st1?.before as { properties: { primaryEndpoints: unknown } }).properties.primaryEndpoints).toBeDefined();
    expect(st1?.after).toMatchObject({ apiVersion: "2022-09-01", tags: { env: "prod", team: "ml" } });
    const st2 = byId.get(id("Microsoft.Storage/storageAccounts", "stwhatif2"));
    expect(st2?.changeType).toBe("Create");
    expect(st2?.before).toBeUndefined();
    expect(st2?.after).toMatchObject({ apiVersion: "2022-09-01", name: "stwhatif2", type: "Microsoft.Storage/storageAccounts", sku: { name: "Standard_LRS" } });
    expect(byId.get(id("Microsoft.KeyVault/vaults", "kv-wi"))?.changeType).toBe("Ignore");
    expect(byId.size).toBe(4);

    // The wire: POST → 202 + Location + Retry-After; the Location answers 202, then 200 with the result.
    const wire = await listRecordedRequests(sandbox.endpoints.arm, { service: "arm", pathRegex: "/deployments/wi-1/whatIf|/operationresults/" });
    expect(wire[0]).toMatchObject({ method: "POST", status: 202 });
    const polls = wire.filter((r) => r.path.includes("/operationresults/"));
    expect(polls[0]?.status).toBe(202);
    expect(polls[polls.length - 1]?.status).toBe(200);
    const initial = await fetch(`${sandbox.endpoints.arm}/subscriptions/${SUB}/resourcegroups/rg-wi/providers/Microsoft.Resources/deployments/wi-raw/whatIf?api-version=2022-09-01`, { method: "POST", headers: AUTH, body: JSON.stringify({ properties: { mode: "Incremental", template: changed } }) });
    expect(initial.status).toBe(202);
    expect(initial.headers.get("location")).toMatch(new RegExp(`^${sandbox.endpoints.arm}/subscriptions/${SUB}/operationresults/\\w+\\?api-version=2022-09-01$`));
    expect(initial.headers.get("retry-after")).toMatch(/^\d+$/);
    const final = (await pollLocation(initial.headers.get("location") ?? "")) as RawWhatIf;
    const validate = armValidator("deployments:WhatIfOperationResult");
    expect(validate(final), formatErrors(validate)).toBe(true);
    expect(final.properties.changes.map((c) => c.changeType).sort()).toEqual(["Create", "Ignore", "Modify", "NoChange"]);

    // Nothing was created or recorded as a deployment.
    await expect(resources.resources.get("rg-wi", "Microsoft.Storage", "", "storageAccounts", "stwhatif2", "2022-09-01")).rejects.toMatchObject({ statusCode: 404 });
    expect((await resources.resources.get("rg-wi", "Microsoft.Storage", "", "storageAccounts", "stwhatif1", "2022-09-01")).tags).toEqual({ env: "dev" });
    await expect(deployments.deployments.get("rg-wi", "wi-1")).rejects.toMatchObject({ statusCode: 404, code: "DeploymentNotFound" });
  });

  it("reports Delete for unlisted resources in Complete mode, Deploy with ResourceIdOnly, and property removals and array changes", async () => {
    const fewer = {
      $schema: SCHEMA,
      contentVersion: "1.0.0.0",
      resources: [{ ...vnet, properties: { addressSpace: { addressPrefixes: ["10.8.0.0/16"] }, subnets: vnet.properties.subnets } }, { ...storage({ env: "dev" }), properties: {} }],
    };
    const complete = await deployments.deployments.whatIf("rg-wi", "wi-complete", { properties: { mode: "Complete", template: fewer } }, LRO);
    const kv = complete.changes?.find((c) => c.resourceId?.endsWith("/vaults/kv-wi"));
    expect(kv?.changeType).toBe("Delete");
    expect(kv?.before).toMatchObject({ name: "kv-wi", properties: { vaultUri: "https://kv-wi.vault.azure.net/" } });
    const vnetChange = complete.changes?.find((c) => c.resourceId?.endsWith("/virtualNetworks/vnet-wi"));
    expect(vnetChange?.changeType).toBe("Modify");
    expect(vnetChange?.delta).toEqual([
      {
        path: "properties.addressSpace.addressPrefixes",
        propertyChangeType: "Array",
        children: [
          { path: "0", propertyChangeType: "Delete", before: "10.7.0.0/16" },
          { path: "0", propertyChangeType: "Create", after: "10.8.0.0/16" },
        ],
      },
    ]);
    const st = complete.changes?.find((c) => c.resourceId?.endsWith("/storageAccounts/stwhatif1"));
    expect(st?.delta).toEqual([{ path: "properties.minimumTlsVersion", propertyChangeType: "Delete", before: "TLS1_2" }]);

    const idsOnly = await deployments.deployments.whatIf("rg-wi", "wi-ids", { properties: { mode: "Incremental", template: fewer, whatIfSettings: { resultFormat: "ResourceIdOnly" } } }, LRO);
    // Sorted by resource id (Microsoft.KeyVault < Microsoft.Network < Microsoft.Storage).
    expect(idsOnly.changes?.map((c) => [c.resourceId?.split("/").pop(), c.changeType, c.before, c.after, c.delta])).toEqual([
      ["kv-wi", "Ignore", undefined, undefined, undefined],
      ["vnet-wi", "Deploy", undefined, undefined, undefined],
      ["stwhatif1", "Deploy", undefined, undefined, undefined],
    ]);
    // The vault is still there: Complete mode was only predicted.
    expect((await resources.resources.get("rg-wi", "Microsoft.KeyVault", "", "vaults", "kv-wi", "2022-07-01")).name).toBe("kv-wi");
  });

  it("expands nested deployments and runs the deployment preflight", async () => {
    const nested = {
      $schema: SCHEMA,
      contentVersion: "1.0.0.0",
      parameters: { name: { type: "string", defaultValue: "stnestedwi" } },
      resources: [
        {
          type: "Microsoft.Resources/deployments",
          apiVersion: "2020-10-01",
          name: "inner",
          properties: {
            expressionEvaluationOptions: { scope: "inner" },
            mode: "Incremental",
            parameters: { n: { value: "[parameters('name')]" } },
            template: { $schema: SCHEMA, contentVersion: "1.0.0.0", parameters: { n: { type: "string" } }, resources: [{ ...storage({}), tags: undefined, name: "[parameters('n')]" }] },
          },
        },
      ],
    };
    const result = await deployments.deployments.whatIf("rg-wi", "wi-nested", { properties: { mode: "Incremental", template: nested } }, LRO);
    const created = result.changes?.filter((c) => c.changeType === "Create").map((c) => c.resourceId);
    expect(created).toEqual([`${rgId("rg-wi")}/providers/Microsoft.Storage/storageAccounts/stnestedwi`]);
    expect(result.changes?.some((c) => c.resourceId?.includes("/deployments/"))).toBe(false);

    const badVersion = { $schema: SCHEMA, contentVersion: "1.0.0.0", resources: [{ ...storage({}), apiVersion: "1999-01-01" }] };
    await expect(deployments.deployments.whatIf("rg-wi", "wi-bad", { properties: { mode: "Incremental", template: badVersion } }, LRO)).rejects.toMatchObject({ statusCode: 400, code: "NoRegisteredProviderFound" });
    await expect(deployments.deployments.whatIf("rg-nope", "wi-bad", { properties: { mode: "Incremental", template: baseTemplate } }, LRO)).rejects.toMatchObject({ statusCode: 404, code: "ResourceGroupNotFound" });
  });

  it("exports a deployment's template as deployed and the group's resources as a template that deploys to the same state", async () => {
    const raw: unknown[] = [];
    const exported = await deployments.deployments.exportTemplate("rg-wi", "base", { onResponse: (r) => raw.push(JSON.parse(r.bodyAsText ?? "null")) });
    expect(exported.template).toEqual(baseTemplate);
    const validateDeployment = armValidator("deployments:DeploymentExportResult");
    expect(validateDeployment(raw[0]), formatErrors(validateDeployment)).toBe(true);
    await expect(deployments.deployments.exportTemplate("rg-wi", "nope")).rejects.toMatchObject({ statusCode: 404, code: "DeploymentNotFound" });

    const group = await resources.resourceGroups.exportTemplate("rg-wi", { resources: ["*"], options: "IncludeParameterDefaultValue" }, LRO);
    const started = await fetch(`${sandbox.endpoints.arm}/subscriptions/${SUB}/resourcegroups/rg-wi/exportTemplate?api-version=2022-09-01`, { method: "POST", headers: AUTH, body: JSON.stringify({ resources: ["*"] }) });
    expect(started.status).toBe(202);
    const validateGroup = armValidator("resources:ResourceGroupExportResult");
    const rawGroup = await pollLocation(started.headers.get("location") ?? "");
    expect(validateGroup(rawGroup), formatErrors(validateGroup)).toBe(true);
    // Without IncludeParameterDefaultValue the name parameters have no default.
    expect((rawGroup as { template: { parameters: Record<string, unknown> } }).template.parameters.vaults_kv_wi_name).toEqual({ type: "String" });
    const template = group.template as { $schema: string; parameters: Record<string, { defaultValue?: string; type: string }>; resources: { type: string; name: string; apiVersion: string; properties: Record<string, unknown> }[] };
    expect(template.$schema).toBe(SCHEMA);
    expect(template.parameters).toEqual({
      storageAccounts_stwhatif1_name: { defaultValue: "stwhatif1", type: "String" },
      vaults_kv_wi_name: { defaultValue: "kv-wi", type: "String" },
      virtualNetworks_vnet_wi_name: { defaultValue: "vnet-wi", type: "String" },
    });
    expect(template.resources.map((r) => [r.type, r.name, r.apiVersion])).toEqual([
      ["Microsoft.KeyVault/vaults", "[parameters('vaults_kv_wi_name')]", "2022-07-01"],
      ["Microsoft.Network/virtualNetworks", "[parameters('virtualNetworks_vnet_wi_name')]", "2022-07-01"],
      ["Microsoft.Storage/storageAccounts", "[parameters('storageAccounts_stwhatif1_name')]", "2022-09-01"],
    ]);
    expect(JSON.stringify(template)).not.toContain("provisioningState");
    const wire = await listRecordedRequests(sandbox.endpoints.arm, { service: "arm", method: "POST", path: "/resourcegroups/rg-wi/exportTemplate" });
    expect(wire[0]?.status).toBe(202);

    // What-if of the exported template against the same group: nothing would change.
    const again = await deployments.deployments.whatIf("rg-wi", "wi-export", { properties: { mode: "Complete", template: group.template } }, LRO);
    expect(again.changes?.map((c) => c.changeType)).toEqual(["NoChange", "NoChange", "NoChange"]);

    // Before 2019-08-01 the export answers directly; unknown ids are reported in `error`.
    const old = await fetch(`${sandbox.endpoints.arm}/subscriptions/${SUB}/resourcegroups/rg-wi/exportTemplate?api-version=2019-07-01`, {
      method: "POST",
      headers: AUTH,
      body: JSON.stringify({ resources: [`${rgId("rg-wi")}/providers/Microsoft.KeyVault/vaults/kv-wi`, `${rgId("rg-wi")}/providers/Microsoft.KeyVault/vaults/kv-none`], options: "SkipAllParameterization" }),
    });
    expect(old.status).toBe(200);
    const body = (await old.json()) as { template: { parameters: object; resources: { name: string }[] }; error?: { code: string; details: { target: string }[] } };
    expect(body.template.parameters).toEqual({});
    expect(body.template.resources.map((r) => r.name)).toEqual(["kv-wi"]);
    expect(body.error?.code).toBe("ExportTemplateCompletedWithErrors");
    expect(body.error?.details.map((d) => d.target)).toEqual([`${rgId("rg-wi")}/providers/Microsoft.KeyVault/vaults/kv-none`]);
    expect(validateGroup(body), formatErrors(validateGroup)).toBe(true);
  });

  it("deletes a resource group during a deployment: Deleting, the deployment Canceled, then 404", async () => {
    await resources.resourceGroups.createOrUpdate("rg-del", { location: "eastus" });
    const chain = {
      $schema: SCHEMA,
      contentVersion: "1.0.0.0",
      resources: [
        { ...storage({}), tags: undefined, name: "stdel1" },
        { ...storage({}), tags: undefined, name: "stdel2", dependsOn: ["stdel1"] },
      ],
    };
    sandbox.pace.armStepMs = 1000;
    try {
      const deploying = deployments.deployments.createOrUpdate("rg-del", "slow", { properties: { mode: "Incremental", template: chain } }, { updateIntervalInMs: 50 });
      const settled = deploying.then(() => "succeeded", (error: unknown) => String(error));
      await until("the deployment is running", async () => (await deployments.deployments.get("rg-del", "slow")).properties?.provisioningState === "Running");
      const deleting = resources.resourceGroups.delete("rg-del", { updateIntervalInMs: 50 });
      // The running resource notices the cancel at the end of its current (1 s) step; the delete's
      // last step, read after that, is long, so the Canceled deployment stays readable meanwhile.
      sandbox.pace.armStepMs = 3000;

      const raw: unknown[] = [];
      const group = await resources.resourceGroups.get("rg-del", { onResponse: (r) => raw.push(JSON.parse(r.bodyAsText ?? "null")) });
      expect(group.properties?.provisioningState).toBe("Deleting");
      const validate = armValidator("resources:ResourceGroup");
      expect(validate(raw[0]), formatErrors(validate)).toBe(true);
      await expect(resources.resourceGroups.createOrUpdate("rg-del", { location: "eastus" })).rejects.toMatchObject({ statusCode: 409, code: "ResourceGroupBeingDeleted" });
      await expect(deployments.deployments.createOrUpdate("rg-del", "other", { properties: { mode: "Incremental", template: chain } }, LRO)).rejects.toMatchObject({ statusCode: 409, code: "ResourceGroupBeingDeleted" });

      const canceled = await until("the deployment is canceled", async () => {
        const d = await deployments.deployments.get("rg-del", "slow");
        return d.properties?.provisioningState === "Canceled" ? d : undefined;
      });
      expect(canceled.properties?.provisioningState).toBe("Canceled");
      await deleting;
      expect(await settled).not.toBe("succeeded");
    } finally {
      sandbox.pace.armStepMs = 5;
    }
    expect(await resources.resourceGroups.checkExistence("rg-del")).toMatchObject({ body: false });
    await expect(resources.resourceGroups.get("rg-del")).rejects.toMatchObject({ statusCode: 404, code: "ResourceGroupNotFound" });
    await expect(resources.resources.get("rg-del", "Microsoft.Storage", "", "storageAccounts", "stdel1", "2022-09-01")).rejects.toMatchObject({ statusCode: 404 });
    const polls = await listRecordedRequests(sandbox.endpoints.arm, { service: "arm", method: "GET", path: "/operationresults/" });
    expect(polls.some((r) => r.status === 202)).toBe(true);
  });

  it("finishes a delete that was running when the sandbox stopped", () => {
    const state = new ArmState();
    const group = { id: rgId("rg-x"), name: "rg-x", location: "eastus", tags: {}, subscriptionId: SUB, provisioningState: "Deleting" as const };
    const resource = { id: `${rgId("rg-x")}/providers/Microsoft.KeyVault/vaults/kv-x`, name: "kv-x", type: "Microsoft.KeyVault/vaults", properties: {}, createdAt: "" };
    state.restore({ resourceGroups: new Map([[state.rgKey(SUB, "rg-x"), group]]), resources: new Map([[resource.id.toLowerCase(), resource]]) });
    expect(state.getResourceGroup(SUB, "rg-x")).toBeUndefined();
    expect(state.resources.size).toBe(0);
  });
});
