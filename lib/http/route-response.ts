import "server-only";
import { randomUUID } from "node:crypto";
import { isAppError } from "@/lib/errors";
import { getLogger } from "@/lib/logger";

/** The correlation id proxy.ts stamped on this request, or a fresh one. */
export function correlationIdOf(headers: Headers): string {
  const id = headers.get("x-correlation-id");
  return id && /^[\w-]{8,64}$/.test(id) ? id : randomUUID();
}

/**
 * Runs a route handler body and maps errors to JSON: AppErrors keep their status and message;
 * anything else is logged and answered with a generic 500 and the correlation id.
 */
export async function respond(request: Request, body: (correlationId: string) => Promise<Response>): Promise<Response> {
  const correlationId = correlationIdOf(request.headers);
  try {
    return await body(correlationId);
  } catch (error) {
    return errorResponse(error, correlationId);
  }
}

export function errorResponse(error: unknown, correlationId: string): Response {
  const headers = { "Cache-Control": "no-store", "x-correlation-id": correlationId };
  if (isAppError(error)) {
    return Response.json({ error: { code: error.code, message: error.message }, correlationId }, { status: error.status, headers });
  }
  getLogger().error({ err: error, correlationId }, "request failed");
  return Response.json(
    { error: { code: "internal", message: "Something went wrong on our side. Quote the correlation id if you contact the platform team." }, correlationId },
    { status: 500, headers },
  );
}
