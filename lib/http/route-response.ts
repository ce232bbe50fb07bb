import "server-only";
import { randomUUID } from "node:crypto";
import { FieldError, isAppError } from "@/lib/errors";
import { getLogger } from "@/lib/logger";
import { RequestValidationError } from "@/lib/requests/request-validation-error";

/** The correlation id proxy.ts stamped on this request, or a fresh one. */
export function correlationIdOf(headers: Headers): string {
  const id = headers.get("x-correlation-id");
  return id && /^[\w-]{8,64}$/.test(id) ? id : randomUUID();
}

/**
 * An error as the JSON envelope `{ error: { code, message }, correlationId }`: AppErrors keep their
 * status and message (a RequestValidationError also lists every issue, for API clients); anything
 * else is logged and answered with a generic 500 that names the correlation id.
 */
export function errorResponse(error: unknown, correlationId: string): Response {
  const headers = { "Cache-Control": "no-store", "x-correlation-id": correlationId };
  if (isAppError(error)) {
    const issues = error instanceof RequestValidationError ? { issues: error.issues } : {};
    const fields = error instanceof FieldError ? { fields: error.fields } : {};
    return Response.json({ error: { code: error.code, message: error.message, ...fields }, ...issues, correlationId }, { status: error.status, headers });
  }
  getLogger().error({ err: error, correlationId }, "request failed");
  return Response.json(
    { error: { code: "internal", message: "Something went wrong on our side. Quote the correlation id if you contact the platform team." }, correlationId },
    { status: 500, headers },
  );
}
