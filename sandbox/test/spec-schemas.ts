import { readFileSync } from "node:fs";
import path from "node:path";
import { Ajv, type ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";

/**
 * JSON Schemas derived from the vendored official specs in sandbox/specs (copied from shared/specs):
 * ARM models from @azure/arm-resourcesdeployments' TypeScript declarations, AML models from
 * @azure/arm-machinelearning 2.1.1 mappers, the Azure DevOps feed swagger and the Nexus 3.94 OpenAPI.
 */
const SPECS = path.join(__dirname, "..", "specs");
type FormatsPlugin = (ajv: Ajv) => Ajv;
const formatsExport = addFormatsModule as unknown as FormatsPlugin | { default: FormatsPlugin };
const addFormats: FormatsPlugin = typeof formatsExport === "function" ? formatsExport : formatsExport.default;

function readJson(file: string): unknown {
  return JSON.parse(readFileSync(path.join(SPECS, file), "utf8").replace(/^\uFEFF/, ""));
}

function newAjv(): Ajv {
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
  addFormats(ajv);
  return ajv;
}

export function formatErrors(validate: ValidateFunction): string {
  return (validate.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message ?? ""} ${JSON.stringify(e.params)}`).join("\n");
}

// ---- ARM (TypeScript declarations → JSON Schema) ----
type ArmContract = { models: Record<string, string> };
let armAjv: Ajv | undefined;

export function armValidator(model: string): ValidateFunction {
  if (!armAjv) {
    armAjv = newAjv();
    // The deployments/resource-group contract plus the what-if and export-template models.
    const models = {
      ...(readJson("arm-deployments-resourcegroups-contract-from-js-sdk.json") as ArmContract).models,
      ...(readJson("arm-whatif-export-contract-from-js-sdk.json") as ArmContract).models,
    };
    const defs: Record<string, unknown> = {};
    for (const [key, text] of Object.entries(models)) {
      const name = key.split(":")[1] ?? key;
      defs[`${key.split(":")[0]}_${name}`] = tsToSchema(text, key.split(":")[0] ?? "", models);
    }
    armAjv.addSchema({ $id: "arm", definitions: defs });
  }
  const [ns, name] = model.split(":");
  return armAjv.compile({ $ref: `arm#/definitions/${ns}_${name}` });
}

function tsToSchema(text: string, ns: string, models: Record<string, string>): unknown {
  const alias = /export type \w+ = ([^;]+);/.exec(text);
  if (alias?.[1]) return typeToSchema(alias[1].trim(), ns, models);
  const header = /export interface (\w+)(?: extends ([\w, ]+))? \{/.exec(text);
  const properties: Record<string, unknown> = {};
  const required: string[] = [];
  for (const m of text.matchAll(/^\s+(?:readonly )?(\w+)(\??): ([^;]+);$/gm)) {
    if (!m[1] || !m[3]) continue;
    properties[m[1]] = typeToSchema(m[3].trim(), ns, models);
    if (m[2] !== "?") required.push(m[1]);
  }
  const base = header?.[2]?.trim();
  const knownBase = base && models[`${ns}:${base}`];
  const own = { type: "object", properties, required, additionalProperties: base ? true : false };
  return knownBase ? { allOf: [{ $ref: `arm#/definitions/${ns}_${base}` }, { ...own, additionalProperties: true }] } : own;
}

function typeToSchema(type: string, ns: string, models: Record<string, string>): unknown {
  if (type.endsWith("[]")) return { type: "array", items: typeToSchema(type.slice(0, -2), ns, models) };
  if (type.includes("|")) return { anyOf: type.split("|").map((t) => typeToSchema(t.trim(), ns, models)) };
  if (/^".*"$/.test(type)) return { const: type.slice(1, -1) };
  if (type === "string") return { type: "string" };
  if (type === "number") return { type: "number" };
  if (type === "boolean") return { type: "boolean" };
  if (type === "Date") return { type: "string", format: "date-time" };
  if (type === "any" || type === "unknown") return {};
  const record = /^Record<string, (.+)>$/.exec(type);
  if (record?.[1]) return { type: "object", additionalProperties: typeToSchema(record[1], ns, models) };
  if (models[`${ns}:${type}`]) return { $ref: `arm#/definitions/${ns}_${type}` };
  return {};
}

// ---- AML (core-client mappers → JSON Schema) ----
type Mapper = { serializedName?: string; type: string; className?: string; readOnly?: boolean; required?: boolean; nullable?: boolean; element?: Mapper; value?: Mapper; allowedValues?: string[] };
type AmlContract = { models: Record<string, { className: string; properties: Record<string, Mapper> }> };
let amlAjv: Ajv | undefined;

export function amlValidator(className: string): ValidateFunction {
  if (!amlAjv) {
    amlAjv = newAjv();
    const contract = readJson("aml-2022-10-01-contract-from-arm-machinelearning-2.1.1.json") as AmlContract;
    const defs: Record<string, unknown> = {};
    for (const [name, model] of Object.entries(contract.models)) defs[name] = mapperModelToSchema(model.properties);
    amlAjv.addSchema({ $id: "aml", definitions: defs });
  }
  return amlAjv.compile({ $ref: `aml#/definitions/${className}` });
}

function mapperModelToSchema(props: Record<string, Mapper>): unknown {
  const root: { type: string; properties: Record<string, unknown>; required: string[]; additionalProperties: boolean } = { type: "object", properties: {}, required: [], additionalProperties: false };
  for (const mapper of Object.values(props)) {
    const parts = (mapper.serializedName ?? "").split(".");
    let node = root;
    for (const part of parts.slice(0, -1)) {
      const existing = node.properties[part] as typeof root | undefined;
      const child = existing ?? { type: "object", properties: {}, required: [], additionalProperties: false };
      node.properties[part] = child;
      node = child;
    }
    const leaf = parts[parts.length - 1] ?? "";
    node.properties[leaf] = mapperToSchema(mapper);
    if (mapper.required) node.required.push(leaf);
  }
  return root;
}

function mapperToSchema(m: Mapper): unknown {
  const nullable = (s: Record<string, unknown>): unknown => (m.nullable ? { anyOf: [s, { type: "null" }] } : s);
  switch (m.type) {
    case "String":
      return nullable({ type: "string" });
    case "Boolean":
      return nullable({ type: "boolean" });
    case "Number":
      return nullable({ type: "number" });
    case "DateTime":
      return nullable({ type: "string", format: "date-time" });
    case "Enum":
      return nullable({ type: "string", ...(m.allowedValues ? { enum: m.allowedValues } : {}) });
    case "Dictionary":
      return nullable({ type: "object", additionalProperties: m.value ? mapperToSchema(m.value) : {} });
    case "Sequence":
      return nullable({ type: "array", items: m.element ? mapperToSchema(m.element) : {} });
    case "Composite":
      return nullable({ $ref: `aml#/definitions/${m.className ?? ""}` });
    default:
      return {};
  }
}

// ---- AML models the vendored contract lacks, straight from the installed SDK's mappers ----
type SdkMapper = { serializedName?: string; required?: boolean; nullable?: boolean; type: { name: string; className?: string; modelProperties?: Record<string, SdkMapper>; element?: SdkMapper; value?: SdkMapper; allowedValues?: string[] } };

/**
 * A validator for an @azure/arm-machinelearning 2.1.1 model read from its own mappers (workspace
 * connections are not in the vendored contract). `concrete` picks the subtype of a polymorphic
 * model (e.g. WorkspaceConnectionPropertiesV2 → PATAuthTypeWorkspaceConnectionProperties).
 * Like the contract validators, unknown members are rejected.
 */
export async function amlSdkValidator(className: string, concrete: Record<string, string> = {}): Promise<ValidateFunction> {
  const mappers = (await import("@azure/arm-machinelearning/dist-esm/src/models/mappers.js")) as unknown as Record<string, SdkMapper | undefined>;
  const defs: Record<string, unknown> = {};
  const pending = [className];
  while (pending.length) {
    const name = pending.pop() ?? "";
    if (defs[name]) continue;
    const mapper = mappers[concrete[name] ?? name];
    if (!mapper?.type.modelProperties) throw new Error(`no mapper for ${name}`);
    const schema: { type: string; properties: Record<string, unknown>; required: string[]; additionalProperties: boolean } = { type: "object", properties: {}, required: [], additionalProperties: false };
    for (const m of Object.values(mapper.type.modelProperties)) {
      const key = m.serializedName ?? "";
      schema.properties[key] = sdkMapperToSchema(m, pending);
      if (m.required) schema.required.push(key);
    }
    defs[name] = schema;
  }
  const ajv = newAjv();
  ajv.addSchema({ $id: "amlsdk", definitions: defs });
  return ajv.compile({ $ref: `amlsdk#/definitions/${className}` });
}

function sdkMapperToSchema(m: SdkMapper, pending: string[]): unknown {
  const nullable = (s: Record<string, unknown>): unknown => (m.nullable ? { anyOf: [s, { type: "null" }] } : s);
  switch (m.type.name) {
    case "String":
      return nullable({ type: "string" });
    case "Boolean":
      return nullable({ type: "boolean" });
    case "Number":
      return nullable({ type: "number" });
    case "DateTime":
      return nullable({ type: "string", format: "date-time" });
    case "Enum":
      return nullable({ type: "string", ...(m.type.allowedValues ? { enum: m.type.allowedValues } : {}) });
    case "Dictionary":
      return nullable({ type: "object", additionalProperties: m.type.value ? sdkMapperToSchema(m.type.value, pending) : {} });
    case "Sequence":
      return nullable({ type: "array", items: m.type.element ? sdkMapperToSchema(m.type.element, pending) : {} });
    case "Composite":
      pending.push(m.type.className ?? "");
      return nullable({ $ref: `amlsdk#/definitions/${m.type.className ?? ""}` });
    default:
      return {};
  }
}

// ---- Azure DevOps feed swagger 7.1 ----
let adoAjv: Ajv | undefined;

export function adoValidator(definition: string): ValidateFunction {
  if (!adoAjv) {
    adoAjv = newAjv();
    const swagger = readJson("azure-devops-artifacts-feed-7.1.swagger.json") as { definitions: Record<string, unknown> };
    adoAjv.addSchema({ $id: "ado", definitions: rewriteRefs(swagger.definitions, "#/definitions/", "ado#/definitions/") });
  }
  return adoAjv.compile({ $ref: `ado#/definitions/${definition}` });
}

// ---- Nexus 3.94 OpenAPI ----
let nexusAjv: Ajv | undefined;

export function nexusValidator(schema: string): ValidateFunction {
  if (!nexusAjv) {
    nexusAjv = newAjv();
    const doc = readJson("nexus-3.94.0-openapi.components.json") as { components: { schemas: Record<string, unknown> } };
    nexusAjv.addSchema({ $id: "nexus", definitions: rewriteRefs(doc.components.schemas, "#/components/schemas/", "nexus#/definitions/") });
  }
  return nexusAjv.compile({ $ref: `nexus#/definitions/${schema}` });
}

function rewriteRefs<T>(value: T, from: string, to: string): T {
  return JSON.parse(JSON.stringify(value).split(`"${from}`).join(`"${to}`)) as T;
}
