import { AppError } from "@/lib/errors";
import { describePath } from "@/lib/validation/wizard-steps";

/** One problem with a request, placed on the wizard step and field it belongs to. */
export interface RequestIssue {
  /** Dotted path into the feedRequestSchema input, e.g. `environments.0.pip.1`. */
  path: string;
  step: number;
  message: string;
}

/**
 * A request that does not pass its schema or the checks against the database. The message
 * names the first problem in words; `issues` carries all of them for inline display.
 */
export class RequestValidationError extends AppError {
  constructor(readonly issues: RequestIssue[]) {
    const first = issues[0];
    const more = issues.length > 1 ? ` (and ${issues.length - 1} more problem${issues.length > 2 ? "s" : ""})` : "";
    super("invalid_input", first ? `${describePath(first.path)}: ${first.message}${more}` : "The request is not valid.");
  }
}
