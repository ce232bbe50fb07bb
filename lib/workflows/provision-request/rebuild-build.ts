import "server-only";
import type { ActingUser } from "@/lib/auth/acting-user";
import { recordAuditEvent } from "@/lib/audit/record-audit-event";
import { findVisibleBuild } from "@/lib/builds/get-build";
import type { PrismaClient } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import type { JsonValue } from "@/lib/jobs/define-job";
import { enqueueJob } from "@/lib/jobs/enqueue-job";
import { JobConflictError } from "@/lib/jobs/job-errors";
import { PROVISION_REQUEST_KIND, provisionPayloadSchema } from "./schema";
import { requestJobSubject } from "./start";
import type { RebuildMode } from "@/lib/validation/rebuild-build";

/** The provisioning steps a rebuild reuses from the job that provisioned the request. */
const REUSED_STEPS = ["infrastructure", "feed-registration", "preflight"] as const;

/**
 * Rebuilds a succeeded build as a new version of its environment, with a provisioning job of its
 * request that starts from the finished job's infrastructure, registration and preflight results
 * and builds only this environment: `exact` pins every package of this build's lock, `fresh`
 * resolves the request's packages again. The request stays READY throughout.
 */
export async function rebuildBuild(db: PrismaClient, actor: ActingUser, buildId: string, mode: RebuildMode, correlationId: string): Promise<{ jobId: string }> {
  const build = await findVisibleBuild(db, actor, buildId);
  if (build.status !== "SUCCEEDED") throw new AppError("conflict", "Only a succeeded build can be rebuilt; retry a failed one instead.");
  if (mode === "exact" && !(await db.buildLock.findUnique({ where: { buildId: build.id }, select: { buildId: true } }))) {
    throw new AppError("conflict", "This build has no recorded lock, so it cannot be rebuilt exactly; rebuild it fresh.");
  }
  const env = await db.environment.findUniqueOrThrow({ where: { id: build.environmentId }, select: { request: { select: { id: true, status: true } } } });
  const request = env.request;
  const job = request ? await db.job.findFirst({ where: { subject: requestJobSubject(request.id) }, orderBy: { createdAt: "desc" }, select: { id: true, status: true, payload: true, checkpoints: true } }) : null;
  if (!request || !job) throw new AppError("conflict", "This build was not started by a Feedgate request, so Feedgate cannot rebuild it.");
  if (request.status !== "READY") throw new AppError("conflict", `The build's request is ${request.status.toLowerCase()}; only a ready request's environments can be rebuilt.`);
  if (job.status !== "SUCCEEDED") throw new AppError("conflict", "The request's provisioning is still running or did not finish; wait for it before rebuilding.");
  const doneSteps = reusedSteps(job.checkpoints);
  const payload = provisionPayloadSchema.safeParse(job.payload);
  if (!doneSteps || !payload.success) throw new AppError("conflict", "The request's provisioning record is incomplete, so this build cannot be rebuilt from it.");

  let jobId: string;
  try {
    const next = await enqueueJob(db, {
      kind: PROVISION_REQUEST_KIND,
      subject: requestJobSubject(request.id),
      payload: { requestId: request.id, upstreamIds: payload.data.upstreamIds, rebuild: { environment: build.environmentName, fromBuildId: build.id, mode } },
      doneSteps,
    });
    jobId = next.id;
  } catch (error) {
    if (error instanceof JobConflictError) throw new AppError("conflict", "The request's provisioning is running already; wait for it to finish.");
    throw error;
  }
  await recordAuditEvent(db, {
    actorOid: actor.oid,
    actorName: actor.name,
    action: "build.rebuilt",
    targetType: "build",
    targetId: build.id,
    before: { status: build.status, attempt: build.attempt, environment: build.environmentName },
    after: { jobId, mode },
    correlationId,
    teamId: build.teamId,
  });
  return { jobId };
}

/** The finished job's reused steps, each done, as the new job's starting checkpoints; null if one is missing. */
function reusedSteps(checkpoints: unknown): Record<string, { done: true; data: JsonValue }> | null {
  if (!isRecord(checkpoints)) return null;
  const out: Record<string, { done: true; data: JsonValue }> = {};
  for (const step of REUSED_STEPS) {
    const entry = checkpoints[step];
    if (!isRecord(entry) || entry.done !== true || !("data" in entry)) return null;
    out[step] = { done: true, data: entry.data as JsonValue };
  }
  return out;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
