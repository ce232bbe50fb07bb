/**
 * An HTTP-like client for the /api/v1 route handlers, for contract tests: it routes a method and
 * path to the route file that serves it (found on disk, so new routes are picked up), sends the
 * request with a session cookie, a bearer access token or nothing, and checks every answer
 * against public/openapi.json: the status and content type must be documented for the
 * operation, JSON bodies and Server-Sent Event data must match the documented schemas (ajv), and
 * every answer must be `Cache-Control: no-store`. Test code only.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020";
import addFormats from "ajv-formats";
import { getIdentityConfig } from "@/lib/auth/identity-config";
import { DEMO_TENANT_ID } from "@/prisma/demo-data";
import { APP_URL, sessionCookieFor, signIdToken, type AuthHarness } from "./auth-harness";

const HTTP_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;
type RouteModule = Record<string, unknown>;
type Handler = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;

/** Every route file under app/api/v1, keyed by its path on disk (`/app/api/v1/…/route.ts`). */
const ROUTE_FILES = import.meta.glob<RouteModule>("/app/api/v1/**/route.ts");

interface MediaType {
  schema?: object;
  "x-events"?: Record<string, object>;
}
interface Operation {
  operationId: string;
  security?: Record<string, string[]>[];
  parameters?: { name: string; in: string }[];
  requestBody?: { content: Record<string, MediaType> };
  responses: Record<string, { content?: Record<string, MediaType> }>;
}
export interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, object>; securitySchemes: Record<string, object> };
}

export function loadOpenApi(): OpenApiDocument {
  return JSON.parse(readFileSync(path.join(import.meta.dirname, "../public/openapi.json"), "utf8")) as OpenApiDocument;
}

/** `GET /api/v1/requests/{id}` for every exported handler of every route file. */
export async function implementedOperations(): Promise<string[]> {
  const out: string[] = [];
  for (const [file, load] of Object.entries(ROUTE_FILES)) {
    const mod = await load();
    for (const method of HTTP_METHODS) if (typeof mod[method] === "function") out.push(`${method} ${templateOf(file)}`);
  }
  return out.sort();
}

/** `GET /api/v1/requests/{id}` for every operation the document describes. */
export function documentedOperations(doc: OpenApiDocument): string[] {
  return Object.entries(doc.paths)
    .flatMap(([p, item]) => Object.keys(item).map((m) => `${m.toUpperCase()} ${p}`))
    .sort();
}

export type Credential = { kind: "session"; cookie: string } | { kind: "bearer"; token: string } | { kind: "none" };

export interface CallOptions {
  as: Credential;
  /** A value is sent as JSON; a string is sent as is (for malformed bodies). */
  body?: unknown;
  headers?: Record<string, string>;
  /** The Origin header: the portal's own for session callers and none for bearer callers by default. */
  origin?: string | null;
}

export interface ApiAnswer {
  operationId: string;
  status: number;
  headers: Headers;
  /** Parsed JSON, the text of other bodies, or the events of an event stream. */
  body: unknown;
  events: { event: string; id?: string; data: unknown }[];
}

/**
 * The client. `call` throws when the answer is not what the document says; `covered` records
 * which operations answered which status with which credential kind.
 */
export function createApiClient(doc: OpenApiDocument) {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema({ $id: "feedgate", components: doc.components });
  const validators = new Map<object, ValidateFunction>();
  const validatorOf = (schema: object) => {
    let v = validators.get(schema);
    if (!v) validators.set(schema, (v = ajv.compile(rebase(schema))));
    return v;
  };
  const check = (schema: object | undefined, value: unknown, where: string) => {
    if (!schema) return;
    const validate = validatorOf(schema);
    if (!validate(value)) throw new Error(`${where} does not match the documented schema: ${JSON.stringify(validate.errors?.slice(0, 4))}\n${JSON.stringify(value).slice(0, 600)}`);
  };
  const covered = new Set<string>();

  async function call(method: string, url: string, options: CallOptions): Promise<ApiAnswer> {
    const { template, params, load } = route(url);
    const operation = doc.paths[template]?.[method.toLowerCase()];
    if (!operation) throw new Error(`${method} ${template} is not documented`);
    const handler = (await load())[method] as Handler | undefined;
    if (!handler) throw new Error(`${method} ${template} has no handler`);
    const res = await handler(buildRequest(method, url, options), { params: Promise.resolve(params) });
    const where = `${method} ${url} → ${res.status}`;
    const documented = operation.responses[String(res.status)];
    if (!documented) throw new Error(`${where}: status ${res.status} is not documented (${await res.text()})`);
    if (!/no-store/.test(res.headers.get("cache-control") ?? "")) throw new Error(`${where}: not Cache-Control: no-store`);
    const type = (res.headers.get("content-type") ?? "").split(";")[0]?.trim() ?? "";
    const media = documented.content?.[type];
    const answer: ApiAnswer = { operationId: operation.operationId, status: res.status, headers: res.headers, body: undefined, events: [] };
    if (!documented.content) {
      if ((await res.text()) !== "") throw new Error(`${where}: a body where none is documented`);
    } else if (!media) {
      throw new Error(`${where}: content type "${type}" is not documented (${Object.keys(documented.content).join(", ")})`);
    } else if (type === "application/json") {
      answer.body = await res.json();
      check(media.schema, answer.body, where);
      if (res.status >= 400 && res.headers.get("x-correlation-id") !== (answer.body as { correlationId?: string }).correlationId) throw new Error(`${where}: x-correlation-id differs from the body's`);
    } else if (type === "text/event-stream") {
      answer.body = await readStream(res);
      answer.events = parseEvents(String(answer.body));
      for (const e of answer.events) {
        const schema = media["x-events"]?.[e.event];
        if (!schema) throw new Error(`${where}: undocumented event "${e.event}"`);
        check(schema, e.data, `${where} event ${e.event}`);
      }
    } else {
      answer.body = await res.text();
      check(media.schema, answer.body, where);
    }
    if (res.status < 300 && options.body !== undefined && typeof options.body !== "string") check(operation.requestBody?.content["application/json"]?.schema, options.body, `${where} request body`);
    covered.add(`${operation.operationId} ${res.status} ${options.as.kind}`);
    return answer;
  }

  return { call, covered };
}

/** The session cookie of a demo person, signed in through the real sign-in routes. */
export function sessionOf(h: AuthHarness, name: string): Promise<Credential> {
  return sessionCookieFor(h, name).then((cookie) => ({ kind: "session", cookie }));
}

/** A delegated access token for Feedgate's API, as Entra issues it to an app acting for the person. */
export async function bearerOf(h: AuthHarness, name: string, claims: Record<string, unknown> = {}): Promise<Credential> {
  const user = h.user(name);
  const token = await signIdToken(h, { iss: h.idp.issuer, aud: getIdentityConfig().clientId, tid: DEMO_TENANT_ID, sub: user.oid, oid: user.oid, scp: "Feedgate.Access", roles: user.roles, ...claims });
  return { kind: "bearer", token };
}

function buildRequest(method: string, url: string, options: CallOptions): Request {
  const headers = new Headers({ "x-forwarded-for": "203.0.113.10" });
  // Session callers are the portal's pages, which send their Origin; bearer callers are
  // automation and send none, which the rule allows.
  const origin = options.origin === undefined ? (options.as.kind === "bearer" ? null : APP_URL) : options.origin;
  if (origin !== null) headers.set("origin", origin);
  if (options.as.kind === "session") headers.set("cookie", options.as.cookie);
  if (options.as.kind === "bearer") headers.set("authorization", `Bearer ${options.as.token}`);
  if (options.body !== undefined) headers.set("content-type", "application/json");
  for (const [k, v] of Object.entries(options.headers ?? {})) headers.set(k, v);
  const body = options.body === undefined ? undefined : typeof options.body === "string" ? options.body : JSON.stringify(options.body);
  return new Request(new URL(url, APP_URL), { method, headers, body });
}

/** The route file serving a path: the match with the most literal segments wins. */
function route(url: string) {
  const pathname = new URL(url, "http://x").pathname;
  const parts = pathname.split("/").filter(Boolean);
  let best: { template: string; params: Record<string, string>; load: () => Promise<RouteModule>; literals: number } | undefined;
  for (const [file, load] of Object.entries(ROUTE_FILES)) {
    const template = templateOf(file);
    const segments = template.split("/").filter(Boolean);
    if (segments.length !== parts.length) continue;
    const params: Record<string, string> = {};
    let literals = 0;
    const isMatch = segments.every((s, i) => {
      const value = parts[i] ?? "";
      const name = /^\{(\w+)\}$/.exec(s)?.[1];
      if (name) params[name] = decodeURIComponent(value);
      else literals++;
      return name !== undefined || s === value;
    });
    if (isMatch && (!best || literals > best.literals)) best = { template, params, load, literals };
  }
  if (!best) throw new Error(`no route serves ${pathname}`);
  return best;
}

function templateOf(file: string): string {
  return file.replace(/^\/app/, "").replace(/\/route\.ts$/, "").replace(/\[(\w+)\]/g, "{$1}");
}

/** Rewrites the document's local refs so a schema compiled on its own resolves them. */
function rebase(schema: object): object {
  return JSON.parse(JSON.stringify(schema).replaceAll('"$ref":"#/', '"$ref":"feedgate#/')) as object;
}

/** The whole event stream; a stream that does not end within 15 s fails the test instead of hanging it. */
async function readStream(res: Response): Promise<string> {
  const reader = res.body?.getReader();
  if (!reader) return "";
  const decoder = new TextDecoder();
  const deadline = Date.now() + 15_000;
  let text = "";
  for (;;) {
    const chunk = await Promise.race([reader.read(), new Promise<null>((r) => setTimeout(() => r(null), Math.max(0, deadline - Date.now())))]);
    if (chunk === null) {
      await reader.cancel();
      throw new Error(`the event stream did not end: ${text.slice(-400)}`);
    }
    if (chunk.done) return text;
    text += decoder.decode(chunk.value, { stream: true });
  }
}

function parseEvents(text: string): ApiAnswer["events"] {
  const out: ApiAnswer["events"] = [];
  for (const block of text.split("\n\n")) {
    const fields = new Map<string, string>();
    for (const line of block.split("\n")) {
      if (!line || line.startsWith(":")) continue;
      const i = line.indexOf(": ");
      fields.set(i > 0 ? line.slice(0, i) : line, i > 0 ? line.slice(i + 2) : "");
    }
    const data = fields.get("data");
    if (data === undefined) continue;
    out.push({ event: fields.get("event") ?? "message", id: fields.get("id"), data: JSON.parse(data) as unknown });
  }
  return out;
}
