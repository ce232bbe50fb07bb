/**
 * The job runner's logger: the interface a worker logs through, the JSON-lines console default,
 * and how an error is described in a log line.
 */
import "server-only";

export interface JobLogger {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

export const consoleLogger: JobLogger = {
  info: (fields, message) => console.log(JSON.stringify({ level: "info", msg: message, ...fields })),
  warn: (fields, message) => console.warn(JSON.stringify({ level: "warn", msg: message, ...fields })),
  error: (fields, message) => console.error(JSON.stringify({ level: "error", msg: message, ...fields })),
};

export function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
