import { isRecord, type Router, type SandboxRequest, type SandboxResponse } from "../core/http";
import { parseArmJsonBody } from "../arm/arm-json";
import { type ArmResource, type ArmState, armError } from "../arm/arm-state";
import { listByType } from "../arm/resource-list";
import { AZURITE_ACCOUNT, AZURITE_KEY } from "../blob/azurite";
import type { AmlState, EnvironmentContainer, EnvironmentVersion } from "./aml-state";
import { connectionView, parseConnectionBody, sameTarget } from "./connections";

const W = "/subscriptions/{sub}/resourcegroups/{rg}/providers/Microsoft.MachineLearningServices/workspaces/{ws}";
const NAME_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9\-_]{0,254}$/;

export type AmlServiceOptions = { arm: ArmState; aml: AmlState; defaultPageSize: () => number };

/** Azure ML control plane (api-version 2022-10-01): workspace, datastores, connections, environment containers/versions. */
export function registerAmlRoutes(router: Router, options: AmlServiceOptions): void {
  const { arm, aml } = options;
  const withWorkspace = (fn: (req: SandboxRequest, ws: ArmResource) => SandboxResponse) => (req: SandboxRequest) => {
    const ws = findWorkspace(arm, req);
    if (!ws) {
      if (!arm.getResourceGroup(req.params.sub ?? "", req.params.rg ?? "")) return armError(404, "ResourceGroupNotFound", `Resource group '${req.params.rg}' could not be found.`);
      return armError(404, "ResourceNotFound", `The Resource 'Microsoft.MachineLearningServices/workspaces/${req.params.ws}' under resource group '${req.params.rg}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`);
    }
    return fn(req, ws);
  };

  router.add("GET", W, withWorkspace((req, ws) => ({ status: 200, json: workspaceView(arm, ws) })));
  // Workspaces_ListBySubscription / _ListByResourceGroup: full workspaces, as GET shows them.
  router.add("GET", "/subscriptions/{sub}/providers/Microsoft.MachineLearningServices/workspaces", (req) =>
    listByType(arm, req, { subscriptionId: req.params.sub ?? "" }, "Microsoft.MachineLearningServices/workspaces", (r) => workspaceView(arm, r)),
  );
  router.add("GET", "/subscriptions/{sub}/resourcegroups/{rg}/providers/Microsoft.MachineLearningServices/workspaces", (req) => {
    const group = arm.getResourceGroup(req.params.sub ?? "", req.params.rg ?? "");
    if (!group) return armError(404, "ResourceGroupNotFound", `Resource group '${req.params.rg}' could not be found.`);
    return listByType(arm, req, { subscriptionId: group.subscriptionId, resourceGroup: group.name }, "Microsoft.MachineLearningServices/workspaces", (r) => workspaceView(arm, r));
  });

  router.add("GET", `${W}/datastores`, withWorkspace((req, ws) => ({ status: 200, json: { value: [datastoreView(ws)] } })));
  router.add("GET", `${W}/datastores/{name}`, withWorkspace((req, ws) =>
    (req.params.name ?? "").toLowerCase() === "workspaceblobstore" ? { status: 200, json: datastoreView(ws) } : amlNotFound(`Datastore ${req.params.name} was not found in workspace ${ws.name}.`),
  ));
  router.add("POST", `${W}/datastores/{name}/listSecrets`, withWorkspace((req, ws) =>
    (req.params.name ?? "").toLowerCase() === "workspaceblobstore" ? { status: 200, json: { secretsType: "AccountKey", key: AZURITE_KEY } } : amlNotFound(`Datastore ${req.params.name} was not found in workspace ${ws.name}.`),
  ));

  registerConnectionRoutes(router, aml, withWorkspace);

  // Environment containers
  router.add("GET", `${W}/environments`, withWorkspace((req, ws) => {
    const containers = [...aml.containersOf(ws.id).values()].filter((c) => viewFilter(req, c.properties.isArchived === true));
    return page(req, containers.map((c) => containerView(ws, c)), options.defaultPageSize());
  }));
  router.add("GET", `${W}/environments/{name}`, withWorkspace((req, ws) => {
    const c = aml.containersOf(ws.id).get((req.params.name ?? "").toLowerCase());
    return c ? { status: 200, json: containerView(ws, c) } : amlNotFound(`Could not find asset with ID: azureml://locations/${ws.location}/workspaces/${String(ws.properties.workspaceId)}/environments/${req.params.name}`);
  }));
  router.add("PUT", `${W}/environments/{name}`, withWorkspace((req, ws) => {
    const name = req.params.name ?? "";
    if (!NAME_PATTERN.test(name)) return userError(400, `Environment name '${name}' is invalid. It must match ${NAME_PATTERN.source}.`);
    const body = parseArmJsonBody(req);
    if (!body.ok || !isRecord(body.value) || !isRecord(body.value.properties)) return userError(400, "The request body must contain 'properties'.");
    const containers = aml.containersOf(ws.id);
    const existing = containers.get(name.toLowerCase());
    const now = new Date().toISOString();
    const c: EnvironmentContainer = existing ?? { name, properties: {}, createdAt: now, modifiedAt: now, versions: new Map() };
    c.properties = pick(body.value.properties, ["description", "tags", "properties", "isArchived"]);
    c.modifiedAt = now;
    containers.set(name.toLowerCase(), c);
    return { status: existing ? 200 : 201, json: containerView(ws, c) };
  }));
  router.add("DELETE", `${W}/environments/{name}`, withWorkspace((req, ws) => {
    const deleted = aml.containersOf(ws.id).delete((req.params.name ?? "").toLowerCase());
    return { status: deleted ? 200 : 204 };
  }));

  // Environment versions
  router.add("GET", `${W}/environments/{name}/versions`, withWorkspace((req, ws) => {
    const c = aml.containersOf(ws.id).get((req.params.name ?? "").toLowerCase());
    const versions = c ? [...c.versions.values()].filter((v) => viewFilter(req, v.properties.isArchived === true)) : [];
    const orderBy = (req.url.searchParams.get("$orderBy") ?? "createdtime desc").toLowerCase();
    versions.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || compareVersionNames(a.version, b.version));
    if (orderBy.endsWith("desc")) versions.reverse();
    return page(req, versions.map((v) => versionView(ws, v)), options.defaultPageSize());
  }));
  router.add("GET", `${W}/environments/{name}/versions/{version}`, withWorkspace((req, ws) => {
    const v = aml.containersOf(ws.id).get((req.params.name ?? "").toLowerCase())?.versions.get(req.params.version ?? "");
    return v ? { status: 200, json: versionView(ws, v) } : amlNotFound(`Could not find asset with ID: azureml://locations/${ws.location}/workspaces/${String(ws.properties.workspaceId)}/environments/${req.params.name}/versions/${req.params.version}`);
  }));
  router.add("PUT", `${W}/environments/{name}/versions/{version}`, withWorkspace((req, ws) => putVersion(aml, req, ws)));
  router.add("DELETE", `${W}/environments/{name}/versions/{version}`, withWorkspace((req, ws) => {
    const c = aml.containersOf(ws.id).get((req.params.name ?? "").toLowerCase());
    const deleted = c?.versions.delete(req.params.version ?? "") ?? false;
    return { status: deleted ? 200 : 204 };
  }));
}

type WithWorkspace = (fn: (req: SandboxRequest, ws: ArmResource) => SandboxResponse) => (req: SandboxRequest) => SandboxResponse;

/** Workspace connections: PUT creates or updates (200 either way, as the 2.1.1 client expects); no response carries a secret. */
function registerConnectionRoutes(router: Router, aml: AmlState, withWorkspace: WithWorkspace): void {
  router.add("GET", `${W}/connections`, withWorkspace((req, ws) => {
    const target = req.url.searchParams.get("target");
    const category = req.url.searchParams.get("category");
    const value = [...aml.connectionsOf(ws.id).values()]
      .filter((c) => (!target || sameTarget(c.target, target)) && (!category || c.category.toLowerCase() === category.toLowerCase()))
      .map((c) => connectionView(ws.id, c));
    return { status: 200, json: { value } };
  }));
  router.add("GET", `${W}/connections/{name}`, withWorkspace((req, ws) => {
    const c = aml.connectionsOf(ws.id).get((req.params.name ?? "").toLowerCase());
    return c ? { status: 200, json: connectionView(ws.id, c) } : amlNotFound(`Workspace connection ${req.params.name} was not found in workspace ${ws.name}.`);
  }));
  router.add("PUT", `${W}/connections/{name}`, withWorkspace((req, ws) => {
    const body = parseArmJsonBody(req);
    if (!body.ok) return userError(400, `The request body could not be parsed: ${body.error}`);
    const connections = aml.connectionsOf(ws.id);
    const name = req.params.name ?? "";
    const parsed = parseConnectionBody(name, body.value, new Date().toISOString(), connections.get(name.toLowerCase()));
    if ("error" in parsed) return userError(400, parsed.error, parsed.target);
    connections.set(name.toLowerCase(), parsed);
    return { status: 200, json: connectionView(ws.id, parsed) };
  }));
  router.add("DELETE", `${W}/connections/{name}`, withWorkspace((req, ws) => ({ status: aml.connectionsOf(ws.id).delete((req.params.name ?? "").toLowerCase()) ? 200 : 204 })));
}

function putVersion(aml: AmlState, req: SandboxRequest, ws: ArmResource): SandboxResponse {
  const name = req.params.name ?? "";
  const version = req.params.version ?? "";
  if (!NAME_PATTERN.test(name)) return userError(400, `Environment name '${name}' is invalid. It must match ${NAME_PATTERN.source}.`);
  if (!/^[a-zA-Z0-9][a-zA-Z0-9._-]{0,29}$/.test(version)) return userError(400, `Version '${version}' is invalid.`);
  const body = parseArmJsonBody(req);
  if (!body.ok) return userError(400, `The request body could not be parsed: ${body.error}`);
  if (!isRecord(body.value) || !isRecord(body.value.properties)) return userError(400, "The request body must contain 'properties'.");
  const props = pick(body.value.properties, ["description", "tags", "properties", "isAnonymous", "isArchived", "image", "build", "condaFile", "osType", "autoRebuild", "inferenceConfig"]);
  const hasImage = typeof props.image === "string" && props.image !== "";
  const build = isRecord(props.build) ? props.build : undefined;
  if (!hasImage && !build) return userError(400, "Docker image or Dockerfile is required for environments", "image");
  if (hasImage && build) return userError(400, "Docker image or Dockerfile should be provided, not both", "build");
  if (build && (typeof build.contextUri !== "string" || build.contextUri === "")) return userError(400, "The field ContextUri is required when Build is specified.", "build.contextUri");
  if (build && props.condaFile) return userError(400, "Conda file cannot be specified together with a Docker build context; install packages in the Dockerfile.", "condaFile");
  if (props.osType !== undefined && !["Linux", "Windows"].includes(String(props.osType))) return userError(400, `Invalid OperatingSystemType '${String(props.osType)}'.`, "osType");
  if (props.autoRebuild !== undefined && !["Disabled", "OnBaseImageUpdate"].includes(String(props.autoRebuild))) return userError(400, `Invalid AutoRebuildSetting '${String(props.autoRebuild)}'.`, "autoRebuild");
  if (build) props.build = { dockerfilePath: "Dockerfile", ...build };
  props.osType ??= "Linux";
  props.autoRebuild ??= "OnBaseImageUpdate";
  props.isAnonymous ??= false;
  props.isArchived ??= false;
  props.tags ??= {};
  props.properties ??= {};
  props.environmentType = "UserCreated";

  const containers = aml.containersOf(ws.id);
  const now = new Date().toISOString();
  let container = containers.get(name.toLowerCase());
  if (!container) {
    container = { name, properties: { tags: {}, properties: {}, isArchived: false }, createdAt: now, modifiedAt: now, versions: new Map() };
    containers.set(name.toLowerCase(), container);
  }
  const existing = container.versions.get(version);
  if (existing) {
    const immutable = ["image", "build", "condaFile", "osType", "inferenceConfig"];
    const changed = immutable.filter((k) => JSON.stringify(existing.properties[k] ?? null) !== JSON.stringify(props[k] ?? null));
    if (changed.length > 0) {
      return userError(409, `Conflict: Environment ${name} version ${version} already exists with different ${changed.join(", ")}. Environment versions are immutable; register a new version instead.`);
    }
    existing.properties = { ...existing.properties, description: props.description, tags: props.tags, properties: props.properties, isArchived: props.isArchived };
    existing.modifiedAt = now;
    return { status: 200, json: versionView(ws, existing) };
  }
  const v: EnvironmentVersion = { name, version, properties: props, createdAt: now, modifiedAt: now };
  container.versions.set(version, v);
  container.modifiedAt = now;
  return { status: 201, json: versionView(ws, v) };
}

export function findWorkspace(arm: ArmState, req: SandboxRequest): ArmResource | undefined {
  const r = arm.getResource(`/subscriptions/${req.params.sub}/resourceGroups/${req.params.rg}/providers/Microsoft.MachineLearningServices/workspaces/${req.params.ws}`);
  return r && r.type.toLowerCase() === "microsoft.machinelearningservices/workspaces" ? r : undefined;
}

export function datastoreContainer(ws: ArmResource): string {
  return `azureml-blobstore-${String(ws.properties.workspaceId)}`;
}

function workspaceView(arm: ArmState, ws: ArmResource): Record<string, unknown> {
  const p = ws.properties;
  const endpoints = [...arm.resources.values()].filter((r) => {
    if (r.type.toLowerCase() !== "microsoft.network/privateendpoints") return false;
    const conns = Array.isArray(r.properties.privateLinkServiceConnections) ? r.properties.privateLinkServiceConnections : [];
    return conns.some((c) => isRecord(c) && isRecord(c.properties) && String(c.properties.privateLinkServiceId).toLowerCase() === ws.id.toLowerCase());
  });
  const privateEndpointConnections = endpoints.map((pe) => {
    const subnet = isRecord(pe.properties.subnet) ? String(pe.properties.subnet.id ?? "") : "";
    return {
      id: `${ws.id}/privateEndpointConnections/${ws.name}.${pe.name}`,
      name: `${ws.name}.${pe.name}`,
      type: "Microsoft.MachineLearningServices/workspaces/privateEndpointConnections",
      location: ws.location,
      properties: {
        privateEndpoint: { id: pe.id, subnetArmId: subnet },
        privateLinkServiceConnectionState: { status: "Approved", description: "Auto-Approved", actionsRequired: "None" },
        provisioningState: "Succeeded",
      },
    };
  });
  return {
    id: ws.id,
    name: ws.name,
    type: "Microsoft.MachineLearningServices/workspaces",
    location: ws.location,
    tags: ws.tags ?? {},
    identity: ws.identity ?? { type: "SystemAssigned" },
    sku: isRecord(ws.sku) ? ws.sku : { name: "Basic", tier: "Basic" },
    systemData: { createdAt: ws.createdAt, createdBy: "sandbox@example.org", createdByType: "User", lastModifiedAt: ws.createdAt, lastModifiedBy: "sandbox@example.org", lastModifiedByType: "User" },
    properties: {
      workspaceId: p.workspaceId,
      description: p.description ?? "",
      friendlyName: p.friendlyName ?? ws.name,
      keyVault: p.keyVault,
      applicationInsights: p.applicationInsights,
      containerRegistry: p.containerRegistry,
      storageAccount: p.storageAccount,
      discoveryUrl: p.discoveryUrl,
      provisioningState: "Succeeded",
      hbiWorkspace: p.hbiWorkspace ?? false,
      imageBuildCompute: p.imageBuildCompute,
      allowPublicAccessWhenBehindVnet: p.allowPublicAccessWhenBehindVnet ?? false,
      publicNetworkAccess: p.publicNetworkAccess ?? "Enabled",
      privateEndpointConnections,
      privateLinkCount: privateEndpointConnections.length,
      serviceProvisionedResourceGroup: `azureml-rg-${ws.name}_${String(p.workspaceId).slice(0, 8)}`,
      storageHnsEnabled: false,
      mlFlowTrackingUri: p.mlFlowTrackingUri,
      tenantId: p.tenantId,
      v1LegacyMode: p.v1LegacyMode ?? false,
      ...(p.managedNetwork !== undefined ? { managedNetwork: p.managedNetwork } : {}),
    },
  };
}

function datastoreView(ws: ArmResource): Record<string, unknown> {
  return {
    id: `${ws.id}/datastores/workspaceblobstore`,
    name: "workspaceblobstore",
    type: "Microsoft.MachineLearningServices/workspaces/datastores",
    systemData: { createdAt: ws.createdAt, createdBy: "sandbox", createdByType: "Application" },
    properties: {
      datastoreType: "AzureBlob",
      // Azurite hosts a single account; the portal pairs these with endpoints.blob in sandbox mode.
      accountName: AZURITE_ACCOUNT,
      containerName: datastoreContainer(ws),
      endpoint: "core.windows.net",
      protocol: "https",
      serviceDataAccessAuthIdentity: "WorkspaceSystemAssignedIdentity",
      credentials: { credentialsType: "AccountKey" },
      isDefault: true,
      description: "Default blob datastore",
      tags: {},
      properties: {},
    },
  };
}

function containerView(ws: ArmResource, c: EnvironmentContainer): Record<string, unknown> {
  const versions = [...c.versions.keys()];
  const latest = [...versions].sort(compareVersionNames).at(-1);
  const numeric = versions.map(Number).filter((n) => Number.isInteger(n));
  return {
    id: `${ws.id}/environments/${c.name}`,
    name: c.name,
    type: "Microsoft.MachineLearningServices/workspaces/environments",
    systemData: systemData(c.createdAt, c.modifiedAt),
    properties: {
      description: c.properties.description ?? null,
      tags: c.properties.tags ?? {},
      properties: c.properties.properties ?? {},
      isArchived: c.properties.isArchived ?? false,
      latestVersion: latest ?? null,
      nextVersion: String(numeric.length ? Math.max(...numeric) + 1 : 1),
    },
  };
}

function versionView(ws: ArmResource, v: EnvironmentVersion): Record<string, unknown> {
  return {
    id: `${ws.id}/environments/${v.name}/versions/${v.version}`,
    name: v.version,
    type: "Microsoft.MachineLearningServices/workspaces/environments/versions",
    systemData: systemData(v.createdAt, v.modifiedAt),
    properties: v.properties,
  };
}

function page(req: SandboxRequest, items: Record<string, unknown>[], defaultSize: number): SandboxResponse {
  const skip = Number(req.url.searchParams.get("$skip") ?? "0") || 0;
  const top = Number(req.url.searchParams.get("$top") ?? "0") || defaultSize;
  const value = items.slice(skip, skip + top);
  const result: Record<string, unknown> = { value };
  if (skip + top < items.length) {
    const query = [...req.url.searchParams].filter(([k]) => k !== "$skip" && k !== "$top").map(([k, v]) => `${k}=${encodeURIComponent(v)}`);
    query.push(`$skip=${skip + top}`, `$top=${top}`);
    result.nextLink = `${req.baseUrl}${req.url.pathname}?${query.join("&")}`;
  }
  return { status: 200, json: result };
}

function viewFilter(req: SandboxRequest, archived: boolean): boolean {
  const view = (req.url.searchParams.get("listViewType") ?? "ActiveOnly").toLowerCase();
  return view === "all" || (view === "archivedonly" ? archived : !archived);
}

function systemData(createdAt: string, modifiedAt: string): Record<string, unknown> {
  return { createdAt, createdBy: "sandbox@example.org", createdByType: "User", lastModifiedAt: modifiedAt, lastModifiedBy: "sandbox@example.org", lastModifiedByType: "User" };
}

function pick(source: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of keys) if (source[k] !== undefined) out[k] = source[k];
  return out;
}

/** AML's UserError body (ErrorResponse with innerError and ComponentName), shared by the registry routes. */
export function userError(status: number, message: string, target?: string): SandboxResponse {
  return {
    status,
    json: {
      error: {
        code: "UserError",
        message,
        ...(target ? { target } : {}),
        details: [],
        innerError: { code: status === 409 ? "Conflict" : "BadArgument", innerError: { code: status === 409 ? "AssetImmutable" : "ArgumentInvalid" } },
        additionalInfo: [{ type: "ComponentName", info: { value: "managementfrontend" } }],
      },
    },
  };
}

function amlNotFound(message: string): SandboxResponse {
  return { status: 404, json: { error: { code: "UserError", message, details: [], innerError: { code: "NotFoundError" } } } };
}

function compareVersionNames(a: string, b: string): number {
  const na = Number(a);
  const nb = Number(b);
  if (Number.isFinite(na) && Number.isFinite(nb)) return na - nb;
  return a.localeCompare(b);
}
