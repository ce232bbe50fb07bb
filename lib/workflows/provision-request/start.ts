/**
 * The hand-off from decisions to automation. An approved request starts provisioning only when
 * every upstream it needs is approved: proposals it made hold it (AWAITING_UPSTREAM) until an
 * approver decides them, and a declined proposal declines the request with the reason.
 */
import "server-only";
import { recordAuditEvent } from "@/lib/audit/record-audit-event";
import type { PrismaClient } from "@/lib/db/client";
import { enqueueJob } from "@/lib/jobs/enqueue-job";
import { JobConflictError } from "@/lib/jobs/job-errors";
import { transitionRequest } from "@/lib/request-state/transition";
import { PROVISION_REQUEST_KIND } from "@/lib/workflows/provision-request/schema";
import { feedRequestSchema } from "@/lib/validation/feed-request";

export type ProvisioningOutcome =
  | { state: "started"; jobId: string }
  | { state: "already-running"; jobId: string }
  | { state: "waiting-for-upstreams"; pending: string[] }
  | { state: "declined"; reason: string }
  | { state: "not-approved" };

export interface SystemActor {
  actorOid: string;
  actorName?: string | null;
  correlationId: string;
}

/** Statuses of a decided request that automation has not picked up yet. */
const HANDED_OVER = ["APPROVED", "AWAITING_UPSTREAM"] as const;

export function requestJobSubject(requestId: string) {
  return `request:${requestId}`;
}

/** Upstreams a request needs: the approved ones it picked plus the ones it proposed. */
export async function resolveRequestUpstreams(db: PrismaClient, payload: unknown) {
  const p = feedRequestSchema.parse(payload);
  const picked = await db.upstreamSource.findMany({ where: { id: { in: p.upstreamIds } } });
  const proposed = p.proposedUpstreams.length
    ? await db.upstreamSource.findMany({ where: { OR: p.proposedUpstreams.map((u) => ({ kind: u.kind, url: u.url })) } })
    : [];
  return [...picked, ...proposed.filter((u) => !picked.some((q) => q.id === u.id))];
}

export async function startProvisioningIfReady(db: PrismaClient, requestId: string, actor: SystemActor): Promise<ProvisioningOutcome> {
  const request = await db.feedRequest.findUnique({ where: { id: requestId } });
  if (!request || !(HANDED_OVER as readonly string[]).includes(request.status)) return { state: "not-approved" };
  const upstreams = await resolveRequestUpstreams(db, request.payload);

  const declined = upstreams.filter((u) => u.status === "declined" || u.status === "revoked");
  if (declined.length) {
    const reason = `Upstream ${declined.map((u) => `${u.name} was ${u.status}${u.decisionReason ? ` (${u.decisionReason})` : ""}`).join("; ")}. Edit the request without it, or propose another source.`;
    await transitionRequest(db, requestId, HANDED_OVER, "DECLINED", reason);
    return { state: "declined", reason };
  }
  const pending = upstreams.filter((u) => u.status === "proposed");
  if (pending.length) {
    await transitionRequest(db, requestId, HANDED_OVER, "AWAITING_UPSTREAM", `Waiting for an approver to decide ${pending.map((u) => u.name).join(", ")}.`);
    return { state: "waiting-for-upstreams", pending: pending.map((u) => u.name) };
  }

  try {
    const job = await enqueueJob(db, {
      kind: PROVISION_REQUEST_KIND,
      subject: requestJobSubject(requestId),
      payload: { requestId, upstreamIds: upstreams.map((u) => u.id) },
    });
    // The job may already have moved the request to PROVISIONING itself; either way it is there.
    await transitionRequest(db, requestId, HANDED_OVER, "PROVISIONING", null);
    await recordAuditEvent(db, {
      actorOid: actor.actorOid,
      actorName: actor.actorName,
      action: "job.started",
      targetType: "request",
      targetId: requestId,
      after: { jobId: job.id, kind: PROVISION_REQUEST_KIND },
      correlationId: actor.correlationId,
      teamId: request.teamId,
    });
    return { state: "started", jobId: job.id };
  } catch (error) {
    if (!(error instanceof JobConflictError)) throw error;
    return { state: "already-running", jobId: error.activeJobId ?? "" };
  }
}

/** After an upstream decision: let every request that waited on it move on. */
export async function resumeRequestsWaitingOnUpstreams(db: PrismaClient, actor: SystemActor): Promise<ProvisioningOutcome[]> {
  const waiting = await db.feedRequest.findMany({ where: { status: "AWAITING_UPSTREAM" }, select: { id: true }, take: 200 });
  const outcomes: ProvisioningOutcome[] = [];
  for (const r of waiting) outcomes.push(await startProvisioningIfReady(db, r.id, actor));
  return outcomes;
}
