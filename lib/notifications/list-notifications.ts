/**
 * Notifications are a query over what Feedgate already records, not a second write path:
 * - what needs you (Approvers): proposed upstream sources and requests nobody has decided yet;
 *   these stay until someone decides them;
 * - what changed (Requesters): your requests that moved on, your teams' finished builds and
 *   flagged feeds, and your teams' environment versions that turned stale (Environment.staleAt,
 *   the first time the staleness check found a reason to rebuild), since the moment you last
 *   marked notifications as seen.
 */
import "server-only";
import type { ActingUser } from "@/lib/auth/acting-user";
import type { PrismaClient } from "@/lib/db/client";
import { readStaleReasons, STALE_REASON_LABELS } from "@/lib/staleness/stale-reasons";

export interface NotificationItem {
  id: string;
  kind: "needs-decision" | "request-changed" | "build-finished" | "feed-flagged" | "environment-stale";
  title: string;
  detail: string;
  href: string;
  at: Date;
  isUnread: boolean;
}

const UNDECIDED = { status: { in: ["SUBMITTED", "AWAITING_UPSTREAM"] as ("SUBMITTED" | "AWAITING_UPSTREAM")[] }, decidedAt: null };
const MOVED_ON: ("AWAITING_UPSTREAM" | "APPROVED" | "DECLINED" | "PROVISIONING" | "READY" | "FAILED" | "CANCELLED")[] = ["AWAITING_UPSTREAM", "APPROVED", "DECLINED", "PROVISIONING", "READY", "FAILED", "CANCELLED"];
const LIST_LIMIT = 20;

async function seenSince(db: PrismaClient, actor: ActingUser): Promise<Date> {
  const u = await db.user.findUnique({ where: { id: actor.id }, select: { notificationsSeenAt: true, createdAt: true } });
  return u?.notificationsSeenAt ?? u?.createdAt ?? new Date(0);
}

function isApprover(actor: ActingUser) {
  return actor.roles.includes("Feedgate.Approver");
}

function isRequester(actor: ActingUser) {
  return actor.roles.includes("Feedgate.Requester") || actor.roles.includes("Feedgate.Admin");
}

/** The badge number: a handful of indexed counts, run together. */
export async function countNotifications(db: PrismaClient, actor: ActingUser): Promise<number> {
  const since = await seenSince(db, actor);
  const counts = await Promise.all([
    isApprover(actor) ? db.upstreamSource.count({ where: { status: "proposed" } }) : 0,
    isApprover(actor) ? db.feedRequest.count({ where: UNDECIDED }) : 0,
    isRequester(actor) ? db.feedRequest.count({ where: { submittedByOid: actor.oid, status: { in: MOVED_ON }, updatedAt: { gt: since } } }) : 0,
    isRequester(actor) && actor.teamIds.length ? db.environmentBuild.count({ where: { teamId: { in: actor.teamIds }, status: { in: ["SUCCEEDED", "FAILED"] }, finishedAt: { gt: since } } }) : 0,
    isRequester(actor) && actor.teamIds.length ? db.auditEvent.count({ where: { action: "feed.flagged", teamId: { in: actor.teamIds }, createdAt: { gt: since } } }) : 0,
    // Environment @@index([staleAt, teamId]): a range on staleAt, so the cost follows the new items.
    isRequester(actor) && actor.teamIds.length ? db.environment.count({ where: { staleAt: { gt: since }, teamId: { in: actor.teamIds }, supersededAt: null } }) : 0,
  ]);
  return counts.reduce((a, b) => a + b, 0);
}

/** The list behind the badge, newest first; items older than the seen marker are shown as read. */
export async function listNotifications(db: PrismaClient, actor: ActingUser): Promise<{ count: number; items: NotificationItem[]; seenAt: Date }> {
  const since = await seenSince(db, actor);
  const items: NotificationItem[] = [];
  if (isApprover(actor)) {
    const [upstreams, requests] = await Promise.all([
      db.upstreamSource.findMany({ where: { status: "proposed" }, orderBy: { proposedAt: "asc" }, take: LIST_LIMIT, select: { id: true, name: true, kind: true, proposedAt: true } }),
      db.feedRequest.findMany({ where: UNDECIDED, orderBy: { submittedAt: "asc" }, take: LIST_LIMIT, select: { id: true, title: true, submittedAt: true, updatedAt: true, team: { select: { name: true } } } }),
    ]);
    for (const u of upstreams) items.push({ id: `upstream:${u.id}`, kind: "needs-decision", title: `Upstream ${u.name} awaits a decision`, detail: `Proposed ${u.kind} source`, href: "/approvals#proposed-upstreams", at: u.proposedAt, isUnread: true });
    for (const r of requests) items.push({ id: `request:${r.id}`, kind: "needs-decision", title: `Request “${r.title}” awaits a decision`, detail: `From ${r.team.name}`, href: "/approvals#pending-requests", at: r.submittedAt ?? r.updatedAt, isUnread: true });
  }
  if (isRequester(actor)) {
    const recent = new Date(Math.min(since.getTime(), Date.now() - 7 * 24 * 3600_000));
    const [requests, builds, flags, stale] = await Promise.all([
      db.feedRequest.findMany({ where: { submittedByOid: actor.oid, status: { in: MOVED_ON }, updatedAt: { gt: recent } }, orderBy: { updatedAt: "desc" }, take: LIST_LIMIT, select: { id: true, title: true, status: true, statusReason: true, updatedAt: true } }),
      actor.teamIds.length ? db.environmentBuild.findMany({ where: { teamId: { in: actor.teamIds }, status: { in: ["SUCCEEDED", "FAILED"] }, finishedAt: { gt: recent } }, orderBy: { finishedAt: "desc" }, take: LIST_LIMIT, select: { id: true, environmentName: true, status: true, finishedAt: true, failureMessage: true } }) : [],
      actor.teamIds.length ? db.auditEvent.findMany({ where: { action: "feed.flagged", teamId: { in: actor.teamIds }, createdAt: { gt: recent } }, orderBy: { id: "desc" }, take: LIST_LIMIT, select: { id: true, targetId: true, after: true, createdAt: true } }) : [],
      actor.teamIds.length ? db.environment.findMany({ where: { staleAt: { gt: recent }, teamId: { in: actor.teamIds }, supersededAt: null }, orderBy: { staleAt: "desc" }, take: LIST_LIMIT, select: { id: true, name: true, version: true, staleAt: true, staleReasons: true } }) : [],
    ]);
    for (const r of requests) items.push({ id: `request-state:${r.id}`, kind: "request-changed", title: `Your request “${r.title}” is ${r.status.toLowerCase().replaceAll("_", " ")}`, detail: r.statusReason ?? "", href: `/requests/${r.id}`, at: r.updatedAt, isUnread: r.updatedAt > since });
    for (const b of builds) {
      const at = b.finishedAt ?? new Date(0);
      items.push({ id: `build:${b.id}`, kind: "build-finished", title: `Build of ${b.environmentName} ${b.status === "SUCCEEDED" ? "succeeded" : "failed"}`, detail: b.status === "FAILED" ? (b.failureMessage ?? "") : "", href: "/builds", at, isUnread: at > since });
    }
    for (const f of flags) {
      items.push({ id: `flag:${f.id}`, kind: "feed-flagged", title: `A feed of your team was flagged`, detail: flagDetail(f.after), href: "/feeds", at: f.createdAt, isUnread: f.createdAt > since });
    }
    for (const e of stale) {
      const at = e.staleAt ?? new Date(0);
      items.push({ id: `stale:${e.id}`, kind: "environment-stale", title: `Environment ${e.name} version ${e.version} is stale`, detail: staleDetail(e.staleReasons), href: "/builds", at, isUnread: at > since });
    }
  }
  items.sort((a, b) => Number(b.isUnread) - Number(a.isUnread) || b.at.getTime() - a.at.getTime());
  return { count: items.filter((i) => i.isUnread).length, items: items.slice(0, 30), seenAt: since };
}

/**
 * Moves the seen marker to now: updates clear from the badge; decisions still waiting stay.
 * An automation's app-only token has no person behind it, so there is no marker to move.
 */
export async function markNotificationsSeen(db: PrismaClient, actor: ActingUser): Promise<{ seenAt: Date }> {
  const seenAt = new Date();
  await db.user.updateMany({ where: { id: actor.id }, data: { notificationsSeenAt: seenAt } });
  return { seenAt };
}

/** Why, in one line: the first reason's label and sentence, and how many more there are. */
function staleDetail(value: unknown): string {
  const reasons = readStaleReasons(value);
  const first = reasons[0];
  if (!first) return "It should be rebuilt.";
  const more = reasons.length > 1 ? ` (+${reasons.length - 1} more)` : "";
  return `${STALE_REASON_LABELS[first.kind]}: ${first.detail}${more}`;
}

/** A revoke names its upstream; the drift check and the health re-check say what they found. */
function flagDetail(after: unknown): string {
  const record = typeof after === "object" && after !== null ? (after as Record<string, unknown>) : {};
  if (typeof record.upstream === "string") return `${record.upstream} was revoked; its proxy is being switched offline.`;
  if (typeof record.detail === "string") return record.detail;
  if (Array.isArray(record.drift) && record.drift.some((d) => typeof d === "string")) return `Its configuration on Nexus drifted: ${record.drift.filter((d) => typeof d === "string").join(" ")} An Admin can repair it.`;
  return "It is DEGRADED; the feed catalog says why.";
}
