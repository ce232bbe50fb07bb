import { AppError } from "@/lib/errors";

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

/** `environments.0.pip.1` → `Environment 1, pip requirement 2`, for messages read without the form. */
export function describePath(path: string): string {
  const parts = path.split(".");
  const out: string[] = [];
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i] ?? "";
    const next = parts[i + 1];
    const n = next !== undefined && /^\d+$/.test(next) ? Number(next) + 1 : undefined;
    const label = LABELS[p] ?? p;
    if (n !== undefined) {
      out.push(`${label} ${n}`);
      i++;
    } else out.push(label);
  }
  return out.join(", ") || "Request";
}

const LABELS: Record<string, string> = {
  teamId: "Team",
  title: "Title",
  workspace: "Workspace",
  workspaceId: "workspace",
  region: "region",
  namePrefix: "name prefix",
  addressSpace: "address space",
  feedHost: "Feed host",
  hostId: "host",
  organization: "organization",
  project: "project",
  upstreamIds: "Upstream sources",
  proposedUpstreams: "Proposed upstream",
  name: "name",
  kind: "kind",
  url: "URL",
  justification: "justification",
  allowList: "allow-list entry",
  environments: "Environment",
  baseImage: "base image",
  conda: "conda package",
  pip: "pip requirement",
};
