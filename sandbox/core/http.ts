import { createServer, type Server } from "node:https";
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { z } from "zod";
import { faultRuleSchema, type FaultRule, type FaultStore } from "./faults";
import { maskBody, maskHeaders, maskQuery, type RequestRecorder } from "./recorder";
import type { SandboxTlsMaterial } from "./tls";

export type SandboxRequest = {
  service: string;
  method: string;
  url: URL;
  path: string;
  params: Record<string, string>;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** https://127.0.0.1:PORT of the server that received the request. */
  baseUrl: string;
};

export type SandboxResponse = {
  status: number;
  /** HTTP reason phrase for the status line (as Jetty sends Nexus's status messages); default: Node's standard phrase. */
  statusMessage?: string;
  headers?: Record<string, string>;
  json?: unknown;
  text?: string;
  body?: Buffer;
};

export type RouteHandler = (req: SandboxRequest) => SandboxResponse | Promise<SandboxResponse>;

type Route = { methods: string[]; regex: RegExp; names: string[]; handler: RouteHandler };

/** Minimal case-insensitive router: `{name}` matches one segment, `{name*}` the rest of the path. */
export class Router {
  private readonly routes: Route[] = [];

  add(methods: string | string[], pattern: string, handler: RouteHandler): this {
    const names: string[] = [];
    const source = pattern
      .split(/(\{[a-zA-Z]+\*?\})/)
      .map((part) => {
        const m = /^\{([a-zA-Z]+)(\*?)\}$/.exec(part);
        if (!m || !m[1]) return part.replace(/[.*+?^$()|[\]\\]/g, "\\$&");
        names.push(m[1]);
        return m[2] ? "(.*)" : "([^/]+)";
      })
      .join("");
    this.routes.push({ methods: ([] as string[]).concat(methods), regex: new RegExp(`^${source}/?$`, "i"), names, handler });
    return this;
  }

  match(method: string, path: string): { handler: RouteHandler; params: Record<string, string> } | "method-not-allowed" | undefined {
    let pathMatched = false;
    for (const route of this.routes) {
      const m = route.regex.exec(path);
      if (!m) continue;
      pathMatched = true;
      if (!route.methods.includes(method) && !(method === "HEAD" && route.methods.includes("GET"))) continue;
      const params: Record<string, string> = {};
      route.names.forEach((name, i) => {
        params[name] = safeDecode(m[i + 1] ?? "");
      });
      return { handler: route.handler, params };
    }
    return pathMatched ? "method-not-allowed" : undefined;
  }
}

export type SandboxServerOptions = {
  service: string;
  tls: SandboxTlsMaterial;
  router: Router;
  recorder: RequestRecorder;
  faults: FaultStore;
  host?: string;
  port?: number;
  notFound?: (req: SandboxRequest) => SandboxResponse;
  /** The answer when the path exists but not for this method (default: an ARM-shaped 405). */
  methodNotAllowed?: (req: SandboxRequest) => SandboxResponse;
  faultBody?: (status: number, rule: FaultRule) => SandboxResponse;
  /** Extra admin endpoints under /_sandbox/ (e.g. pace), answered before the built-in ones. */
  admin?: (method: string, path: string, body: Buffer) => SandboxResponse | undefined;
  /** Runs before routing (after faults); a returned response short-circuits the request. */
  authorize?: (req: SandboxRequest) => SandboxResponse | undefined;
  /** Called after a routed request other than GET/HEAD/OPTIONS was answered (state may have changed). */
  onMutation?: () => void;
};

/** A fixed port that another process holds; `service` says which sandbox server wanted it. */
export class SandboxPortInUseError extends Error {
  override name = "SandboxPortInUseError";
  constructor(
    readonly service: string,
    readonly port: number,
  ) {
    super(`sandbox ${service}: port ${port} is already in use`);
  }
}

export type SandboxServer = { server: Server; url: string; port: number; close: () => Promise<void> };

const MAX_BODY_BYTES = 64 * 1024 * 1024;

export async function startSandboxServer(options: SandboxServerOptions): Promise<SandboxServer> {
  const sockets = new Set<Socket>();
  const server = createServer({ cert: options.tls.cert, key: options.tls.key, keepAliveTimeout: 5000 }, (req, res) => {
    handle(options, req, res, baseUrl).catch((error: unknown) => {
      if (!res.headersSent) {
        res.writeHead(500, { "content-type": "application/json" });
        res.end(JSON.stringify({ error: { code: "InternalServerError", message: String(error) } }));
      } else {
        res.destroy();
      }
    });
  });
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  server.on("secureConnection", (socket) => {
    socket.on("error", () => undefined);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) => reject(error.code === "EADDRINUSE" ? new SandboxPortInUseError(options.service, options.port ?? 0) : error));
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const baseUrl = `https://127.0.0.1:${port}`;
  return {
    server,
    url: baseUrl,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

async function handle(options: SandboxServerOptions, req: IncomingMessage, res: ServerResponse, baseUrl: string): Promise<void> {
  const started = Date.now();
  const body = await readBody(req);
  // Concatenate rather than resolve: a request target such as "//subscriptions/..." is a path, not a host.
  const url = new URL(`${baseUrl}${req.url ?? "/"}`);
  const method = (req.method ?? "GET").toUpperCase();
  const path = url.pathname.replace(/\/{2,}/g, "/");

  if (path.startsWith("/_sandbox/")) {
    send(res, method, adminResponse(options, method, url, body));
    return;
  }

  const record = (status: number, fault?: string): void => {
    options.recorder.record({
      time: new Date(started).toISOString(),
      service: options.service,
      method,
      host: req.headers.host ?? "",
      path,
      query: maskQuery(url.searchParams),
      headers: maskHeaders(req.headers),
      body: maskBody(body, req.headers["content-type"]),
      status,
      durationMs: Date.now() - started,
      fault,
    });
  };

  const faults = options.faults.httpFaults(options.service, method, path);
  if (faults.latencyMs > 0) await delay(faults.latencyMs);
  const terminal = faults.terminal;
  if (terminal?.kind === "drop") {
    record(0, terminal.id);
    req.socket.destroy();
    return;
  }
  if (terminal?.kind === "status") {
    const status = terminal.status ?? 503;
    const response = options.faultBody?.(status, terminal) ?? { status, json: { error: { code: "InjectedFault", message: terminal.message ?? "Injected fault" } } };
    response.status = status;
    if (terminal.body !== undefined) response.json = terminal.body;
    if (terminal.retryAfterSeconds !== undefined) response.headers = { ...response.headers, "retry-after": String(terminal.retryAfterSeconds) };
    send(res, method, response);
    record(status, terminal.id);
    return;
  }

  const sreq: SandboxRequest = { service: options.service, method, url, path, params: {}, headers: req.headers, body, baseUrl };
  const match = options.router.match(method, path);
  let response: SandboxResponse;
  if (match === "method-not-allowed") {
    response = options.methodNotAllowed?.(sreq) ?? { status: 405, json: { error: { code: "MethodNotAllowed", message: `The requested resource does not support http method '${method}'.` } } };
  } else if (!match) {
    response = options.notFound?.(sreq) ?? { status: 404, json: { error: { code: "NotFound", message: `No route for ${method} ${path}` } } };
  } else {
    sreq.params = match.params;
    response = options.authorize?.(sreq) ?? (await match.handler(sreq));
    if (!["GET", "HEAD", "OPTIONS"].includes(method)) options.onMutation?.();
  }
  send(res, method, response);
  record(response.status);
}

function adminResponse(options: SandboxServerOptions, method: string, url: URL, body: Buffer): SandboxResponse {
  const path = url.pathname.replace(/\/+$/, "");
  const extra = options.admin?.(method, path, body);
  if (extra) return extra;
  if (path === "/_sandbox/requests") {
    if (method === "DELETE") {
      options.recorder.clear();
      return { status: 204 };
    }
    const q = url.searchParams;
    const sinceSeq = q.get("sinceSeq");
    const limit = q.get("limit");
    const value = options.recorder.query({
      service: q.get("service") ?? undefined,
      method: q.get("method") ?? undefined,
      path: q.get("path") ?? undefined,
      pathRegex: q.get("pathRegex") ?? undefined,
      sinceSeq: sinceSeq ? Number(sinceSeq) : undefined,
      limit: limit ? Number(limit) : undefined,
    });
    return { status: 200, json: { count: value.length, totalRecorded: options.recorder.totalRecorded, value } };
  }
  if (path === "/_sandbox/faults") {
    if (method === "GET") return { status: 200, json: { value: options.faults.list() } };
    if (method === "DELETE") {
      options.faults.clear();
      return { status: 204 };
    }
    if (method === "POST") {
      let parsed: unknown;
      try {
        parsed = JSON.parse(body.toString("utf8"));
      } catch {
        return { status: 400, json: { error: "body must be JSON" } };
      }
      const result = z.union([faultRuleSchema, z.array(faultRuleSchema)]).safeParse(parsed);
      if (!result.success) return { status: 400, json: { error: z.prettifyError(result.error) } };
      const added = ([] as z.infer<typeof faultRuleSchema>[]).concat(result.data).map((r) => options.faults.add(r));
      return { status: 201, json: { value: added } };
    }
  }
  const faultId = /^\/_sandbox\/faults\/([^/]+)$/.exec(path)?.[1];
  if (faultId && method === "DELETE") {
    return options.faults.remove(faultId) ? { status: 204 } : { status: 404, json: { error: "no such fault" } };
  }
  if (path === "/_sandbox/health") return { status: 200, json: { service: options.service, ok: true } };
  return { status: 404, json: { error: `unknown admin path ${path}` } };
}

export function send(res: ServerResponse, method: string, response: SandboxResponse): void {
  const headers: Record<string, string> = { ...response.headers };
  let payload: Buffer | undefined = response.body;
  if (response.json !== undefined) {
    payload = Buffer.from(JSON.stringify(response.json));
    headers["content-type"] ??= "application/json; charset=utf-8";
  } else if (response.text !== undefined) {
    payload = Buffer.from(response.text);
    headers["content-type"] ??= "text/plain; charset=utf-8";
  }
  headers["x-ms-request-id"] ??= crypto.randomUUID();
  if (payload) headers["content-length"] = String(payload.length);
  else if (response.status !== 204 && response.status !== 304) headers["content-length"] = "0";
  const reason = response.statusMessage?.replace(/[^\t\x20-\x7e]/g, " ").trim();
  if (reason) res.writeHead(response.status, reason, headers);
  else res.writeHead(response.status, headers);
  res.end(method === "HEAD" || response.status === 204 ? undefined : payload);
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error("request body too large"));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

export function parseJsonBody(req: SandboxRequest): { ok: true; value: unknown } | { ok: false; error: string } {
  if (req.body.length === 0) return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(req.body.toString("utf8").replace(/^\uFEFF/, "")) };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function parseBasicAuth(header: string | undefined): { user: string; password: string } | undefined {
  if (!header || !/^basic /i.test(header)) return undefined;
  const decoded = Buffer.from(header.slice(6).trim(), "base64").toString("utf8");
  const idx = decoded.indexOf(":");
  if (idx < 0) return undefined;
  return { user: decoded.slice(0, idx), password: decoded.slice(idx + 1) };
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
