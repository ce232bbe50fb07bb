import "server-only";
import type { FeedRequestStatus } from "@/generated/prisma/enums";
import type { ActingUser } from "@/lib/auth/acting-user";
import { requireRole } from "@/lib/auth/require-role";
import { guidanceFor } from "@/lib/builds/classify-build-failure";
import type { PrismaClient } from "@/lib/db/client";
import { deploymentOperationSchema, readJsonList } from "@/lib/db/json-columns";
import { NotFoundError } from "@/lib/errors";
import { listJobEvents } from "@/lib/jobs/list-job-events";
import { SETTLED_REQUEST_STATUSES, visibleRequestsWhere } from "./request-scope";
import { requestJobSubject } from "@/lib/workflows/provision-request/start";

export const STAGES = [
  { step: "infrastructure", label: "Infrastructure", next: "Read the failing resource below. Quota, policy or an address-space clash are the usual causes: fix it in Azure or start a new request with another range, then Retry." },
  { step: "feed-registration", label: "Feed registration", next: "Feedgate could not create the proxy repositories. Check that the feed host is up and its credential is valid, then Retry." },
  { step: "preflight", label: "Preflight", next: "The feed did not answer as expected. Check that the feed host can reach its upstreams (and, for Nexus, that anonymous read is on; for Azure Artifacts, that its PAT is valid), then Retry." },
  { step: "environment-build", label: "Environment build", next: "Open the failed build for its log and guidance, fix the package or the feed, then Retry: finished steps are not repeated." },
] as const;

export type StageState = "pending" | "running" | "succeeded" | "failed" | "cancelled";

export interface TimelineStage {
  step: string;
  label: string;
  state: StageState;
  startedAt: string | null;
  finishedAt: string | null;
  /** The next step to take, when this stage failed. */
  next: string | null;
}

export interface TimelineEvent {
  id: number;
  step: string | null;
  type: string;
  message: string;
  at: string;
}

export interface TimelineSnapshot {
  requestId: string;
  status: FeedRequestStatus;
  statusReason: string | null;
  job: { id: string; status: string; currentStep: string | null; attempts: number; lastError: string | null } | null;
  stages: TimelineStage[];
  deployments: { id: string; name: string; template: string; resourceGroup: string; state: string; error: string | null; operations: DeploymentOperation[] }[];
  builds: { id: string; environment: string; status: string; attempt: number; failureClass: string | null; guidance: string | null; failureMessage: string | null }[];
  /** True once nothing more will happen without someone acting (no active job, settled status). */
  isSettled: boolean;
}

export interface DeploymentOperation {
  resourceType: string;
  resourceName: string;
  state: string;
  error: string | null;
}

/**
 * The request's orchestration as the detail page shows it: stages from the job's checkpoints,
 * per-resource ARM progress from Deployment.operations, builds with guidance. The SSE stream
 * sends this again whenever it changes, and the job's events in between.
 */
export async function getRequestTimeline(db: PrismaClient, actor: ActingUser, requestId: string): Promise<TimelineSnapshot> {
  requireRole(actor, "Feedgate.Requester", "Feedgate.Admin");
  const request = await db.feedRequest.findFirst({ where: { id: requestId, ...visibleRequestsWhere(actor) }, select: { id: true, status: true, statusReason: true } });
  if (!request) throw new NotFoundError("No such request.");
  const [job, deployments, environments] = await Promise.all([
    db.job.findFirst({ where: { subject: requestJobSubject(request.id) }, orderBy: { createdAt: "desc" }, select: { id: true, status: true, currentStep: true, attempts: true, lastError: true, checkpoints: true } }),
    db.deployment.findMany({ where: { requestId: request.id }, orderBy: { startedAt: "asc" } }),
    db.environment.findMany({ where: { requestId: request.id }, select: { builds: { orderBy: { queuedAt: "asc" } } } }),
  ]);
  const isJobActive = job !== null && ["QUEUED", "RUNNING", "WAITING"].includes(job.status);
  return {
    requestId: request.id,
    status: request.status,
    statusReason: request.statusReason,
    job: job ? { id: job.id, status: job.status, currentStep: job.currentStep, attempts: job.attempts, lastError: job.lastError } : null,
    stages: deriveStages(job),
    deployments: deployments.map((d) => ({ id: d.id, name: d.name, template: d.template, resourceGroup: d.resourceGroup, state: d.state, error: d.error, operations: readOperations(d.operations) })),
    builds: environments.flatMap((e) =>
      e.builds.map((b) => ({
        id: b.id,
        environment: b.environmentName,
        status: b.status,
        attempt: b.attempt,
        failureClass: b.failureClass,
        guidance: b.failureClass ? guidanceFor(b.failureClass) : null,
        failureMessage: b.failureMessage,
      })),
    ),
    isSettled: !isJobActive && (SETTLED_REQUEST_STATUSES as readonly string[]).includes(request.status),
  };
}

/** The job's events after `afterId` for a request the user may see (the SSE stream's feed). */
export async function listRequestEvents(db: PrismaClient, actor: ActingUser, requestId: string, afterId: number): Promise<TimelineEvent[]> {
  requireRole(actor, "Feedgate.Requester", "Feedgate.Admin");
  const request = await db.feedRequest.findFirst({ where: { id: requestId, ...visibleRequestsWhere(actor) }, select: { id: true } });
  if (!request) throw new NotFoundError("No such request.");
  const jobs = await db.job.findMany({ where: { subject: requestJobSubject(request.id) }, select: { id: true }, orderBy: { createdAt: "asc" } });
  const events = (await Promise.all(jobs.map((j) => listJobEvents(db, j.id, { afterId, limit: 500 })))).flat().sort((a, b) => a.id - b.id);
  return events.map((e) => ({ id: e.id, step: e.step, type: e.type, message: e.message, at: e.createdAt.toISOString() }));
}

type Checkpoints = Record<string, { done?: boolean; startedAt?: string; finishedAt?: string } | undefined>;

/** Stage states from the job: a step is done when checkpointed done; the current step takes the job's state. */
export function deriveStages(job: { status: string; currentStep: string | null; checkpoints: unknown } | null): TimelineStage[] {
  const checkpoints = (job?.checkpoints ?? {}) as Checkpoints;
  return STAGES.map(({ step, label, next }) => {
    const c = checkpoints[step];
    let state: StageState = "pending";
    if (c?.done) state = "succeeded";
    else if (job && job.currentStep === step) {
      if (job.status === "FAILED") state = "failed";
      else if (job.status === "CANCELLED") state = "cancelled";
      else state = "running";
    }
    return { step, label, state, startedAt: c?.startedAt ?? null, finishedAt: c?.done ? (c.finishedAt ?? null) : null, next: state === "failed" ? next : null };
  });
}

function readOperations(value: unknown): DeploymentOperation[] {
  // The nested deployment rows ARM lists before it knows their name say nothing to a person.
  return readJsonList(deploymentOperationSchema, value)
    .filter((o) => o.resourceType.toLowerCase() !== "microsoft.resources/deployments" || (o.resourceName !== "" && o.resourceName !== "unknown"))
    .map((o) => ({ resourceType: o.resourceType, resourceName: o.resourceName, state: o.state, error: o.error }));
}
