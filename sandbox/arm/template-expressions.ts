import { createHash, randomUUID } from "node:crypto";

/**
 * A small evaluator for ARM template language expressions (`"[concat('a', parameters('b'))]"`).
 * It covers the functions templates such as the AML secure quickstart and the portal's own
 * templates use; an unknown function is a template error, as in ARM.
 */
export type ExpressionContext = {
  subscriptionId: string;
  resourceGroup: { id: string; name: string; location: string };
  deploymentName: string;
  parameters: Record<string, unknown>;
  variables: Record<string, unknown>;
  /** Properties (or full object) of a resource or deployment already created. */
  reference: (idOrName: string, full: boolean) => unknown;
  copyIndex?: number;
};

export class TemplateExpressionError extends Error {}

export function isExpression(value: string): boolean {
  return value.startsWith("[") && value.endsWith("]") && !value.startsWith("[[");
}

export function evaluateValue(value: unknown, ctx: ExpressionContext): unknown {
  if (typeof value === "string") {
    if (isExpression(value)) return evaluateExpression(value.slice(1, -1), ctx);
    if (value.startsWith("[[")) return value.slice(1);
    return value;
  }
  if (Array.isArray(value)) return value.map((v) => evaluateValue(v, ctx));
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = evaluateValue(v, ctx);
    return out;
  }
  return value;
}

export function evaluateExpression(source: string, ctx: ExpressionContext): unknown {
  const parser = new Parser(source);
  const ast = parser.parseExpression();
  parser.expectEnd();
  return evalNode(ast, ctx);
}

type Node =
  | { kind: "literal"; value: unknown }
  | { kind: "call"; name: string; args: Node[] }
  | { kind: "member"; target: Node; property: string }
  | { kind: "index"; target: Node; index: Node };

class Parser {
  private pos = 0;
  constructor(private readonly src: string) {}

  parseExpression(): Node {
    this.skip();
    let node = this.parsePrimary();
    for (;;) {
      this.skip();
      const ch = this.src[this.pos];
      if (ch === ".") {
        this.pos++;
        node = { kind: "member", target: node, property: this.identifier() };
      } else if (ch === "[") {
        this.pos++;
        const index = this.parseExpression();
        this.expect("]");
        node = { kind: "index", target: node, index };
      } else {
        return node;
      }
    }
  }

  expectEnd(): void {
    this.skip();
    if (this.pos !== this.src.length) throw new TemplateExpressionError(`Unexpected '${this.src.slice(this.pos)}' in expression '${this.src}'`);
  }

  private parsePrimary(): Node {
    const ch = this.src[this.pos];
    if (ch === "'") {
      let out = "";
      this.pos++;
      for (;;) {
        const c = this.src[this.pos];
        if (c === undefined) throw new TemplateExpressionError(`Unterminated string in '${this.src}'`);
        if (c === "'") {
          if (this.src[this.pos + 1] === "'") {
            out += "'";
            this.pos += 2;
            continue;
          }
          this.pos++;
          return { kind: "literal", value: out };
        }
        out += c;
        this.pos++;
      }
    }
    const num = /^-?\d+(\.\d+)?/.exec(this.src.slice(this.pos));
    if (num) {
      this.pos += num[0].length;
      return { kind: "literal", value: Number(num[0]) };
    }
    const name = this.identifier();
    this.skip();
    this.expect("(");
    const args: Node[] = [];
    this.skip();
    if (this.src[this.pos] === ")") {
      this.pos++;
      return { kind: "call", name, args };
    }
    for (;;) {
      args.push(this.parseExpression());
      this.skip();
      if (this.src[this.pos] === ",") {
        this.pos++;
        continue;
      }
      this.expect(")");
      return { kind: "call", name, args };
    }
  }

  private identifier(): string {
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.src.slice(this.pos));
    if (!m) throw new TemplateExpressionError(`Expected a function name at position ${this.pos} in '${this.src}'`);
    this.pos += m[0].length;
    return m[0];
  }

  private expect(ch: string): void {
    this.skip();
    if (this.src[this.pos] !== ch) throw new TemplateExpressionError(`Expected '${ch}' at position ${this.pos} in '${this.src}'`);
    this.pos++;
  }

  private skip(): void {
    while (this.src[this.pos] === " ") this.pos++;
  }
}

function evalNode(node: Node, ctx: ExpressionContext): unknown {
  switch (node.kind) {
    case "literal":
      return node.value;
    case "member": {
      const target = evalNode(node.target, ctx);
      if (target && typeof target === "object") {
        const entry = Object.entries(target).find(([k]) => k.toLowerCase() === node.property.toLowerCase());
        if (entry) return entry[1];
      }
      throw new TemplateExpressionError(`The language expression property '${node.property}' doesn't exist.`);
    }
    case "index": {
      const target = evalNode(node.target, ctx);
      const index = evalNode(node.index, ctx);
      if (Array.isArray(target) && typeof index === "number") return target[index];
      if (target && typeof target === "object" && typeof index === "string") return (target as Record<string, unknown>)[index];
      throw new TemplateExpressionError("Invalid index expression.");
    }
    case "call":
      return callFunction(node.name.toLowerCase(), node.args, ctx);
  }
}

function callFunction(name: string, argNodes: Node[], ctx: ExpressionContext): unknown {
  // `if` evaluates lazily.
  if (name === "if") {
    const [c, a, b] = argNodes;
    if (!c || !a || !b) throw new TemplateExpressionError("if() takes 3 arguments");
    return evalNode(c, ctx) ? evalNode(a, ctx) : evalNode(b, ctx);
  }
  const args = argNodes.map((a) => evalNode(a, ctx));
  const str = (i: number): string => String(args[i] ?? "");
  switch (name) {
    case "parameters": {
      const key = Object.keys(ctx.parameters).find((k) => k.toLowerCase() === str(0).toLowerCase());
      if (key === undefined) throw new TemplateExpressionError(`The template parameter '${str(0)}' is not found.`);
      return ctx.parameters[key];
    }
    case "variables": {
      const key = Object.keys(ctx.variables).find((k) => k.toLowerCase() === str(0).toLowerCase());
      if (key === undefined) throw new TemplateExpressionError(`The template variable '${str(0)}' is not found.`);
      return evaluateValue(ctx.variables[key], ctx);
    }
    case "concat":
      if (args.some(Array.isArray)) return args.flatMap((a) => (Array.isArray(a) ? a : [a]));
      return args.map((a) => (typeof a === "object" ? JSON.stringify(a) : String(a))).join("");
    case "format":
      return str(0).replace(/\{(\d+)(:[^}]*)?\}/g, (_, i: string) => String(args[Number(i) + 1] ?? ""));
    case "tolower":
      return str(0).toLowerCase();
    case "toupper":
      return str(0).toUpperCase();
    case "trim":
      return str(0).trim();
    case "substring": {
      const start = Number(args[1] ?? 0);
      return args[2] === undefined ? str(0).slice(start) : str(0).substr(start, Number(args[2]));
    }
    case "take":
      return Array.isArray(args[0]) ? args[0].slice(0, Number(args[1])) : str(0).slice(0, Number(args[1]));
    case "skip":
      return Array.isArray(args[0]) ? args[0].slice(Number(args[1])) : str(0).slice(Number(args[1]));
    case "replace":
      return str(0).split(str(1)).join(str(2));
    case "split":
      return str(0).split(str(1));
    case "length":
      return Array.isArray(args[0]) ? args[0].length : args[0] && typeof args[0] === "object" ? Object.keys(args[0]).length : str(0).length;
    case "empty":
      return args[0] === null || args[0] === undefined || args[0] === "" || (Array.isArray(args[0]) && args[0].length === 0) || (typeof args[0] === "object" && Object.keys(args[0] as object).length === 0);
    case "contains":
      if (Array.isArray(args[0])) return args[0].includes(args[1]);
      if (args[0] && typeof args[0] === "object") return Object.keys(args[0]).some((k) => k.toLowerCase() === str(1).toLowerCase());
      return str(0).includes(str(1));
    case "startswith":
      return str(0).toLowerCase().startsWith(str(1).toLowerCase());
    case "endswith":
      return str(0).toLowerCase().endsWith(str(1).toLowerCase());
    case "first":
      return Array.isArray(args[0]) ? args[0][0] : str(0)[0];
    case "last":
      return Array.isArray(args[0]) ? args[0][args[0].length - 1] : str(0).slice(-1);
    case "equals":
      return JSON.stringify(args[0]) === JSON.stringify(args[1]);
    case "not":
      return !args[0];
    case "and":
      return args.every(Boolean);
    case "or":
      return args.some(Boolean);
    case "greater":
      return Number(args[0]) > Number(args[1]);
    case "less":
      return Number(args[0]) < Number(args[1]);
    case "add":
      return Number(args[0]) + Number(args[1]);
    case "sub":
      return Number(args[0]) - Number(args[1]);
    case "mul":
      return Number(args[0]) * Number(args[1]);
    case "string":
      return typeof args[0] === "object" ? JSON.stringify(args[0]) : String(args[0]);
    case "int":
      return Number.parseInt(str(0), 10);
    case "bool":
      return args[0] === true || str(0).toLowerCase() === "true";
    case "true":
      return true;
    case "false":
      return false;
    case "null":
      return null;
    case "json":
      return JSON.parse(str(0));
    case "coalesce":
      return args.find((a) => a !== null && a !== undefined) ?? null;
    case "createarray":
    case "array":
      return name === "array" && Array.isArray(args[0]) ? args[0] : args;
    case "createobject": {
      const out: Record<string, unknown> = {};
      for (let i = 0; i + 1 < args.length; i += 2) out[String(args[i])] = args[i + 1];
      return out;
    }
    case "union":
      if (args.every(Array.isArray)) return [...new Set(args.flat())];
      return Object.assign({}, ...args.map((a) => (a && typeof a === "object" ? a : {})));
    case "uniquestring":
      return uniqueString(args.map(String));
    case "guid":
      return guidFrom(args.map(String));
    case "newguid":
      return randomUUID();
    case "utcnow":
      return new Date().toISOString();
    case "copyindex":
      return (ctx.copyIndex ?? 0) + Number(args[0] ?? 0);
    case "resourcegroup":
      return { ...ctx.resourceGroup, type: "Microsoft.Resources/resourceGroups", properties: { provisioningState: "Succeeded" } };
    case "subscription":
      return { id: `/subscriptions/${ctx.subscriptionId}`, subscriptionId: ctx.subscriptionId, tenantId: "00000000-0000-0000-0000-000000000000", displayName: "Sandbox subscription" };
    case "deployment":
      return { name: ctx.deploymentName, properties: { templateLink: null } };
    case "environment":
      return { name: "AzureCloud", suffixes: { storage: "core.windows.net", acrLoginServer: ".azurecr.io", keyvaultDns: ".vault.azure.net" } };
    case "resourceid":
      return resourceId(ctx, args.map(String));
    case "subscriptionresourceid": {
      const parts = args.map(String);
      const type = parts[0] ?? "";
      const [ns, ...types] = type.split("/");
      const names = parts.slice(1);
      return `/subscriptions/${ctx.subscriptionId}/providers/${ns}/${types.map((t, i) => `${t}/${names[i] ?? ""}`).join("/")}`;
    }
    case "extensionresourceid":
      return `${str(0)}/providers/${str(1)}/${str(2)}`;
    case "reference":
      return ctx.reference(str(0), str(2).toLowerCase() === "full");
    case "listkeys":
      return { keys: [{ keyName: "key1", value: guidFrom([str(0), "key1"]), permissions: "FULL" }] };
    case "pickzones":
      return [];
    default:
      throw new TemplateExpressionError(`The template function '${name}' is not valid.`);
  }
}

export function resourceId(ctx: ExpressionContext, parts: string[]): string {
  let rg = ctx.resourceGroup.name;
  let sub = ctx.subscriptionId;
  let rest = parts;
  // resourceId([subscriptionId], [resourceGroupName], resourceType, resourceName1, ...)
  const typeIndex = parts.findIndex((p) => p.includes("/"));
  if (typeIndex === 2) {
    sub = parts[0] ?? sub;
    rg = parts[1] ?? rg;
    rest = parts.slice(2);
  } else if (typeIndex === 1) {
    rg = parts[0] ?? rg;
    rest = parts.slice(1);
  }
  const [type = "", ...names] = rest;
  const [ns, ...types] = type.split("/");
  return `/subscriptions/${sub}/resourceGroups/${rg}/providers/${ns}/${types.map((t, i) => `${t}/${names[i] ?? ""}`).join("/")}`;
}

/**
 * Deterministic 13-character base32 hash, like ARM's uniqueString. ARM's exact algorithm is not
 * published; the portal must not recompute names from it but read them back (resources list/GET).
 */
export function uniqueString(values: string[]): string {
  const digest = createHash("sha256").update(values.join("-")).digest();
  const alphabet = "abcdefghijklmnopqrstuvwxyz234567";
  let out = "";
  for (let i = 0; i < 13; i++) out += alphabet[(digest[i] ?? 0) % 32];
  return out;
}

function guidFrom(values: string[]): string {
  const h = createHash("sha1").update(values.join("-")).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
