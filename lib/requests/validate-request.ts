import "server-only";
import type { ActingUser } from "@/lib/auth/acting-user";
import type { PrismaClient } from "@/lib/db/client";
import { readJsonColumn, workspaceNetworkSchema } from "@/lib/db/json-columns";
import { planSubnets, rangesOverlap } from "@/lib/infra/plan-subnets";
import { feedRequestSchema, type FeedRequestPayload } from "@/lib/validation/feed-request";
import { pathKey, stepOfPath, toFeedRequestInput, type WizardState } from "@/lib/validation/request-wizard";
import type { RequestIssue } from "./request-validation-error";

export interface RequestValidation {
  /** The validated payload, when there is no issue at all. */
  payload: FeedRequestPayload | null;
  issues: RequestIssue[];
}

/**
 * Checks a wizard state the way submit will: feedRequestSchema first (the same schema the
 * form's inline errors come from), then what only the database knows: team membership, the
 * workspace and host still being there, approved upstreams, address-space overlap and
 * proposals that clash with sources already on record. Reads only; writes nothing.
 */
export async function validateRequestState(db: PrismaClient, actor: ActingUser, state: WizardState): Promise<RequestValidation> {
  const input = toFeedRequestInput(state);
  const parsed = feedRequestSchema.safeParse(input);
  const issues: RequestIssue[] = [];
  const add = (path: (string | number)[], message: string) => issues.push({ path: pathKey(path), step: stepOfPath(path), message });

  if (!parsed.success) {
    for (const issue of parsed.error.issues) add(issue.path.map((p) => (typeof p === "symbol" ? String(p) : p)), friendlyMessage(issue.path, issue.message, input));
  }

  if (!actor.teamIds.includes(state.teamId)) add(["teamId"], "pick one of your own teams");

  const ws = state.workspace;
  if (ws.mode === "existing" && ws.workspaceId) {
    const found = await db.workspace.findFirst({ where: { id: ws.workspaceId, teamId: state.teamId, status: "REGISTERED" }, select: { id: true } });
    if (!found) add(["workspace", "workspaceId"], "is not a registered workspace of this team");
  }
  if (ws.mode === "new" && /^\d+\.\d+\.\d+\.\d+\/\d+$/.test(ws.addressSpace.trim())) {
    const space = ws.addressSpace.trim();
    let plannable = true;
    try {
      planSubnets(space);
    } catch {
      plannable = false;
      add(["workspace", "addressSpace"], "is too small: the workspace needs two /24 subnets, so use /23 or larger (e.g. /16)");
    }
    if (plannable) {
      const clash = await findOverlap(db, actor, space);
      if (clash) add(["workspace", "addressSpace"], `overlaps ${clash}; pick a range no registered workspace uses`);
    }
  }

  const host = state.feedHost;
  let hostKind: "nexus" | "artifacts" | null = host.mode === "artifacts" ? "artifacts" : host.mode === "new-nexus-vm" ? "nexus" : null;
  if (host.mode === "existing" && host.hostId) {
    const found = await db.feedHost.findFirst({ where: { id: host.hostId, status: "ACTIVE" }, select: { kind: true } });
    if (!found) add(["feedHost", "hostId"], "is not an active feed host");
    hostKind = found?.kind ?? null;
  }
  if (host.mode === "new-nexus-vm" && ws.mode === "existing") {
    add(["feedHost", "mode"], "a new Nexus VM is placed in a workspace Feedgate deploys; pick an existing host, or ask for a new workspace");
  }

  const picked = state.upstreamIds.length
    ? await db.upstreamSource.findMany({ where: { id: { in: state.upstreamIds } }, select: { id: true, name: true, kind: true, status: true } })
    : [];
  state.upstreamIds.forEach((id, i) => {
    const u = picked.find((p) => p.id === id);
    if (!u || u.status !== "approved") add(["upstreamIds", i], `${u ? `${u.name} is ${u.status}` : "is not an upstream source"}: pick an approved one`);
  });
  const kinds = new Set<string>([...picked.map((p) => p.kind), ...state.proposedUpstreams.map((p) => p.kind)]);
  if (picked.length + state.proposedUpstreams.length === 0) add(["upstreamIds"], "pick at least one upstream source, or propose one");
  else if (!kinds.has("pypi")) add(["upstreamIds"], "include a PyPI source: pip needs one index");
  if (hostKind === "artifacts") {
    picked.filter((p) => p.kind === "conda").forEach((p) => add(["upstreamIds", state.upstreamIds.indexOf(p.id)], `${p.name} is a conda channel, and Azure Artifacts has no conda: pick a Nexus host or leave it out`));
    state.proposedUpstreams.forEach((p, i) => {
      if (p.kind === "conda") add(["proposedUpstreams", i, "kind"], "Azure Artifacts has no conda: pick a Nexus host, or propose a PyPI source");
    });
  }

  if (parsed.success) {
    for (const [i, p] of parsed.data.proposedUpstreams.entries()) {
      const [sameUrl, sameName] = await Promise.all([
        db.upstreamSource.findFirst({ where: { kind: p.kind, url: p.url }, select: { name: true, status: true } }),
        db.upstreamSource.findFirst({ where: { name: p.name }, select: { kind: true, url: true } }),
      ]);
      if (sameUrl && (sameUrl.status === "declined" || sameUrl.status === "revoked")) add(["proposedUpstreams", i, "url"], `was ${sameUrl.status} as ${sameUrl.name}; propose another source`);
      else if (sameUrl?.status === "approved") add(["proposedUpstreams", i, "url"], `is already approved as ${sameUrl.name}: pick it from the list instead`);
      if (!sameUrl && sameName) add(["proposedUpstreams", i, "name"], "is already the name of another upstream source");
    }
  }

  const unique = dedupe(issues);
  return { payload: parsed.success && unique.length === 0 ? parsed.data : null, issues: unique };
}

/** The registered workspace whose address space overlaps `space`, described without leaking other teams' names. */
async function findOverlap(db: PrismaClient, actor: ActingUser, space: string): Promise<string | null> {
  const workspaces = await db.workspace.findMany({ select: { name: true, teamId: true, network: true }, take: 1000 });
  for (const w of workspaces) {
    for (const range of addressSpacesOf(w.network)) {
      if (!rangesOverlap(space, range)) continue;
      return actor.teamIds.includes(w.teamId) ? `${range} of workspace ${w.name}` : `${range}, used by another team's workspace`;
    }
  }
  return null;
}

export function addressSpacesOf(network: unknown): string[] {
  return readJsonColumn(workspaceNetworkSchema, network, { addressSpace: [] }).addressSpace;
}

/** Zod's generic texts for a missing choice read badly next to a field; say what to do instead. */
function friendlyMessage(path: readonly PropertyKey[], message: string, input: ReturnType<typeof toFeedRequestInput>): string {
  const last = String(path[path.length - 1] ?? "");
  const parent = String(path[path.length - 2] ?? "");
  if (last === "teamId") return "pick a team";
  if (last === "baseImage") return "pick a base image from the list";
  if (last === "region") return "pick a region";
  if (last === "workspaceId") return "pick a workspace";
  if (last === "hostId") return "pick a feed host";
  if ((parent === "pip" || parent === "conda") && path[0] === "environments") {
    const env = input.environments[Number(path[1])];
    const value = parent === "pip" ? env?.pip[Number(last)] : env?.conda[Number(last)];
    if (value !== undefined) return `\`${value.length > 60 ? `${value.slice(0, 57)}…` : value}\` ${message}`;
  }
  return message;
}

function dedupe(issues: RequestIssue[]): RequestIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const key = `${i.path}|${i.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
