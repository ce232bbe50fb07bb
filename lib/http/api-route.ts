import "server-only";
import { z } from "zod";
import type { ActingUser } from "@/lib/auth/acting-user";
import { requireApiUser } from "@/lib/http/require-api-user";
import { getDb, type PrismaClient } from "@/lib/db/client";
import { AppError, FieldError, NotFoundError } from "@/lib/errors";
import { requestIdSchema } from "@/lib/validation/request-id";
import { correlationIdOf, errorResponse } from "./route-response";
import { assertSameOrigin, isSafeMethod } from "./same-origin";

/** What Next passes a route handler. Tests call routes without path parameters with the request alone. */
export interface RouteContext {
  params: Promise<Record<string, string | string[]>>;
}
export type RouteHandler = (request: Request, context?: RouteContext) => Promise<Response>;

/** A route's path parameters and the 404 message for values that cannot name anything. */
export interface PathParams<P> {
  schema: z.ZodType<P>;
  notFound: string;
}

export function pathParams<P>(schema: z.ZodType<P>, notFound: string): PathParams<P> {
  return { schema, notFound };
}

/** `{id}` as is: the domain function answers 404 for ids that name nothing the caller may see. */
export const idPath = pathParams(z.object({ id: z.string() }), "Not found.");

/** `{id}` of a feed request, refused before any query when it cannot be a request id. */
export const requestPath = pathParams(z.object({ id: requestIdSchema }), "No such request.");

export interface ApiRouteOptions<P, B> {
  params?: PathParams<P>;
  /** The JSON body's schema: the same one the form and its server action use. */
  body?: z.ZodType<B>;
  /** Body fields the route takes from its path; they win over the same fields in the body. */
  bodyFromPath?: (params: P) => Record<string, unknown>;
  /** The status of an answer the handler returns as a plain value (200 by default). */
  status?: number;
}

export interface PublicContext {
  request: Request;
  searchParams: URLSearchParams;
  correlationId: string;
  db: PrismaClient;
}

export interface ApiContext<P, B> extends PublicContext {
  user: ActingUser;
  params: P;
  body: B;
}

/** A Response as is, or any other value as its JSON. */
type Answer = Response | object;

/**
 * The one way to write an /api/v1 route handler. In this order it:
 *  1. takes the correlation id proxy.ts stamped on the request (correlationIdOf);
 *  2. authenticates the caller by one rule (requireApiUser): a request with an
 *     `Authorization: Bearer` header is authenticated by the access token (verifyAccessToken) and
 *     needs no Origin check, since it cannot be forged cross-site; otherwise the session cookie
 *     authenticates it, and every cookie request other than GET and HEAD must pass
 *     assertSameOrigin. Role and team checks stay in the domain functions, for both alike;
 *  3. validates the path parameters (a value that cannot be an id is a 404, like a missing row);
 *  4. parses the JSON body and validates it, path fields merged over it, with the form's schema
 *     (not JSON, or not an object: 400; failing the schema: 400 naming the first problem);
 *  5. runs the handler, answering a returned value as JSON (`status`, 200 by default);
 * and sends `Cache-Control: no-store` on every answer unless the handler set its own, with every
 * error in the envelope `{ error: { code, message }, correlationId }` (errorResponse).
 */
export function apiRoute<P = Record<string, never>, B = undefined>(options: ApiRouteOptions<P, B>, handler: (context: ApiContext<P, B>) => Promise<Answer>): RouteHandler {
  return (request, context) =>
    answer(request, options.status, async (base) => {
      const user = await requireApiUser(request);
      const params = await readParams(options.params, context);
      const body = await readBody(request, options, params);
      return handler({ ...base, user, params, body });
    });
}

/**
 * The same answer discipline (correlation id, no-store, error envelope) for routes that resolve
 * no caller: the sign-in flow and the health check. Anything but GET and HEAD must still come
 * from the portal's own origin.
 */
export function publicRoute(handler: (context: PublicContext) => Promise<Answer>): RouteHandler {
  return (request) =>
    answer(request, undefined, async (base) => {
      if (!isSafeMethod(request.method)) assertSameOrigin(request.headers);
      return handler(base);
    });
}

async function answer(request: Request, status: number | undefined, run: (base: PublicContext) => Promise<Answer>): Promise<Response> {
  const correlationId = correlationIdOf(request.headers);
  try {
    const result = await run({ request, searchParams: new URL(request.url).searchParams, correlationId, db: getDb() });
    const response = result instanceof Response ? result : Response.json(result, { status: status ?? 200 });
    if (!response.headers.has("cache-control")) response.headers.set("Cache-Control", "no-store");
    return response;
  } catch (error) {
    return errorResponse(error, correlationId);
  }
}

async function readParams<P>(params: PathParams<P> | undefined, context: RouteContext | undefined): Promise<P> {
  // Without declared parameters the handler gets none; P is then Record<string, never>.
  if (!params) return {} as P;
  const parsed = params.schema.safeParse(await context?.params);
  if (!parsed.success) throw new NotFoundError(params.notFound);
  return parsed.data;
}

async function readBody<P, B>(request: Request, options: ApiRouteOptions<P, B>, params: P): Promise<B> {
  // Routes without a body schema ignore whatever was sent; B is then undefined.
  if (!options.body) return undefined as B;
  const input = options.body.safeParse({ ...(await readJsonObject(request)), ...options.bodyFromPath?.(params) });
  if (!input.success) {
    // The first problem is the message (as it always was); every field's first problem rides along.
    const fields: Record<string, string> = {};
    for (const issue of input.error.issues) {
      const key = issue.path.map(String).join(".") || "body";
      fields[key] ??= issue.message;
    }
    throw new FieldError("invalid_input", fields, input.error.issues[0]?.message ?? "The request body is not valid.");
  }
  return input.data;
}

/** A JSON object body, or {} when there is none, so the schema names what is missing. */
async function readJsonObject(request: Request): Promise<Record<string, unknown>> {
  const text = await request.text();
  if (!text.trim()) return {};
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new AppError("invalid_input", "The body is not JSON.");
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw new AppError("invalid_input", "The body must be a JSON object.");
  return body as Record<string, unknown>;
}
