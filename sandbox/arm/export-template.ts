import { type SandboxRequest, type SandboxResponse, isRecord } from "../core/http";
import { parseArmJsonBody } from "./arm-json";
import { type ArmError, type ArmResource, type ArmState, armError } from "./arm-state";
import type { OperationResults } from "./operation-results";
import { findResourceType } from "./providers";

const SCHEMA = "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#";
/** From this api-version on, resource group export is a long-running operation (202 + Location). */
const EXPORT_LRO_SINCE = "2019-08-01";

/** `POST …/deployments/{name}/exportTemplate` → 200 `{template}`: the template as it was deployed. */
export function exportDeploymentTemplate(state: ArmState, req: SandboxRequest): SandboxResponse {
  const group = state.getResourceGroup(req.params.sub ?? "", req.params.rg ?? "");
  if (!group) return armError(404, "ResourceGroupNotFound", `Resource group '${req.params.rg}' could not be found.`);
  const d = state.deployments.get(`/subscriptions/${req.params.sub}/resourcegroups/${req.params.rg}/providers/microsoft.resources/deployments/${req.params.name}`.toLowerCase());
  if (!d) return armError(404, "DeploymentNotFound", `Deployment '${req.params.name}' could not be found.`);
  return { status: 200, json: { template: d.template ?? {} } };
}

/**
 * `POST /subscriptions/{s}/resourcegroups/{rg}/exportTemplate` (`{resources: ["*"] | ids, options}`):
 * a template of the group's top-level resources as they are now. 202 + Location from 2019-08-01
 * (the Location answers 200 with the result one pace step later), 200 directly before that.
 */
export function exportResourceGroupTemplate(state: ArmState, operations: OperationResults, stepMs: () => number, req: SandboxRequest): SandboxResponse {
  const group = state.getResourceGroup(req.params.sub ?? "", req.params.rg ?? "");
  if (!group) return armError(404, "ResourceGroupNotFound", `Resource group '${req.params.rg}' could not be found.`);
  const body = parseArmJsonBody(req);
  if (!body.ok) return armError(400, "InvalidRequestContent", `The request content was invalid and could not be deserialized: '${body.error}'.`);
  const v = isRecord(body.value) ? body.value : {};
  if (typeof v.outputFormat === "string" && v.outputFormat.toLowerCase() === "bicep") {
    return armError(400, "InvalidRequestContent", "The sandbox cloud exports templates as JSON only: outputFormat 'Bicep' is not supported.");
  }
  const wanted = Array.isArray(v.resources) ? v.resources.map(String) : ["*"];
  const options = new Set(String(v.options ?? "").split(",").map((o) => o.trim().toLowerCase()).filter(Boolean));
  const result = buildExport(state.resourcesIn(group.subscriptionId, group.name).filter(isTopLevel), wanted, options);
  const version = req.url.searchParams.get("api-version") ?? "";
  if (version < EXPORT_LRO_SINCE) return { status: 200, json: result };
  const readyAt = Date.now() + stepMs();
  return operations.start(req, () => (Date.now() < readyAt ? { done: false, retryAfterMs: readyAt - Date.now() } : { done: true, response: { status: 200, json: result } }), stepMs());
}

function buildExport(resources: ArmResource[], wanted: string[], options: Set<string>): { template: Record<string, unknown>; error?: ArmError } {
  const all = wanted.includes("*");
  const byId = new Map(resources.map((r) => [r.id.toLowerCase(), r]));
  const missing = all ? [] : wanted.filter((id) => !byId.has(id.toLowerCase().replace(/\/+$/, "")));
  const selected = (all ? resources : wanted.map((id) => byId.get(id.toLowerCase().replace(/\/+$/, ""))).filter((r): r is ArmResource => r !== undefined)).sort((a, b) => a.id.localeCompare(b.id));
  const parameterize = !options.has("skipallparameterization") && !options.has("skipresourcenameparameterization");
  const withDefaults = options.has("includeparameterdefaultvalue");
  const parameters: Record<string, unknown> = {};
  const exported = selected.map((r) => {
    let name: string = r.name;
    if (parameterize) {
      // ARM's naming: `<last type segment>_<name with non-word characters as _>_name`.
      const parameter = `${r.type.split("/").pop() ?? "resource"}_${r.name.replace(/\W/g, "_")}_name`;
      parameters[parameter] = { ...(withDefaults ? { defaultValue: r.name } : {}), type: "String" };
      name = `[parameters('${parameter}')]`;
    }
    return {
      type: r.type,
      apiVersion: r.apiVersion ?? findResourceType(r.type)?.type?.apiVersions[0],
      name,
      ...(r.location ? { location: r.location } : {}),
      ...(r.tags ? { tags: r.tags } : {}),
      ...(r.sku !== undefined ? { sku: r.sku } : {}),
      ...(r.kind !== undefined ? { kind: r.kind } : {}),
      ...(isRecord(r.identity) ? { identity: withoutKeys(r.identity, ["principalId", "tenantId"]) } : {}),
      ...(r.zones !== undefined ? { zones: r.zones } : {}),
      properties: withoutProvisioningState(r.properties),
    };
  });
  const template = { $schema: SCHEMA, contentVersion: "1.0.0.0", parameters, variables: {}, resources: exported };
  if (missing.length === 0) return { template };
  return {
    template,
    error: {
      code: "ExportTemplateCompletedWithErrors",
      message: "Export template operation completed with errors. Some resources were not exported. Please see details for more information.",
      details: missing.map((id) => ({ code: "ResourceNotFound", message: `The resource '${id}' could not be found in the resource group.`, target: id })),
    },
  };
}

/** Read-only state is not part of a template. */
function withoutProvisioningState(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutProvisioningState);
  if (!isRecord(value)) return value;
  return Object.fromEntries(Object.entries(value).filter(([k]) => k !== "provisioningState").map(([k, v]) => [k, withoutProvisioningState(v)]));
}

function withoutKeys(value: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([k]) => !keys.includes(k)));
}

function isTopLevel(r: ArmResource): boolean {
  return /\/resourcegroups\/[^/]+\/providers\/[^/]+\/[^/]+\/[^/]+$/i.test(r.id);
}
