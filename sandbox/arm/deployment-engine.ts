import { createHash, randomUUID } from "node:crypto";
import type { FaultStore } from "../core/faults";
import { delay, isRecord } from "../core/http";
import { type ArmError, type ArmResource, type ArmState, type DeploymentRecord, type OperationRecord, isoDuration } from "./arm-state";
import { checkTemplateResource } from "./preflight";
import { type ExpressionContext, TemplateExpressionError, evaluateValue, resourceId } from "./template-expressions";

export type EngineOptions = {
  state: ArmState;
  faults: FaultStore;
  /** Milliseconds each resource spends in Accepted and in Running. */
  stepMs: () => number;
  /** Called for each created resource (e.g. to provision a workspace's default datastore). */
  onResourceCreated: (resource: ArmResource) => Promise<void>;
  /** Fills in read-only, type-specific properties (ids, endpoints, provisioningState). */
  enrichResource: (resource: ArmResource) => void;
};

export type DeploymentRequest = {
  subscriptionId: string;
  resourceGroupName: string;
  name: string;
  body: Record<string, unknown>;
};

export type PlannedResource = {
  id: string;
  type: string;
  name: string;
  symbolicName?: string;
  apiVersion?: string;
  raw: Record<string, unknown>;
  copyIndex?: number;
  dependsOn: string[];
};

export type Prepared = { template: Record<string, unknown>; ctx: ExpressionContext; plan: PlannedResource[]; record: DeploymentRecord };

export class TemplateValidationError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Validates a deployment request and builds its plan; throws TemplateValidationError (ARM 400). */
export function prepareDeployment(engine: EngineOptions, req: DeploymentRequest): Prepared {
  const props = isRecord(req.body.properties) ? req.body.properties : undefined;
  if (!props) throw new TemplateValidationError("InvalidRequestContent", "The request content was invalid and could not be deserialized: 'Required property 'properties' not found in JSON.'");
  const mode = typeof props.mode === "string" ? props.mode : "";
  if (!["Incremental", "Complete"].includes(mode)) throw new TemplateValidationError("InvalidRequestContent", `The request content was invalid and could not be deserialized: 'Error converting value "${mode}" to type 'DeploymentMode'. Path 'properties.mode'.'`);
  if (isRecord(props.templateLink) && !props.template) {
    const uri = typeof props.templateLink.uri === "string" ? props.templateLink.uri : String(props.templateLink.id ?? "");
    throw new TemplateValidationError("InvalidContentLink", `Unable to download deployment content from '${uri}'. The tracking Id is '${randomUUID()}'. Please see https://aka.ms/arm-deploy for usage details.`);
  }
  const template = props.template;
  if (!isRecord(template)) throw new TemplateValidationError("InvalidTemplate", "Deployment template validation failed: 'The template is missing or is not a JSON object.'");
  if (!("resources" in template)) throw new TemplateValidationError("InvalidTemplate", "Deployment template validation failed: 'Required property 'resources' not found in JSON. Path '', line 1, position 1.'");
  const rg = engine.state.getResourceGroup(req.subscriptionId, req.resourceGroupName);
  if (!rg) throw new TemplateValidationError("ResourceGroupNotFound", `Resource group '${req.resourceGroupName}' could not be found.`);

  const given = isRecord(props.parameters) ? props.parameters : {};
  const defs = isRecord(template.parameters) ? template.parameters : {};
  const parameters: Record<string, unknown> = {};
  const parametersEcho: Record<string, { type: string; value?: unknown }> = {};
  const deploymentId = `/subscriptions/${req.subscriptionId}/resourceGroups/${rg.name}/providers/Microsoft.Resources/deployments/${req.name}`;
  const record: DeploymentRecord = {
    id: deploymentId,
    name: req.name,
    subscriptionId: req.subscriptionId,
    resourceGroupName: rg.name,
    location: typeof req.body.location === "string" ? req.body.location : undefined,
    tags: isRecord(req.body.tags) ? (req.body.tags as Record<string, string>) : undefined,
    mode,
    provisioningState: "Accepted",
    correlationId: randomUUID(),
    startedAt: Date.now(),
    operations: [],
    statusId: randomUUID().replace(/-/g, "").toUpperCase().slice(0, 20),
    cancelRequested: false,
    templateHash: BigInt(`0x${createHash("sha256").update(JSON.stringify(template)).digest("hex").slice(0, 15)}`).toString(),
    parametersEcho,
    providers: [],
    dependencies: [],
    outputResources: [],
    validatedResources: [],
    template,
    done: Promise.resolve(),
  };
  const ctx: ExpressionContext = {
    subscriptionId: req.subscriptionId,
    resourceGroup: { id: `/subscriptions/${req.subscriptionId}/resourceGroups/${rg.name}`, name: rg.name, location: rg.location },
    deploymentName: req.name,
    parameters,
    variables: isRecord(template.variables) ? template.variables : {},
    reference: (idOrName, full) => referenceOf(engine, ctx, planRef.plan, idOrName, full),
  };
  const planRef: { plan: PlannedResource[] } = { plan: [] };

  for (const [name, defRaw] of Object.entries(defs)) {
    const def = isRecord(defRaw) ? defRaw : {};
    const type = String(def.type ?? "string");
    const supplied = Object.entries(given).find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1];
    let value: unknown;
    if (isRecord(supplied) && "value" in supplied) value = supplied.value;
    else if (isRecord(supplied) && isRecord(supplied.reference)) value = `keyvault-secret:${String(supplied.reference.secretName ?? "")}`;
    else if ("defaultValue" in def) {
      try {
        value = evaluateValue(def.defaultValue, ctx);
      } catch (error) {
        throw templateError(`The template parameter '${name}' default value is not valid: ${messageOf(error)}`);
      }
    } else throw templateError(`The value for the template parameter '${name}' at line '1' and column '1' is not provided. Please see https://aka.ms/arm-create-parameter-file for usage details.`);
    checkParameter(name, type, def, value);
    parameters[name] = value;
    parametersEcho[name] = /^secure/i.test(type) ? { type: type === "securestring" ? "SecureString" : type } : { type: capitalize(type), value };
  }
  for (const key of Object.keys(given)) {
    if (!Object.keys(defs).some((k) => k.toLowerCase() === key.toLowerCase())) {
      throw templateError(`The following parameters were supplied, but do not correspond to any parameters defined in the template: '${key}'. Please see https://aka.ms/arm-pass-parameter-values for usage details.`);
    }
  }

  try {
    planRef.plan = buildPlan(template, ctx);
  } catch (error) {
    if (error instanceof TemplateValidationError) throw error;
    throw templateError(messageOf(error));
  }
  for (const p of planRef.plan) {
    const refused = checkTemplateResource({ type: p.type, name: p.name, apiVersion: p.apiVersion, location: plannedLocation(ctx, p) });
    if (refused) throw new TemplateValidationError(refused.code, refused.message);
  }
  record.validatedResources = planRef.plan.map((p) => p.id);
  record.providers = providersOf(planRef.plan, rg.location);
  record.dependencies = planRef.plan
    .filter((p) => p.dependsOn.length > 0)
    .map((p) => ({
      id: p.id,
      resourceType: p.type,
      resourceName: p.name,
      dependsOn: p.dependsOn.map((d) => {
        const dep = planRef.plan.find((q) => q.id === d);
        return { id: d, resourceType: dep?.type ?? "", resourceName: dep?.name ?? "" };
      }),
    }));
  return { template, ctx, plan: planRef.plan, record };
}

/** Runs a prepared deployment to completion (resources move Accepted → Running → Succeeded/Failed). */
export async function runDeployment(engine: EngineOptions, prepared: Prepared): Promise<void> {
  const { record, plan, ctx, template } = prepared;
  record.provisioningState = "Running";
  const outcome = new Map<string, "ok" | "failed">();
  const pending = new Set(plan.map((p) => p.id));
  while (pending.size > 0 && !record.cancelRequested) {
    const ready = plan.filter((p) => pending.has(p.id) && p.dependsOn.every((d) => outcome.get(d) === "ok" || !plan.some((q) => q.id === d)));
    if (ready.length === 0) break;
    await Promise.all(
      ready.map(async (p) => {
        pending.delete(p.id);
        outcome.set(p.id, await runResource(engine, record, ctx, p));
      }),
    );
    if ([...outcome.values()].includes("failed")) break;
  }
  const failed = record.operations.filter((o) => o.state === "Failed");
  if (record.cancelRequested) {
    record.provisioningState = "Canceled";
  } else if (failed.length > 0 || pending.size > 0) {
    record.provisioningState = "Failed";
    record.error = {
      code: "DeploymentFailed",
      target: record.id,
      message: "At least one resource deployment operation failed. Please list deployment operations for details. Please see https://aka.ms/arm-deployment-operations for usage details.",
      details: failed.map((o) => o.error ?? { code: "Unknown", message: "unknown" }),
    };
  } else {
    try {
      if (record.mode === "Complete") deleteUnlisted(engine, record, plan);
      record.outputs = evaluateOutputs(template, ctx);
      record.operations.push({ operationId: opId(), provisioningOperation: "EvaluateDeploymentOutput", state: "Succeeded", timestamp: new Date().toISOString(), startedAt: Date.now(), endedAt: Date.now(), statusCode: "OK" });
      record.provisioningState = "Succeeded";
    } catch (error) {
      record.provisioningState = "Failed";
      record.error = { code: "DeploymentOutputEvaluationFailed", target: record.id, message: `Unable to evaluate template outputs: ${messageOf(error)}. Please see error details and deployment operations.` };
    }
  }
  record.endedAt = Date.now();
}

async function runResource(engine: EngineOptions, record: DeploymentRecord, ctx: ExpressionContext, p: PlannedResource): Promise<"ok" | "failed"> {
  const op: OperationRecord = {
    operationId: opId(),
    provisioningOperation: "Create",
    state: "Accepted",
    timestamp: new Date().toISOString(),
    startedAt: Date.now(),
    target: { id: p.id, resourceName: p.name, resourceType: p.type, apiVersion: p.apiVersion, symbolicName: p.symbolicName },
  };
  record.operations.push(op);
  await delay(engine.stepMs());
  if (record.cancelRequested) return finish(op, "Canceled");
  op.state = "Running";
  op.timestamp = new Date().toISOString();

  if (p.type.toLowerCase() === "microsoft.resources/deployments") {
    return runNested(engine, record, ctx, p, op);
  }
  let resource: ArmResource;
  try {
    resource = materialize(ctx, p, { createdAt: new Date().toISOString() });
  } catch (error) {
    await delay(engine.stepMs());
    return finish(op, "Failed", "BadRequest", { code: "InvalidTemplate", message: `Unable to process template language expressions for resource '${p.id}': ${messageOf(error)}` });
  }
  await delay(engine.stepMs());
  const fault = engine.faults.deploymentFailure(p.name, p.type);
  if (fault) {
    return finish(op, "Failed", fault.status === 409 ? "Conflict" : "BadRequest", {
      code: fault.errorCode ?? "ResourceDeploymentFailure",
      message: fault.message ?? `The resource write operation failed to complete successfully, because it reached terminal provisioning state 'Failed'.`,
      target: p.id,
    });
  }
  engine.enrichResource(resource);
  engine.state.putResource(resource);
  if (!record.outputResources.includes(p.id)) record.outputResources.push(p.id);
  await engine.onResourceCreated(resource);
  return finish(op, "Succeeded", "Created");
}

async function runNested(engine: EngineOptions, record: DeploymentRecord, ctx: ExpressionContext, p: PlannedResource, op: OperationRecord): Promise<"ok" | "failed"> {
  let nestedBody: Record<string, unknown>;
  try {
    nestedBody = nestedDeploymentBody(ctx, p);
  } catch (error) {
    return finish(op, "Failed", "BadRequest", { code: "InvalidTemplate", message: messageOf(error) });
  }
  let prepared: Prepared;
  try {
    prepared = prepareDeployment(engine, { subscriptionId: ctx.subscriptionId, resourceGroupName: ctx.resourceGroup.name, name: p.name, body: nestedBody });
  } catch (error) {
    const code = error instanceof TemplateValidationError ? error.code : "InvalidTemplate";
    return finish(op, "Failed", "BadRequest", { code, message: messageOf(error) });
  }
  engine.state.deployments.set(prepared.record.id.toLowerCase(), prepared.record);
  const run = runDeployment(engine, prepared);
  prepared.record.done = run;
  await run;
  const nested = prepared.record;
  if (nested.provisioningState === "Succeeded") {
    if (!record.outputResources.includes(p.id)) record.outputResources.push(p.id);
    for (const id of nested.outputResources) if (!record.outputResources.includes(id)) record.outputResources.push(id);
    return finish(op, "Succeeded", "OK");
  }
  if (nested.provisioningState === "Canceled") return finish(op, "Canceled");
  return finish(op, "Failed", "Conflict", nested.error ?? { code: "DeploymentFailed", message: "Nested deployment failed." });
}

/** The deployment body a nested `Microsoft.Resources/deployments` resource stands for (inner or outer expression scope). */
export function nestedDeploymentBody(ctx: ExpressionContext, p: PlannedResource): Record<string, unknown> {
  const props = isRecord(p.raw.properties) ? p.raw.properties : {};
  const scopeInner = isRecord(props.expressionEvaluationOptions) && String(props.expressionEvaluationOptions.scope).toLowerCase() === "inner";
  const parameters = evaluateValue(props.parameters ?? {}, ctx);
  const template = scopeInner ? props.template : outerScopeTemplate(props.template, ctx);
  return { properties: { mode: props.mode ?? "Incremental", template, parameters } };
}

function finish(op: OperationRecord, state: OperationRecord["state"], statusCode?: string, error?: ArmError): "ok" | "failed" {
  op.state = state;
  op.endedAt = Date.now();
  op.timestamp = new Date().toISOString();
  op.statusCode = statusCode;
  op.error = error;
  return state === "Succeeded" ? "ok" : "failed";
}

function buildPlan(template: Record<string, unknown>, ctx: ExpressionContext): PlannedResource[] {
  const entries: [string | undefined, Record<string, unknown>][] = [];
  if (Array.isArray(template.resources)) {
    for (const r of template.resources) if (isRecord(r)) entries.push([undefined, r]);
  } else if (isRecord(template.resources)) {
    for (const [symbolic, r] of Object.entries(template.resources)) if (isRecord(r)) entries.push([symbolic, r]);
  } else {
    throw templateError("The template 'resources' property must be an array or an object.");
  }
  const plan: PlannedResource[] = [];
  const addResource = (symbolic: string | undefined, raw: Record<string, unknown>, parent?: PlannedResource): void => {
    if (raw.existing === true) return;
    const copy = isRecord(raw.copy) ? raw.copy : undefined;
    const count = copy ? Number(evaluateValue(copy.count, ctx)) : 1;
    for (let i = 0; i < count; i++) {
      const local: ExpressionContext = copy ? { ...ctx, copyIndex: i } : ctx;
      if ("condition" in raw && !evaluateValue(raw.condition, local)) continue;
      let type = String(raw.type ?? "");
      let name = String(evaluateValue(raw.name, local) ?? "");
      if (!type || !name) throw templateError(`The template resource '${name || symbolic || "?"}' is missing the 'type' or 'name' property.`);
      if (parent && !type.includes("/")) {
        type = `${parent.type}/${type}`;
        name = `${parent.name}/${name}`;
      }
      const segments = type.split("/").length - 1;
      if (name.split("/").length !== segments) {
        throw templateError(`The template resource '${name}' for type '${type}' at line '1' and column '1' has incorrect segment lengths. A nested resource type must have identical number of segments as its resource name. A root resource type must have segment length one greater than its resource name. Please see https://aka.ms/arm-syntax-resources for usage details.`);
      }
      const id = resourceId(local, [type, ...name.split("/")]);
      const deps = Array.isArray(raw.dependsOn) ? raw.dependsOn.map((d) => String(evaluateValue(d, local))) : [];
      const planned: PlannedResource = {
        id,
        type,
        name,
        symbolicName: symbolic,
        apiVersion: typeof raw.apiVersion === "string" ? raw.apiVersion : undefined,
        raw,
        copyIndex: copy ? i : undefined,
        dependsOn: parent ? [parent.id, ...deps] : deps,
      };
      plan.push(planned);
      if (Array.isArray(raw.resources)) for (const child of raw.resources) if (isRecord(child)) addResource(undefined, child, planned);
    }
  };
  for (const [symbolic, raw] of entries) addResource(symbolic, raw);
  // Resolve dependsOn entries (ids, "type/name", names or symbolic names) to planned resource ids.
  for (const p of plan) {
    p.dependsOn = p.dependsOn.flatMap((dep) => {
      const d = dep.toLowerCase();
      const matches = plan.filter(
        (q) => q !== p && (q.id.toLowerCase() === d || q.id.toLowerCase().endsWith(`/${d}`) || q.symbolicName?.toLowerCase() === d || q.name.toLowerCase() === d || `${q.type}/${q.name}`.toLowerCase() === d),
      );
      if (matches.length === 0) throw templateError(`The resource '${dep}' is not defined in the template. Please see https://aka.ms/arm-syntax for usage details.`);
      return matches.map((m) => m.id);
    });
  }
  return plan;
}

/** The resource's location as the preflight sees it; one that needs a deployed resource (reference()) is left to the run. */
function plannedLocation(ctx: ExpressionContext, p: PlannedResource): string | undefined {
  if (!("location" in p.raw)) return undefined;
  try {
    const value = evaluateValue(p.raw.location, p.copyIndex !== undefined ? { ...ctx, copyIndex: p.copyIndex } : ctx);
    return typeof value === "string" ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The resource a planned entry defines, its expressions evaluated in the entry's copy loop.
 * What-if passes a lenient `evaluate` (an expression that needs the deployment running stays as written)
 * and no creation time.
 */
export function materialize(
  ctx: ExpressionContext,
  p: PlannedResource,
  { createdAt, evaluate = evaluateValue }: { createdAt: string; evaluate?: (value: unknown, ctx: ExpressionContext) => unknown },
): ArmResource {
  const local: ExpressionContext = p.copyIndex !== undefined ? { ...ctx, copyIndex: p.copyIndex } : ctx;
  const ev = (v: unknown): unknown => (v === undefined ? undefined : evaluate(v, local));
  const location = ev(p.raw.location);
  const tags = ev(p.raw.tags);
  const properties = ev(p.raw.properties);
  return {
    id: p.id,
    name: p.name.split("/").pop() ?? p.name,
    type: p.type,
    location: typeof location === "string" ? location : undefined,
    tags: isRecord(tags) ? (tags as Record<string, string>) : undefined,
    sku: ev(p.raw.sku),
    kind: ev(p.raw.kind),
    identity: ev(p.raw.identity),
    zones: ev(p.raw.zones),
    properties: isRecord(properties) ? properties : {},
    apiVersion: p.apiVersion,
    createdAt,
  };
}

function referenceOf(engine: EngineOptions, ctx: ExpressionContext, plan: PlannedResource[], idOrName: string, full: boolean): unknown {
  const key = idOrName.toLowerCase();
  const planned = plan.find((p) => p.id.toLowerCase() === key || p.symbolicName?.toLowerCase() === key || p.name.toLowerCase() === key);
  const id = planned?.id ?? (idOrName.startsWith("/") ? idOrName : undefined);
  if (id) {
    const deployment = engine.state.deployments.get(id.toLowerCase());
    if (deployment) {
      const props = { outputs: deployment.outputs ?? {}, provisioningState: deployment.provisioningState };
      return full ? { id: deployment.id, name: deployment.name, properties: props } : props;
    }
    const resource = engine.state.getResource(id);
    if (resource) return full ? resource : resource.properties;
  }
  throw new TemplateExpressionError(`The Resource '${idOrName}' under resource group '${ctx.resourceGroup.name}' was not found.`);
}

function outerScopeTemplate(template: unknown, ctx: ExpressionContext): unknown {
  // Outer scope: expressions in the nested template see the parent's parameters and variables.
  if (!isRecord(template)) return template;
  const resources = Array.isArray(template.resources) ? template.resources.map((r) => evaluateValue(r, ctx)) : template.resources;
  return { ...template, parameters: {}, variables: {}, resources, outputs: evaluateValue(template.outputs ?? {}, ctx) };
}

function evaluateOutputs(template: Record<string, unknown>, ctx: ExpressionContext): Record<string, { type: string; value: unknown }> {
  const outputs: Record<string, { type: string; value: unknown }> = {};
  if (!isRecord(template.outputs)) return outputs;
  for (const [name, def] of Object.entries(template.outputs)) {
    if (!isRecord(def)) continue;
    if ("condition" in def && !evaluateValue(def.condition, ctx)) continue;
    outputs[name] = { type: capitalize(String(def.type ?? "string")), value: isRecord(def.copy) ? evaluateOutputCopy(name, def.copy, ctx) : evaluateValue(def.value, ctx) };
  }
  return outputs;
}

/** An output copy loop (`"copy": {"count": n, "input": …}`) is an array of `input` for copyIndex() 0…n-1. */
function evaluateOutputCopy(name: string, copy: Record<string, unknown>, ctx: ExpressionContext): unknown[] {
  const count = Number(evaluateValue(copy.count, ctx));
  if (!Number.isInteger(count) || count < 0 || count > 800) {
    throw new TemplateExpressionError(`The template output '${name}' copy count '${String(copy.count)}' must be a non-negative integer of at most 800`);
  }
  return Array.from({ length: count }, (_, i) => evaluateValue(copy.input, { ...ctx, copyIndex: i }));
}

function deleteUnlisted(engine: EngineOptions, record: DeploymentRecord, plan: PlannedResource[]): void {
  const keep = new Set([...plan.map((p) => p.id.toLowerCase()), ...record.outputResources.map((id) => id.toLowerCase())]);
  for (const r of engine.state.resourcesIn(record.subscriptionId, record.resourceGroupName)) {
    const parentKept = [...keep].some((k) => r.id.toLowerCase().startsWith(`${k}/`));
    if (!keep.has(r.id.toLowerCase()) && !parentKept) engine.state.resources.delete(r.id.toLowerCase());
  }
}

function checkParameter(name: string, type: string, def: Record<string, unknown>, value: unknown): void {
  const t = type.toLowerCase();
  const bad = (why: string): never => {
    throw templateError(`The provided value for the template parameter '${name}' is not valid. ${why} Please see https://aka.ms/arm-syntax-parameters for usage details.`);
  };
  if ((t === "string" || t === "securestring") && typeof value !== "string") bad(`Expected a value of type 'String' but received a value of type '${typeof value}'.`);
  if (t === "int" && typeof value !== "number") bad(`Expected a value of type 'Integer' but received a value of type '${typeof value}'.`);
  if (t === "bool" && typeof value !== "boolean") bad(`Expected a value of type 'Boolean' but received a value of type '${typeof value}'.`);
  if (t === "array" && !Array.isArray(value)) bad("Expected a value of type 'Array'.");
  if ((t === "object" || t === "secureobject") && !isRecord(value)) bad("Expected a value of type 'Object'.");
  if (Array.isArray(def.allowedValues) && !def.allowedValues.some((a) => JSON.stringify(a) === JSON.stringify(value))) bad(`The value is not part of the allowed value(s): '${def.allowedValues.map(String).join(",")}'.`);
  const len = typeof value === "string" || Array.isArray(value) ? value.length : undefined;
  if (len !== undefined && typeof def.minLength === "number" && len < def.minLength) bad(`Length of the value should be greater than or equal to '${def.minLength}'.`);
  if (len !== undefined && typeof def.maxLength === "number" && len > def.maxLength) bad(`Length of the value should be less than or equal to '${def.maxLength}'.`);
  if (typeof value === "number" && typeof def.minValue === "number" && value < def.minValue) bad(`The value should be greater than or equal to '${def.minValue}'.`);
  if (typeof value === "number" && typeof def.maxValue === "number" && value > def.maxValue) bad(`The value should be less than or equal to '${def.maxValue}'.`);
}

function providersOf(plan: PlannedResource[], location: string): DeploymentRecord["providers"] {
  const byNs = new Map<string, Map<string, Set<string>>>();
  for (const p of plan) {
    const [ns = "", ...rest] = p.type.split("/");
    const types = byNs.get(ns) ?? new Map<string, Set<string>>();
    const locs = types.get(rest.join("/")) ?? new Set<string>();
    locs.add(location);
    types.set(rest.join("/"), locs);
    byNs.set(ns, types);
  }
  return [...byNs].map(([namespace, types]) => ({ namespace, resourceTypes: [...types].map(([resourceType, locs]) => ({ resourceType, locations: [...locs] })) }));
}

function templateError(message: string): TemplateValidationError {
  return new TemplateValidationError("InvalidTemplate", message.startsWith("Deployment template") ? message : `Deployment template validation failed: '${message}'.`);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function capitalize(s: string): string {
  const map: Record<string, string> = { string: "String", securestring: "SecureString", int: "Int", bool: "Bool", object: "Object", secureobject: "SecureObject", array: "Array" };
  return map[s.toLowerCase()] ?? s;
}

function opId(): string {
  return createHash("sha1").update(randomUUID()).digest("hex").slice(0, 16).toUpperCase();
}

export { isoDuration };
