import { randomUUID } from "node:crypto";
import { isRecord, type Router, type SandboxRequest, type SandboxResponse } from "../core/http";
import { parseArmJsonBody } from "../arm/arm-json";
import { type ArmResource, type ArmState, armError } from "../arm/arm-state";
import { userError } from "./aml-service";
import type { AmlState } from "./aml-state";

/**
 * Azure ML registries (api-version 2024-04-01, raw REST; @azure/arm-machinelearning 2.1.1 has
 * none): registry GET, registry environment version GET and the workspace environment version
 * `publish` action, an LRO answered with Azure-AsyncOperation + Location. A publish is refused
 * with Azure ML's UserError until the source version's image has been built.
 */
const REG = "/subscriptions/{sub}/resourcegroups/{rg}/providers/Microsoft.MachineLearningServices/registries/{registry}";
const W = "/subscriptions/{sub}/resourcegroups/{rg}/providers/Microsoft.MachineLearningServices/workspaces/{ws}";
const OPS = "/subscriptions/{sub}/providers/Microsoft.MachineLearningServices/locations/{location}";
const NAME_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9\-_]{0,254}$/;
const VERSION_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9._-]{0,29}$/;
const REGISTRY_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9\-_]{2,32}$/;

export type RegistryEnvironmentVersion = { name: string; version: string; properties: Record<string, unknown>; createdAt: string };

export type SandboxRegistry = {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  location: string;
  createdAt: string;
  /** Environment name (lower-case) → version → asset. */
  environments: Map<string, Map<string, RegistryEnvironmentVersion>>;
};

export type PublishOperation = {
  id: string;
  location: string;
  registry: string;
  name: string;
  version: string;
  properties: Record<string, unknown>;
  startedAt: string;
  /** Epoch ms from which the operation is done (the asset then exists in the registry). */
  readyAt: number;
  endedAt?: string;
};

export type RegistrySnapshot = { registries?: Map<string, SandboxRegistry>; operations?: Map<string, PublishOperation> };

/** Registries by name (lower-case; registry names are unique in a tenant, as publish addresses them) and publish operations. */
export class RegistryState {
  readonly registries = new Map<string, SandboxRegistry>();
  readonly operations = new Map<string, PublishOperation>();
  /** Every publish request the sandbox received (inspection: a test proves "no second publish"). */
  publishCalls = 0;

  add(r: Omit<SandboxRegistry, "createdAt" | "environments">): SandboxRegistry {
    const existing = this.registries.get(r.name.toLowerCase());
    if (existing) return existing;
    const registry: SandboxRegistry = { ...r, createdAt: new Date().toISOString(), environments: new Map() };
    this.registries.set(r.name.toLowerCase(), registry);
    return registry;
  }

  /** Completes every operation whose time has come: Azure ML materialises the asset whether or not anyone polls. */
  settle(now = Date.now()): void {
    for (const op of this.operations.values()) {
      if (op.endedAt || op.readyAt > now) continue;
      const registry = this.registries.get(op.registry.toLowerCase());
      if (registry) {
        let versions = registry.environments.get(op.name.toLowerCase());
        if (!versions) {
          versions = new Map();
          registry.environments.set(op.name.toLowerCase(), versions);
        }
        if (!versions.has(op.version)) versions.set(op.version, { name: op.name, version: op.version, properties: op.properties, createdAt: new Date(now).toISOString() });
      }
      op.endedAt = new Date(now).toISOString();
    }
  }

  toSnapshot(): RegistrySnapshot {
    return { registries: this.registries, operations: this.operations };
  }

  restore(snapshot: RegistrySnapshot | undefined): void {
    for (const [k, v] of snapshot?.registries ?? []) this.registries.set(k, v);
    for (const [k, v] of snapshot?.operations ?? []) this.operations.set(k, v);
  }
}

/** The sandbox world's registries (idempotent): a shared one and one for Vision Research. */
export function seedRegistries(state: RegistryState, subscriptionId: string): void {
  state.add({ subscriptionId, resourceGroup: "rg-feedgate-registries", name: "mlreg-feedgate-shared", location: "eastus" });
  state.add({ subscriptionId, resourceGroup: "rg-feedgate-registries", name: "mlreg-vision", location: "westeurope" });
}

export type RegistryRoutesOptions = { arm: ArmState; aml: AmlState; registries: RegistryState; stepMs: () => number };

export function registerRegistryRoutes(router: Router, options: RegistryRoutesOptions): void {
  const { registries } = options;
  const withRegistry = (fn: (req: SandboxRequest, r: SandboxRegistry) => SandboxResponse) => (req: SandboxRequest): SandboxResponse => {
    registries.settle();
    const r = registries.registries.get((req.params.registry ?? "").toLowerCase());
    if (!r || r.subscriptionId.toLowerCase() !== (req.params.sub ?? "").toLowerCase() || r.resourceGroup.toLowerCase() !== (req.params.rg ?? "").toLowerCase()) {
      return armError(404, "ResourceNotFound", `The Resource 'Microsoft.MachineLearningServices/registries/${req.params.registry}' under resource group '${req.params.rg}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`);
    }
    return fn(req, r);
  };

  router.add("GET", REG, withRegistry((_req, r) => ({ status: 200, json: registryView(r) })));
  router.add("GET", `${REG}/environments/{name}/versions/{version}`, withRegistry((req, r) => {
    const v = r.environments.get((req.params.name ?? "").toLowerCase())?.get(req.params.version ?? "");
    return v ? { status: 200, json: registryVersionView(r, v) } : notFound(`Could not find asset with ID: azureml://registries/${r.name}/environments/${req.params.name}/versions/${req.params.version}`);
  }));
  router.add("POST", `${W}/environments/{name}/versions/{version}/publish`, (req) => publish(options, req));
  router.add("GET", `${OPS}/mfeOperationsStatus/{id}`, (req) => {
    registries.settle();
    const op = registries.operations.get(req.params.id ?? "");
    if (!op) return notFound(`Operation ${req.params.id} was not found.`);
    const status = op.endedAt ? "Succeeded" : "InProgress";
    return { status: 200, headers: op.endedAt ? {} : { "retry-after": "1" }, json: { id: `${OPS.replace("{sub}", req.params.sub ?? "").replace("{location}", op.location)}/mfeOperationsStatus/${op.id}`, name: op.id, status, startTime: op.startedAt, ...(op.endedAt ? { endTime: op.endedAt } : {}) } };
  });
  router.add("GET", `${OPS}/mfeOperationResults/{id}`, (req) => {
    registries.settle();
    const op = registries.operations.get(req.params.id ?? "");
    if (!op) return notFound(`Operation ${req.params.id} was not found.`);
    return op.endedAt ? { status: 200, json: {} } : { status: 202, headers: { location: `${req.baseUrl}${req.url.pathname}${req.url.search}`, "retry-after": "1" } };
  });
}

function publish(options: RegistryRoutesOptions, req: SandboxRequest): SandboxResponse {
  const { arm, aml, registries } = options;
  registries.publishCalls += 1;
  registries.settle();
  const ws = findWorkspace(arm, req);
  if (!ws) return armError(404, "ResourceNotFound", `The Resource 'Microsoft.MachineLearningServices/workspaces/${req.params.ws}' under resource group '${req.params.rg}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`);
  const body = parseArmJsonBody(req);
  if (!body.ok || !isRecord(body.value)) return userError(400, "The request body must be a DestinationAsset: {destinationName, destinationVersion, registryName}.");
  const { destinationName, destinationVersion, registryName } = body.value;
  if (typeof destinationName !== "string" || !NAME_PATTERN.test(destinationName)) return userError(400, `Destination name '${String(destinationName)}' is invalid.`, "destinationName");
  if (typeof destinationVersion !== "string" || !VERSION_PATTERN.test(destinationVersion)) return userError(400, `Destination version '${String(destinationVersion)}' is invalid.`, "destinationVersion");
  if (typeof registryName !== "string" || !REGISTRY_PATTERN.test(registryName)) return userError(400, `Registry name '${String(registryName)}' is invalid.`, "registryName");
  const registry = registries.registries.get(registryName.toLowerCase());
  if (!registry) return notFound(`Registry ${registryName} was not found.`);
  const name = req.params.name ?? "";
  const version = req.params.version ?? "";
  const source = aml.containersOf(ws.id).get(name.toLowerCase())?.versions.get(version);
  const sourceAssetId = `azureml://locations/${ws.location}/workspaces/${String(ws.properties.workspaceId)}/environments/${name}/versions/${version}`;
  if (!source) return notFound(`Could not find asset with ID: ${sourceAssetId}`);
  if (!isBuilt(aml, ws, name, version)) {
    return userError(400, `Environment with source assetId ${sourceAssetId} is not yet materialized in source ACR, please build the image before attempting to publish`);
  }
  if (registry.environments.get(destinationName.toLowerCase())?.has(destinationVersion)) {
    return userError(409, `Conflict: asset azureml://registries/${registry.name}/environments/${destinationName}/versions/${destinationVersion} already exists. Registry assets are immutable; publish a new version instead.`);
  }
  const id = randomUUID();
  const now = Date.now();
  registries.operations.set(id, {
    id,
    location: registry.location,
    registry: registry.name,
    name: destinationName,
    version: destinationVersion,
    properties: { ...source.properties, provisioningState: "Succeeded", stage: "Development" },
    startedAt: new Date(now).toISOString(),
    readyAt: now + 2 * options.stepMs(),
  });
  const apiVersion = req.url.searchParams.get("api-version") ?? "";
  const base = `${req.baseUrl}/subscriptions/${req.params.sub}/providers/Microsoft.MachineLearningServices/locations/${registry.location}`;
  return {
    status: 202,
    headers: {
      "azure-asyncoperation": `${base}/mfeOperationsStatus/${id}?api-version=${apiVersion}`,
      location: `${base}/mfeOperationResults/${id}?api-version=${apiVersion}`,
      "retry-after": "1",
    },
  };
}

function isBuilt(aml: AmlState, ws: ArmResource, name: string, version: string): boolean {
  for (const build of aml.builds.values()) {
    if (build.status === "Succeeded" && build.workspaceId.toLowerCase() === ws.id.toLowerCase() && build.environment.toLowerCase() === name.toLowerCase() && build.version === version) return true;
  }
  return false;
}

function findWorkspace(arm: ArmState, req: SandboxRequest): ArmResource | undefined {
  const r = arm.getResource(`/subscriptions/${req.params.sub}/resourceGroups/${req.params.rg}/providers/Microsoft.MachineLearningServices/workspaces/${req.params.ws}`);
  return r && r.type.toLowerCase() === "microsoft.machinelearningservices/workspaces" ? r : undefined;
}

function registryId(r: SandboxRegistry): string {
  return `/subscriptions/${r.subscriptionId}/resourceGroups/${r.resourceGroup}/providers/Microsoft.MachineLearningServices/registries/${r.name}`;
}

function registryView(r: SandboxRegistry): Record<string, unknown> {
  const managedRg = `azureml-rg-${r.name}`;
  return {
    id: registryId(r),
    name: r.name,
    type: "Microsoft.MachineLearningServices/registries",
    location: r.location,
    tags: {},
    kind: "",
    identity: { type: "SystemAssigned", principalId: "00000000-0000-4000-8000-0000000000a1", tenantId: "00000000-0000-4000-8000-000000000000" },
    sku: { name: "P3", tier: "Basic" },
    systemData: { createdAt: r.createdAt, createdBy: "sandbox@example.org", createdByType: "User", lastModifiedAt: r.createdAt, lastModifiedBy: "sandbox@example.org", lastModifiedByType: "User" },
    properties: {
      discoveryUrl: `https://${r.location}.api.azureml.ms/registrymanagement/v1.0/registries/${r.name}/discovery`,
      intellectualPropertyPublisher: null,
      managedResourceGroup: { resourceId: `/subscriptions/${r.subscriptionId}/resourceGroups/${managedRg}` },
      mlFlowRegistryUri: `azureml://${r.location}.api.azureml.ms/mlflow/v1.0/registries/${r.name}`,
      publicNetworkAccess: "Enabled",
      regionDetails: [{ location: r.location, acrDetails: [{ systemCreatedAcrAccount: { acrAccountSku: "Premium" } }], storageAccountDetails: [{ systemCreatedStorageAccount: { storageAccountType: "Standard_LRS" } }] }],
      registryPrivateEndpointConnections: [],
    },
  };
}

function registryVersionView(r: SandboxRegistry, v: RegistryEnvironmentVersion): Record<string, unknown> {
  return {
    id: `${registryId(r)}/environments/${v.name}/versions/${v.version}`,
    name: v.version,
    type: "Microsoft.MachineLearningServices/registries/environments/versions",
    systemData: { createdAt: v.createdAt, createdBy: "sandbox@example.org", createdByType: "User", lastModifiedAt: v.createdAt },
    properties: v.properties,
  };
}


function notFound(message: string): SandboxResponse {
  return { status: 404, json: { error: { code: "UserError", message, details: [], innerError: { code: "NotFoundError" } } } };
}
