import "server-only";
import { AppError } from "@/lib/errors";
import { requestIdSchema } from "@/lib/validation/request-id";
import { RequestValidationError } from "./request-validation-error";

/** The `{id}` of a request route, refused as 404 when it cannot be an id at all. */
export async function readRequestId(params: Promise<{ id: string }>): Promise<string> {
  const parsed = requestIdSchema.safeParse((await params).id);
  if (!parsed.success) throw new AppError("not_found", "No such request.");
  return parsed.data;
}

/** A JSON body, or {} when there is none; a body that is not an object is a 400. */
export async function readJsonObject(request: Request): Promise<Record<string, unknown>> {
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

/** Validation problems as a 400 that also lists every issue, for API clients. */
export function validationResponse(error: RequestValidationError, correlationId: string): Response {
  return Response.json(
    { error: { code: error.code, message: error.message }, issues: error.issues, correlationId },
    { status: 400, headers: { "Cache-Control": "no-store", "x-correlation-id": correlationId } },
  );
}

export const NO_STORE = { "Cache-Control": "no-store" } as const;
