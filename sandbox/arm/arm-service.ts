import type { SandboxRequest, SandboxResponse } from "../core/http";
import { Router, isRecord } from "../core/http";
import { parseArmJsonBody } from "./arm-json";
import { type ArmResource, type ArmState, type DeploymentRecord, armError, isoDuration, resourceView } from "./arm-state";
import { checkTemplateResource } from "./preflight";
import { listByType, listGenericResources } from "./resource-list";
import { type EngineOptions, TemplateValidationError, prepareDeployment, runDeployment } from "./deployment-engine";
import { exportDeploymentTemplate, exportResourceGroupTemplate } from "./export-template";
import { OperationResults } from "./operation-results";
import { deleteResourceGroup, refuseWhileDeleting } from "./resource-group-delete";
import { startWhatIf } from "./what-if";

const SUB = "/subscriptions/{sub}";
const RG = `${SUB}/resourcegroups/{rg}`;
const DEP = `${RG}/providers/Microsoft.Resources/deployments`;

/** ARM: resource groups, resource-group deployments (LRO), deployment operations, generic resources. */
const stateRef: { current?: ArmState } = {};

export function registerArmRoutes(router: Router, engine: EngineOptions): void {
  const state = engine.state;
  stateRef.current = state;
  const operations = new OperationResults();

  router.add("GET", `${SUB}/resourcegroups`, (req) => {
    const groups = [...state.resourceGroups.values()].filter((g) => g.subscriptionId.toLowerCase() === (req.params.sub ?? "").toLowerCase());
    return { status: 200, json: { value: groups.map(rgView) } };
  });
  router.add("PUT", RG, (req) => {
    const deleting = refuseWhileDeleting(state, req);
    if (deleting) return deleting;
    const body = parseArmJsonBody(req);
    if (!body.ok) return armError(400, "InvalidRequestContent", `The request content was invalid and could not be deserialized: '${body.error}'.`);
    const v = isRecord(body.value) ? body.value : {};
    if (typeof v.location !== "string" || !v.location) return armError(400, "LocationRequired", "The location property is required for this definition.");
    const name = req.params.rg ?? "";
    if (!/^[-\w._()]{1,90}$/.test(name) || name.endsWith(".")) return armError(400, "InvalidResourceGroup", `The provided resource group name '${name}' has these invalid characters: '${name.replace(/[-\w._()]/g, "")}'. The name can only be a letter, digit, '-', '.', '(', ')' or '_'.`);
    const existing = state.getResourceGroup(req.params.sub ?? "", name);
    if (existing && existing.location.toLowerCase() !== v.location.toLowerCase()) {
      return armError(409, "InvalidResourceGroupLocation", `Invalid resource group location '${v.location}'. The Resource group already exists in location '${existing.location}'.`);
    }
    const group = {
      id: `/subscriptions/${req.params.sub}/resourceGroups/${existing?.name ?? name}`,
      name: existing?.name ?? name,
      location: v.location,
      tags: isRecord(v.tags) ? (v.tags as Record<string, string>) : {},
      managedBy: typeof v.managedBy === "string" ? v.managedBy : undefined,
      subscriptionId: req.params.sub ?? "",
    };
    state.resourceGroups.set(state.rgKey(group.subscriptionId, name), group);
    return { status: existing ? 200 : 201, json: rgView(group) };
  });
  router.add("GET", RG, (req) => {
    const group = state.getResourceGroup(req.params.sub ?? "", req.params.rg ?? "");
    if (!group) return rgNotFound(req);
    return req.method === "HEAD" ? { status: 204 } : { status: 200, json: rgView(group) };
  });
  router.add("DELETE", RG, (req) => deleteResourceGroup(state, operations, engine.stepMs, req));
  router.add("GET", `${SUB}/operationresults/{id}`, (req) => operations.poll(req.params.id ?? ""));
  router.add("POST", `${RG}/exportTemplate`, (req) => exportResourceGroupTemplate(state, operations, engine.stepMs, req));
  router.add("GET", `${RG}/resources`, (req) => {
    const group = state.getResourceGroup(req.params.sub ?? "", req.params.rg ?? "");
    if (!group) return rgNotFound(req);
    return listGenericResources(state, req, { subscriptionId: group.subscriptionId, resourceGroup: group.name });
  });
  router.add("GET", `${SUB}/resources`, (req) => listGenericResources(state, req, { subscriptionId: req.params.sub ?? "" }));
  // Subscription scope under a provider: a list by type (…/providers/{ns}/{type}).
  router.add("GET", `${SUB}/providers/{rest*}`, (req) => {
    const rest = (req.params.rest ?? "").replace(/\/+$/, "");
    const segments = rest.split("/").filter(Boolean);
    if (segments.length >= 2 && segments.length % 2 === 0) return listByType(state, req, { subscriptionId: req.params.sub ?? "" }, rest, resourceView);
    return armError(400, "InvalidResourceType", `The resource type could not be found in the namespace '${segments[0] ?? ""}' for api version '${apiVersion(req)}'.`);
  });

  // Deployments
  router.add("GET", DEP, (req) => {
    const group = state.getResourceGroup(req.params.sub ?? "", req.params.rg ?? "");
    if (!group) return rgNotFound(req);
    const value = [...state.deployments.values()].filter((d) => d.resourceGroupName.toLowerCase() === group.name.toLowerCase()).map((d) => deploymentView(d));
    return { status: 200, json: { value } };
  });
  router.add("PUT", `${DEP}/{name}`, (req) => refuseWhileDeleting(state, req) ?? createDeployment(engine, req));
  router.add("POST", `${DEP}/{name}/whatIf`, (req) => refuseWhileDeleting(state, req) ?? startWhatIf(engine, operations, req));
  router.add("POST", `${DEP}/{name}/exportTemplate`, (req) => exportDeploymentTemplate(state, req));
  router.add("GET", `${DEP}/{name}`, (req) => {
    const d = findDeployment(state, req);
    if (!d) return deploymentNotFound(req);
    return req.method === "HEAD" ? { status: 204 } : { status: 200, json: deploymentView(d) };
  });
  router.add("DELETE", `${DEP}/{name}`, (req) => {
    const d = findDeployment(state, req);
    if (!d) return { status: 204 };
    if (d.provisioningState === "Running" || d.provisioningState === "Accepted") return deploymentActive(d);
    state.deployments.delete(d.id.toLowerCase());
    return { status: 204 };
  });
  router.add("GET", `${DEP}/{name}/operationStatuses/{statusId}`, (req) => {
    const d = findDeployment(state, req);
    if (!d || d.statusId !== req.params.statusId) return deploymentNotFound(req);
    const status = d.provisioningState;
    return {
      status: 200,
      json: {
        id: `${d.id}/operationStatuses/${d.statusId}`,
        name: d.statusId,
        status,
        startTime: new Date(d.startedAt).toISOString(),
        ...(d.endedAt ? { endTime: new Date(d.endedAt).toISOString() } : {}),
        ...(d.error ? { error: d.error } : {}),
      },
    };
  });
  router.add("POST", `${DEP}/{name}/cancel`, (req) => {
    const d = findDeployment(state, req);
    if (!d) return deploymentNotFound(req);
    if (d.provisioningState !== "Running" && d.provisioningState !== "Accepted") {
      return armError(409, "DeploymentCannotBeCancelled", `The deployment '${d.name}' cannot be cancelled because it is in '${d.provisioningState}' state.`);
    }
    d.cancelRequested = true;
    return { status: 204 };
  });
  router.add("POST", `${DEP}/{name}/validate`, (req) => {
    const body = parseArmJsonBody(req);
    if (!body.ok || !isRecord(body.value)) return armError(400, "InvalidRequestContent", "The request content was invalid and could not be deserialized.");
    try {
      const prepared = prepareDeployment(engine, { subscriptionId: req.params.sub ?? "", resourceGroupName: req.params.rg ?? "", name: req.params.name ?? "", body: body.value });
      const view = deploymentView({ ...prepared.record, provisioningState: "Succeeded", endedAt: prepared.record.startedAt });
      return { status: 200, json: { ...view, properties: { ...(view.properties as Record<string, unknown>), validatedResources: prepared.record.validatedResources.map((id) => ({ id })) } } };
    } catch (error) {
      if (error instanceof TemplateValidationError) {
        if (error.code === "ResourceGroupNotFound") return rgNotFound(req);
        return { status: 400, json: { error: { code: error.code, message: error.message } } };
      }
      throw error;
    }
  });
  router.add("GET", `${RG}/deployments/{name}/operations`, (req) => {
    const d = findDeployment(state, req);
    if (!d) return deploymentNotFound(req);
    const top = Number(req.url.searchParams.get("$top") ?? "0");
    const ops = d.operations.map((o) => operationView(d, o));
    return { status: 200, json: { value: top > 0 ? ops.slice(0, top) : ops } };
  });
  router.add("GET", `${RG}/deployments/{name}/operations/{operationId}`, (req) => {
    const d = findDeployment(state, req);
    const op = d?.operations.find((o) => o.operationId === req.params.operationId);
    if (!d || !op) return armError(404, "DeploymentOperationNotFound", `Deployment operation '${req.params.operationId}' could not be found.`);
    return { status: 200, json: operationView(d, op) };
  });

  // Generic resources created by deployments (or PUT directly, synchronously).
  router.add(["GET", "PUT", "DELETE"], `${RG}/providers/{rest*}`, async (req) => {
    const result = genericResource(engine, req);
    if (result.created) await engine.onResourceCreated(result.created);
    return result.response;
  });
}

function createDeployment(engine: EngineOptions, req: SandboxRequest): SandboxResponse {
  const state = engine.state;
  const name = req.params.name ?? "";
  if (!/^[-\w._()]{1,64}$/.test(name)) {
    return armError(400, "InvalidDeploymentName", `The deployment name '${name}' is invalid. It can contain only alphanumeric characters, '-', '_', '.', '(' and ')', and must be at most 64 characters long.`);
  }
  const body = parseArmJsonBody(req);
  if (!body.ok) return armError(400, "InvalidRequestContent", `The request content was invalid and could not be deserialized: '${body.error}'.`);
  if (!isRecord(body.value)) return armError(400, "InvalidRequestContent", "The request content was invalid and could not be deserialized: 'Required property 'properties' not found in JSON.'");
  const existing = findDeployment(state, req);
  if (existing && (existing.provisioningState === "Running" || existing.provisioningState === "Accepted")) return deploymentActive(existing);
  let prepared;
  try {
    prepared = prepareDeployment(engine, { subscriptionId: req.params.sub ?? "", resourceGroupName: req.params.rg ?? "", name, body: body.value });
  } catch (error) {
    if (error instanceof TemplateValidationError) {
      if (error.code === "ResourceGroupNotFound") return rgNotFound(req);
      return { status: 400, json: { error: { code: error.code, message: error.message } } };
    }
    throw error;
  }
  const record = prepared.record;
  state.deployments.set(record.id.toLowerCase(), record);
  record.done = runDeployment(engine, prepared).catch((error: unknown) => {
    record.provisioningState = "Failed";
    record.error = { code: "InternalServerError", message: String(error) };
    record.endedAt = Date.now();
  });
  const statusUrl = `${req.baseUrl}/subscriptions/${req.params.sub}/resourcegroups/${record.resourceGroupName}/providers/Microsoft.Resources/deployments/${name}/operationStatuses/${record.statusId}?api-version=${apiVersion(req)}`;
  return { status: existing ? 200 : 201, headers: { "azure-asyncoperation": statusUrl }, json: deploymentView(record) };
}

function genericResource(engine: EngineOptions, req: SandboxRequest): { response: SandboxResponse; created?: ArmResource } {
  const respond = (response: SandboxResponse): { response: SandboxResponse } => ({ response });
  const state = engine.state;
  const group = state.getResourceGroup(req.params.sub ?? "", req.params.rg ?? "");
  if (!group) return respond(rgNotFound(req));
  const rest = (req.params.rest ?? "").replace(/\/{2,}/g, "/").replace(/\/+$/, "");
  const segments = rest.split("/");
  if (segments.length < 2 || (segments.length % 2 === 0 && req.method !== "GET")) return respond(armError(400, "InvalidResourceType", `The resource type could not be found in the namespace '${segments[0] ?? ""}' for api version '${apiVersion(req)}'.`));
  const id = `/subscriptions/${req.params.sub}/resourceGroups/${group.name}/providers/${rest}`;
  const type = [segments[0], ...segments.slice(1).filter((_, i) => i % 2 === 0)].join("/");
  const name = segments[segments.length - 1] ?? "";
  if (req.method === "GET" && segments.length % 2 === 0) return respond(listByType(state, req, { subscriptionId: group.subscriptionId, resourceGroup: group.name }, rest, resourceView));
  if (req.method === "GET") {
    const resource = state.getResource(id);
    if (resource) return respond({ status: 200, json: resourceView(resource) });
    return respond(armError(404, "ResourceNotFound", `The Resource '${type}/${name}' under resource group '${group.name}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`));
  }
  if (req.method === "DELETE") {
    const existed = state.resources.delete(id.toLowerCase());
    for (const key of [...state.resources.keys()]) if (key.startsWith(`${id.toLowerCase()}/`)) state.resources.delete(key);
    return respond({ status: existed ? 200 : 204 });
  }
  const body = parseArmJsonBody(req);
  if (!body.ok || !isRecord(body.value)) return respond(armError(400, "InvalidRequestContent", "The request content was invalid and could not be deserialized."));
  const v = body.value;
  // The same namespace/type/api-version/location checks as a deployment's preflight.
  const refused = checkTemplateResource({ type, name, apiVersion: apiVersion(req), location: typeof v.location === "string" ? v.location : undefined });
  if (refused) return respond({ status: 400, json: { error: refused } });
  const existing = state.getResource(id);
  const resource: ArmResource = {
    id,
    name,
    type,
    location: typeof v.location === "string" ? v.location : group.location,
    tags: isRecord(v.tags) ? (v.tags as Record<string, string>) : undefined,
    sku: v.sku,
    kind: v.kind,
    identity: v.identity,
    properties: isRecord(v.properties) ? v.properties : {},
    apiVersion: apiVersion(req),
    createdAt: existing?.createdAt ?? new Date().toISOString(),
  };
  engine.enrichResource(resource);
  state.putResource(resource);
  return { response: { status: existing ? 200 : 201, json: resourceView(resource) }, created: resource };
}

export function deploymentView(d: DeploymentRecord): Record<string, unknown> {
  const end = d.endedAt ?? Date.now();
  return {
    id: d.id,
    name: d.name,
    type: "Microsoft.Resources/deployments",
    ...(d.location ? { location: d.location } : {}),
    ...(d.tags ? { tags: d.tags } : {}),
    properties: {
      templateHash: d.templateHash,
      parameters: d.parametersEcho,
      mode: d.mode,
      provisioningState: d.provisioningState,
      timestamp: new Date(d.endedAt ?? d.startedAt).toISOString(),
      duration: isoDuration(end - d.startedAt),
      correlationId: d.correlationId,
      providers: d.providers,
      dependencies: d.dependencies,
      ...(d.outputs ? { outputs: d.outputs } : {}),
      ...(d.provisioningState === "Succeeded" ? { outputResources: d.outputResources.map((id) => ({ id })) } : {}),
      ...(d.error ? { error: d.error } : {}),
    },
  };
}

function operationView(d: DeploymentRecord, o: DeploymentRecord["operations"][number]): Record<string, unknown> {
  return {
    id: `${d.id}/operations/${o.operationId}`,
    operationId: o.operationId,
    properties: {
      provisioningOperation: o.provisioningOperation,
      provisioningState: o.state,
      timestamp: o.timestamp,
      duration: isoDuration((o.endedAt ?? Date.now()) - o.startedAt),
      serviceRequestId: d.correlationId,
      ...(o.statusCode ? { statusCode: o.statusCode } : {}),
      ...(o.error ? { statusMessage: { status: "Failed", error: o.error } } : {}),
      ...(o.target ? { targetResource: o.target } : {}),
    },
  };
}

function rgView(g: { id: string; name: string; location: string; tags: Record<string, string>; managedBy?: string; provisioningState?: string }): Record<string, unknown> {
  return { id: g.id, name: g.name, type: "Microsoft.Resources/resourceGroups", location: g.location, tags: g.tags, ...(g.managedBy ? { managedBy: g.managedBy } : {}), properties: { provisioningState: g.provisioningState ?? "Succeeded" } };
}

function findDeployment(state: ArmState, req: SandboxRequest): DeploymentRecord | undefined {
  return state.deployments.get(`/subscriptions/${req.params.sub}/resourcegroups/${req.params.rg}/providers/microsoft.resources/deployments/${req.params.name}`.toLowerCase());
}

function rgNotFound(req: SandboxRequest): SandboxResponse {
  return armError(404, "ResourceGroupNotFound", `Resource group '${req.params.rg}' could not be found.`);
}

function deploymentNotFound(req: SandboxRequest): SandboxResponse {
  if (!req.params.rg || !stateRef.current?.getResourceGroup(req.params.sub ?? "", req.params.rg)) return rgNotFound(req);
  return armError(404, "DeploymentNotFound", `Deployment '${req.params.name}' could not be found.`);
}

function deploymentActive(d: DeploymentRecord): SandboxResponse {
  return armError(409, "DeploymentActive", `Unable to edit or replace deployment '${d.name}': previous deployment from '${new Date(d.startedAt).toISOString()}' is still active (expiration time is '${new Date(d.startedAt + 7 * 86400000).toISOString()}'). Please see https://aka.ms/arm-deploy for usage details.`);
}

export function apiVersion(req: SandboxRequest): string {
  return req.url.searchParams.get("api-version") ?? "";
}
