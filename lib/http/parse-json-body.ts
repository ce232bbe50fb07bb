import type { z } from "zod";
import { AppError } from "@/lib/errors";

/**
 * Reads a JSON object body, merges fields the route takes from its path (they win over the
 * body), and validates the result with the same schema as the form. A body that is not an
 * object counts as empty, so the schema names what is missing.
 */
export async function parseJsonBody<S extends z.ZodType>(request: Request, schema: S, fromPath: Record<string, string>, fallbackMessage: string): Promise<z.output<S>> {
  const body: unknown = await request.json().catch(() => null);
  const fields = typeof body === "object" && body !== null && !Array.isArray(body) ? body : {};
  const input = schema.safeParse({ ...fields, ...fromPath });
  if (!input.success) throw new AppError("invalid_input", input.error.issues[0]?.message ?? fallbackMessage);
  return input.data;
}
