/**
 * The wizard's steps and how an issue's path reads in a message: no zod, so the wizard's first
 * load in the browser does not carry the validators (they load when a step needs them).
 */
export const WIZARD_STEPS = [
  { key: "workspace", title: "Team and workspace" },
  { key: "feed-host", title: "Feed host" },
  { key: "upstreams", title: "Upstream sources" },
  { key: "environments", title: "Environments" },
  { key: "review", title: "Review and submit" },
] as const;
export type WizardStepKey = (typeof WIZARD_STEPS)[number]["key"];

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
