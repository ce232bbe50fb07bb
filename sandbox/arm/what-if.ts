import { type SandboxRequest, type SandboxResponse, isRecord } from "../core/http";
import { parseArmJsonBody } from "./arm-json";
import { type ArmResource, type ArmState, armError, resourceView } from "./arm-state";
import { type EngineOptions, type PlannedResource, type Prepared, TemplateValidationError, materialize, nestedDeploymentBody, prepareDeployment } from "./deployment-engine";
import type { OperationResults } from "./operation-results";
import { normalizeLocation } from "./providers";
import { type ExpressionContext, evaluateValue } from "./template-expressions";

/**
 * Deployment what-if (`POST …/deployments/{name}/whatIf`): the template is prepared as a
 * deployment PUT prepares it (same validation and preflight, nothing is created), each planned
 * resource (nested deployments expanded) is predicted and compared with what exists in the group.
 * Answers 202 + Location; the Location answers 202 once, then 200 `{status, properties: {changes}}`.
 */
export type ChangeType = "Create" | "Delete" | "Ignore" | "Deploy" | "NoChange" | "Modify" | "Unsupported";
export type PropertyChange = { path: string; propertyChangeType: "Create" | "Delete" | "Modify" | "Array" | "NoEffect"; before?: unknown; after?: unknown; children?: PropertyChange[] };
export type WhatIfChange = { resourceId: string; changeType: ChangeType; unsupportedReason?: string; before?: unknown; after?: unknown; delta?: PropertyChange[] };

type Prediction = { id: string; planned: PlannedResource; resource: ArmResource } | { id: string; unsupportedReason: string };

const MAX_NESTING = 10;

export function startWhatIf(engine: EngineOptions, operations: OperationResults, req: SandboxRequest): SandboxResponse {
  const name = req.params.name ?? "";
  if (!/^[-\w._()]{1,64}$/.test(name)) {
    return armError(400, "InvalidDeploymentName", `The deployment name '${name}' is invalid. It can contain only alphanumeric characters, '-', '_', '.', '(' and ')', and must be at most 64 characters long.`);
  }
  const body = parseArmJsonBody(req);
  if (!body.ok) return armError(400, "InvalidRequestContent", `The request content was invalid and could not be deserialized: '${body.error}'.`);
  if (!isRecord(body.value)) return armError(400, "InvalidRequestContent", "The request content was invalid and could not be deserialized: 'Required property 'properties' not found in JSON.'");
  let changes: WhatIfChange[];
  try {
    changes = computeWhatIf(engine, { subscriptionId: req.params.sub ?? "", resourceGroupName: req.params.rg ?? "", name, body: body.value });
  } catch (error) {
    if (error instanceof TemplateValidationError) {
      if (error.code === "ResourceGroupNotFound") return armError(404, "ResourceGroupNotFound", `Resource group '${req.params.rg}' could not be found.`);
      return armError(400, error.code, error.message);
    }
    throw error;
  }
  // The changes are computed against the state at request time; the result is ready one pace step
  // later and after at least one poll saw 202, so every client goes through the polling protocol.
  const readyAt = Date.now() + engine.stepMs();
  let polled = false;
  return operations.start(
    req,
    () => {
      if (!polled || Date.now() < readyAt) {
        polled = true;
        return { done: false, retryAfterMs: Math.max(0, readyAt - Date.now()) };
      }
      return { done: true, response: { status: 200, json: { status: "Succeeded", properties: { changes } } } };
    },
    engine.stepMs(),
  );
}

export function computeWhatIf(engine: EngineOptions, request: { subscriptionId: string; resourceGroupName: string; name: string; body: Record<string, unknown> }): WhatIfChange[] {
  const prepared = prepareDeployment(engine, request);
  const props = isRecord(request.body.properties) ? request.body.properties : {};
  const settings = isRecord(props.whatIfSettings) ? props.whatIfSettings : {};
  const idsOnly = String(settings.resultFormat ?? "").toLowerCase() === "resourceidonly";
  const predictions = new Map<string, Prediction>();
  collectPredictions(engine, prepared, predictions, 0);

  const state = engine.state;
  const changes: WhatIfChange[] = [];
  for (const prediction of predictions.values()) {
    if (!("resource" in prediction)) {
      changes.push({ resourceId: prediction.id, changeType: "Unsupported", unsupportedReason: prediction.unsupportedReason });
      continue;
    }
    const existing = state.getResource(prediction.id);
    const apiVersion = prediction.planned.apiVersion;
    const template = payload(prediction.resource, apiVersion);
    if (!existing) {
      changes.push(idsOnly ? { resourceId: prediction.id, changeType: "Create" } : { resourceId: prediction.id, changeType: "Create", after: template });
      continue;
    }
    if (idsOnly) {
      changes.push({ resourceId: existing.id, changeType: "Deploy" });
      continue;
    }
    const before = payload(existing, apiVersion);
    // Read-only values the provider adds (ids, provisioningState, endpoints, GUIDs) stay as they are.
    const enriched = payload(enrichedCopy(engine, prediction.resource), apiVersion);
    const after = overlay(template, enriched, before) as Record<string, unknown>;
    // ARM compares regions by name: `East US` and `eastus` are the same.
    if (typeof after.location === "string" && typeof before.location === "string" && normalizeLocation(after.location) === normalizeLocation(before.location)) after.location = before.location;
    const delta = diffObjects(before, after, "", new Set(["id", "name", "type", "apiVersion"]));
    changes.push({ resourceId: existing.id, changeType: delta.length > 0 ? "Modify" : "NoChange", before, after, delta });
  }

  // Resources of the group the template does not mention: Complete mode deletes them, Incremental leaves them.
  const complete = prepared.record.mode === "Complete";
  for (const r of state.resourcesIn(request.subscriptionId, prepared.record.resourceGroupName)) {
    if (!isTopLevel(r) || predictions.has(r.id.toLowerCase())) continue;
    if (!complete) changes.push({ resourceId: r.id, changeType: "Ignore" });
    else changes.push(idsOnly ? { resourceId: r.id, changeType: "Delete" } : { resourceId: r.id, changeType: "Delete", before: payload(r, r.apiVersion) });
  }
  return changes.sort((a, b) => a.resourceId.toLowerCase().localeCompare(b.resourceId.toLowerCase()));
}

/** Planned resources, nested deployments replaced by what they deploy (as far as they can be prepared now). */
function collectPredictions(engine: EngineOptions, prepared: Prepared, out: Map<string, Prediction>, depth: number): void {
  for (const p of prepared.plan) {
    if (p.type.toLowerCase() !== "microsoft.resources/deployments") {
      // As the template defines it; an expression that needs the deployment running (reference() of a resource not there yet) stays as written, as ARM's what-if shows it.
      out.set(p.id.toLowerCase(), { id: p.id, planned: p, resource: materialize(prepared.ctx, p, { createdAt: "", evaluate: lenient }) });
      continue;
    }
    let nested: Prepared;
    try {
      if (depth >= MAX_NESTING) throw new Error(`nested deployments are deeper than ${MAX_NESTING} levels`);
      nested = prepareDeployment(engine, {
        subscriptionId: prepared.ctx.subscriptionId,
        resourceGroupName: prepared.ctx.resourceGroup.name,
        name: p.name,
        body: nestedDeploymentBody(prepared.ctx, p),
      });
    } catch (error) {
      // Preflight refusals (unknown type, api-version, location) fail the what-if, as they fail the deployment.
      if (error instanceof TemplateValidationError && error.code !== "InvalidTemplate") throw error;
      const reason = error instanceof Error ? error.message : String(error);
      out.set(p.id.toLowerCase(), {
        id: p.id,
        unsupportedReason: `Changes to the resources of nested deployment '${p.name}' cannot be analyzed because its template cannot be evaluated until the deployment is under way: ${reason}`,
      });
      continue;
    }
    collectPredictions(engine, nested, out, depth + 1);
  }
}

function lenient(value: unknown, ctx: ExpressionContext): unknown {
  if (typeof value === "string") {
    try {
      return evaluateValue(value, ctx);
    } catch {
      return value;
    }
  }
  if (Array.isArray(value)) return value.map((v) => lenient(v, ctx));
  if (isRecord(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, lenient(v, ctx)]));
  return value;
}

/** The provider's read-only additions on a copy, leaving the sandbox's state (IP counters) as it was. */
function enrichedCopy(engine: EngineOptions, resource: ArmResource): ArmResource {
  const copy = structuredClone(resource);
  const counters = new Map(engine.state.ipCounters);
  try {
    engine.enrichResource(copy);
  } finally {
    restoreCounters(engine.state, counters);
  }
  return copy;
}

function restoreCounters(state: ArmState, saved: Map<string, number>): void {
  state.ipCounters.clear();
  for (const [k, v] of saved) state.ipCounters.set(k, v);
}

/** A resource as what-if shows it in `before` / `after` (the GET shape plus `apiVersion`). */
function payload(r: ArmResource, apiVersion: string | undefined): Record<string, unknown> {
  return { ...(apiVersion ? { apiVersion } : {}), ...resourceView(r) };
}

/**
 * The template's values, plus what the provider adds that the template does not set, taken from
 * the existing resource where it has them (array items matched by `name`, else by position).
 */
function overlay(template: unknown, enriched: unknown, before: unknown): unknown {
  if (Array.isArray(template)) {
    return template.map((item, i) => overlay(item, Array.isArray(enriched) ? enriched[i] : undefined, matchingItem(before, item, i)));
  }
  if (!isRecord(template)) return template;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(template)) out[k] = overlay(v, isRecord(enriched) ? enriched[k] : undefined, isRecord(before) ? before[k] : undefined);
  if (isRecord(enriched)) {
    for (const [k, v] of Object.entries(enriched)) if (!(k in template)) out[k] = isRecord(before) && k in before ? before[k] : v;
  }
  return out;
}

function matchingItem(before: unknown, item: unknown, index: number): unknown {
  if (!Array.isArray(before)) return undefined;
  if (isRecord(item) && typeof item.name === "string") {
    const name = item.name.toLowerCase();
    return before.find((b) => isRecord(b) && typeof b.name === "string" && b.name.toLowerCase() === name);
  }
  return before[index];
}

/** ARM's delta: object members flatten into dotted paths; arrays are `Array` changes whose children are by index. */
function diffObjects(before: Record<string, unknown>, after: Record<string, unknown>, prefix: string, skip: Set<string> = new Set()): PropertyChange[] {
  const out: PropertyChange[] = [];
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  for (const key of keys) {
    if (skip.has(key)) continue;
    out.push(...diffValue(before[key], after[key], prefix ? `${prefix}.${key}` : key));
  }
  return out;
}

function diffValue(before: unknown, after: unknown, path: string): PropertyChange[] {
  if (sameJson(before, after)) return [];
  if (before === undefined) return [{ path, propertyChangeType: "Create", after }];
  if (after === undefined) return [{ path, propertyChangeType: "Delete", before }];
  if (isRecord(before) && isRecord(after)) return diffObjects(before, after, path);
  if (Array.isArray(before) && Array.isArray(after)) return [{ path, propertyChangeType: "Array", children: diffArrays(before, after) }];
  return [{ path, propertyChangeType: "Modify", before, after }];
}

function diffArrays(before: unknown[], after: unknown[]): PropertyChange[] {
  const out: PropertyChange[] = [];
  for (let i = 0; i < Math.max(before.length, after.length); i++) {
    const b = before[i];
    const a = after[i];
    const path = String(i);
    if (sameJson(b, a)) continue;
    if (i >= before.length) out.push({ path, propertyChangeType: "Create", after: a });
    else if (i >= after.length) out.push({ path, propertyChangeType: "Delete", before: b });
    else if (isRecord(b) && isRecord(a)) out.push({ path, propertyChangeType: "Modify", children: diffObjects(b, a, "") });
    else if (Array.isArray(b) && Array.isArray(a)) out.push({ path, propertyChangeType: "Array", children: diffArrays(b, a) });
    // A changed scalar item shows as the old one removed and the new one added at that index.
    else out.push({ path, propertyChangeType: "Delete", before: b }, { path, propertyChangeType: "Create", after: a });
  }
  return out;
}

function sameJson(a: unknown, b: unknown): boolean {
  return stableJson(a) === stableJson(b);
}

function stableJson(value: unknown): string {
  if (value === undefined) return "undefined";
  if (Array.isArray(value)) return `[${value.map(stableJson).join(",")}]`;
  if (isRecord(value)) {
    return `{${Object.keys(value)
      .filter((k) => value[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson(value[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(value);
}

/** `/subscriptions/s/resourceGroups/g/providers/{ns}/{type}/{name}` and nothing below it. */
function isTopLevel(r: ArmResource): boolean {
  return /\/resourcegroups\/[^/]+\/providers\/[^/]+\/[^/]+\/[^/]+$/i.test(r.id);
}
