/**
 * Typed, coded errors. Domain code throws these; route handlers and the action client turn them
 * into HTTP statuses and user-facing text. Anything else is logged and shown as a generic error
 * with a correlation id, so raw exception messages never reach a browser.
 */
export type ErrorCode =
  | "unauthenticated"
  | "invalid_token"
  | "forbidden"
  | "cross_origin"
  | "not_found"
  | "conflict"
  | "invalid_input"
  | "too_large"
  | "rate_limited"
  | "cloud_unavailable";

const STATUS: Record<ErrorCode, number> = {
  unauthenticated: 401,
  invalid_token: 401,
  forbidden: 403,
  cross_origin: 403,
  not_found: 404,
  conflict: 409,
  invalid_input: 400,
  too_large: 413,
  rate_limited: 429,
  cloud_unavailable: 502,
};

export class AppError extends Error {
  override name = "AppError";
  readonly status: number;
  /** @param message Shown to the user as is: write it for a person, never include internals. */
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.status = STATUS[code];
  }
}

export class UnauthenticatedError extends AppError {
  constructor(message = "Sign in to continue.") {
    super("unauthenticated", message);
  }
}

export class ForbiddenError extends AppError {
  constructor(message = "Your role does not allow this.") {
    super("forbidden", message);
  }
}

export class NotFoundError extends AppError {
  constructor(message = "Not found.") {
    super("not_found", message);
  }
}

/** Bad input on a form, one message per field, for the form to place beside each field; nothing was changed. */
export class FieldError extends AppError {
  constructor(
    code: "invalid_input" | "conflict",
    readonly fields: Record<string, string>,
    message = Object.entries(fields).map(([field, text]) => `${field}: ${text}`).join("; "),
  ) {
    super(code, message);
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}
