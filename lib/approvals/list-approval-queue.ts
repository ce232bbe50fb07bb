import "server-only";
import type { ActingUser } from "@/lib/auth/acting-user";
import { requireRole } from "@/lib/auth/require-role";
import type { PrismaClient } from "@/lib/db/client";
import { APPROVALS_NEEDED_UNDER_TWO_PERSON_RULE } from "@/lib/upstreams/decide-upstream";
import { getTwoPersonRule } from "@/lib/settings/two-person-rule";
import { scopedRefusal } from "./decide-request";
import { feedRequestSchema, type FeedRequestPayload } from "@/lib/validation/feed-request";

const OPEN_REQUEST_STATUSES = ["SUBMITTED", "AWAITING_UPSTREAM", "APPROVED", "PROVISIONING"] as const;

/**
 * Everything an Approver decides, with the context to decide it: proposed upstream sources
 * (who asks and why, which teams' requests need them, who approved so far), requests awaiting
 * a decision, and the approved sources that can be revoked with the feeds that use them.
 */
export async function listApprovalQueue(db: PrismaClient, actor: ActingUser) {
  requireRole(actor, "Feedgate.Approver");
  const [isTwoPersonRule, proposed, approved, openRequests] = await Promise.all([
    getTwoPersonRule(db),
    db.upstreamSource.findMany({ where: { status: "proposed" }, orderBy: { proposedAt: "asc" }, take: 100 }),
    db.upstreamSource.findMany({
      where: { status: "approved" },
      orderBy: { name: "asc" },
      take: 200,
      select: { id: true, name: true, kind: true, url: true, decidedAt: true, feeds: { select: { feed: { select: { id: true, name: true, team: { select: { name: true } } } } } } },
    }),
    db.feedRequest.findMany({
      where: { status: { in: [...OPEN_REQUEST_STATUSES] } },
      orderBy: { submittedAt: "asc" },
      take: 300,
      select: { id: true, title: true, status: true, statusReason: true, payload: true, submittedAt: true, decidedAt: true, submittedByOid: true, team: { select: { id: true, name: true } } },
    }),
  ]);

  const upstreamIds = proposed.map((u) => u.id);
  const approvals = upstreamIds.length ? await db.approval.findMany({ where: { subjectType: "upstream", subjectId: { in: upstreamIds }, decision: "approve" }, orderBy: { createdAt: "asc" } }) : [];
  const people = await namesOf(db, [...proposed.map((u) => u.proposedByOid), ...openRequests.map((r) => r.submittedByOid), ...approvals.map((a) => a.approverOid)]);

  const requests = openRequests.map((r) => ({ ...r, parsed: safePayload(r.payload) }));
  const allUpstreamNames = new Map([...proposed, ...approved].map((u) => [u.id, u.name]));

  const upstreams = proposed.map((u) => {
    const approvers = approvals.filter((a) => a.subjectId === u.id);
    const isProposer = u.proposedByOid === actor.oid;
    const hasApproved = approvers.some((a) => a.approverOid === actor.oid);
    const using = requests.filter((r) => r.parsed && (r.parsed.upstreamIds.includes(u.id) || r.parsed.proposedUpstreams.some((p) => p.kind === u.kind && p.url === u.url)));
    return {
      id: u.id,
      name: u.name,
      kind: u.kind,
      url: u.url,
      justification: u.justification,
      allowList: Array.isArray(u.allowList) ? u.allowList.filter((n): n is string => typeof n === "string") : null,
      proposedAt: u.proposedAt,
      proposedBy: u.proposedByOid ? (people.get(u.proposedByOid) ?? "Unknown person") : "Unknown person",
      approvedBy: approvers.map((a) => people.get(a.approverOid) ?? "Unknown approver"),
      approvalsNeeded: isTwoPersonRule ? APPROVALS_NEEDED_UNDER_TWO_PERSON_RULE : 1,
      /** Why this approver may not approve, if so; declining stays possible. */
      approveBlockedReason: isProposer ? (isTwoPersonRule ? "You proposed this source, so two other approvers decide it." : "You proposed this source, so another approver decides it.") : isTwoPersonRule && hasApproved ? "You approved already; a second approver completes it." : null,
      teams: [...new Set(using.map((r) => r.team.name))].sort(),
      requests: using.map((r) => ({ id: r.id, title: r.title, team: r.team.name })),
    };
  });

  const pending = requests.filter((r) => (r.status === "SUBMITTED" || r.status === "AWAITING_UPSTREAM") && r.decidedAt === null);
  const scopedTeams = pending.length ? await db.teamApprover.findMany({ where: { teamId: { in: [...new Set(pending.map((r) => r.team.id))] } }, select: { teamId: true, user: { select: { entraOid: true, name: true, lastRoles: true } } }, orderBy: { createdAt: "asc" } }) : [];
  /** Why this approver may not decide the request (the team's scoped approvers decide it), or null; the same rule decideRequest applies. */
  const refusalFor = (r: (typeof pending)[number]) =>
    scopedRefusal(scopedTeams.filter((a) => a.teamId === r.team.id).map((a) => ({ ...a.user, teamName: r.team.name })), r.submittedByOid, actor.oid);
  const pendingRequests = pending
    .map((r) => ({
      id: r.id,
      title: r.title,
      status: r.status,
      statusReason: r.statusReason,
      team: r.team.name,
      submittedAt: r.submittedAt,
      submittedBy: people.get(r.submittedByOid) ?? "Unknown person",
      isOwn: r.submittedByOid === actor.oid,
      decideBlockedReason: refusalFor(r),
      summary: r.parsed ? summarise(r.parsed, allUpstreamNames) : null,
    }));

  return {
    isTwoPersonRule,
    upstreams,
    requests: pendingRequests,
    approvedUpstreams: approved.map((u) => ({
      id: u.id,
      name: u.name,
      kind: u.kind,
      url: u.url,
      decidedAt: u.decidedAt,
      feeds: u.feeds.map((f) => ({ id: f.feed.id, name: f.feed.name, team: f.feed.team.name })),
    })),
  };
}

export type ApprovalQueue = Awaited<ReturnType<typeof listApprovalQueue>>;

function summarise(p: FeedRequestPayload, upstreamNames: Map<string, string>) {
  return {
    workspace: p.workspace.mode === "existing" ? "An existing registered workspace" : `A new network-isolated workspace in ${p.workspace.region} (${p.workspace.addressSpace})`,
    feedHost: p.feedHost.mode === "existing" ? "An existing feed host" : p.feedHost.mode === "new-nexus-vm" ? "A new Nexus VM" : `Azure Artifacts (${p.feedHost.organization}/${p.feedHost.project})`,
    upstreams: [...p.upstreamIds.map((id) => upstreamNames.get(id) ?? "an approved source"), ...p.proposedUpstreams.map((u) => `${u.name} (proposed)`)],
    /** Verbatim: the approver approves exactly these entries, which become conda.yml and requirements.txt. */
    environments: p.environments.map((e) => ({ name: e.name, baseImage: e.baseImage, conda: [...e.conda], pip: [...e.pip] })),
  };
}

/** A stored payload that no longer passes the schema (say, one with a line break smuggled in before the fix) is shown as such, never summarised. */
function safePayload(payload: unknown): FeedRequestPayload | null {
  const parsed = feedRequestSchema.safeParse(payload);
  return parsed.success ? parsed.data : null;
}

/** Display names for people, by Entra object id (what every …Oid column holds). */
async function namesOf(db: PrismaClient, refs: (string | null)[]): Promise<Map<string, string>> {
  const ids = [...new Set(refs.filter((r): r is string => !!r))];
  if (!ids.length) return new Map();
  const users = await db.user.findMany({ where: { entraOid: { in: ids } }, select: { entraOid: true, name: true } });
  return new Map(users.map((u) => [u.entraOid, u.name]));
}
