/**
 * Publishing a team's built environment version to one of the registries an Admin opened to the
 * team: what a member may pick, and the request that records intent and queues the
 * publish-environment workflow. Authorization is in every query's `where`.
 */
import "server-only";
import type { PublicationStatus } from "@/generated/prisma/client";
import type { ActingUser } from "@/lib/auth/acting-user";
import { requireRole, teamScope } from "@/lib/auth/require-role";
import { recordAuditEvent } from "@/lib/audit/record-audit-event";
import type { PrismaClient } from "@/lib/db/client";
import { isUniqueViolation } from "@/lib/db/errors";
import { FieldError, NotFoundError } from "@/lib/errors";
import { enqueueJob } from "@/lib/jobs/enqueue-job";
import { JobConflictError } from "@/lib/jobs/job-errors";
import type { PublishEnvironmentInput } from "@/lib/validation/aml-registries";
import { PUBLISH_ENVIRONMENT_KIND, publicationSubject, type PublishEnvironmentPayload } from "@/lib/workflows/publish-environment/schema";

export interface PublicationView {
  id: string;
  registryId: string;
  registryName: string;
  /** The publication's state; a publish whose job ended without finishing shows as FAILED. */
  status: PublicationStatus;
  destinationName: string;
  destinationVersion: string;
  assetUri: string | null;
  failureMessage: string | null;
  jobId: string | null;
  updatedAt: string;
}

export interface PublishPanel {
  environmentId: string;
  environmentName: string;
  environmentVersion: string;
  /** Whether a build of this version succeeded: Azure ML publishes only built images. */
  isBuilt: boolean;
  registries: { id: string; name: string; location: string }[];
  publications: PublicationView[];
}

/** What the publish control of one environment shows; 404 unless the user's teams own the environment (any for Admins). */
export async function getPublishPanel(db: PrismaClient, actor: ActingUser, environmentId: string): Promise<PublishPanel> {
  requireRole(actor, "Feedgate.Requester", "Feedgate.Admin");
  const env = await db.environment.findFirst({
    where: { id: environmentId, ...teamScope(actor) },
    select: { id: true, name: true, version: true, teamId: true, builds: { where: { status: "SUCCEEDED" }, select: { id: true }, take: 1 } },
  });
  if (!env) throw new NotFoundError("No such environment.");
  const [links, publications] = await Promise.all([
    db.amlRegistryTeam.findMany({ where: { teamId: env.teamId }, select: { registry: { select: { id: true, name: true, location: true } } }, take: 200 }),
    db.environmentPublication.findMany({ where: { environmentId: env.id, teamId: env.teamId }, include: { registry: { select: { name: true } } }, orderBy: { createdAt: "asc" }, take: 200 }),
  ]);
  const jobIds = publications.map((p) => p.jobId).filter((id): id is string => id !== null);
  const jobs = jobIds.length ? await db.job.findMany({ where: { id: { in: jobIds } }, select: { id: true, status: true } }) : [];
  const jobStatus = new Map(jobs.map((j) => [j.id, j.status]));
  return {
    environmentId: env.id,
    environmentName: env.name,
    environmentVersion: env.version,
    isBuilt: env.builds.length > 0,
    registries: links.map((l) => l.registry).sort((a, b) => a.name.localeCompare(b.name)),
    publications: publications.map((p) => {
      const ended = p.jobId ? jobStatus.get(p.jobId) : undefined;
      const stalled = (p.status === "QUEUED" || p.status === "PUBLISHING") && (ended === "FAILED" || ended === "CANCELLED");
      return {
        id: p.id,
        registryId: p.registryId,
        registryName: p.registry.name,
        status: stalled ? "FAILED" : p.status,
        destinationName: p.destinationName,
        destinationVersion: p.destinationVersion,
        assetUri: p.assetUri,
        failureMessage: stalled ? (p.failureMessage ?? "The publish job stopped before it finished; publish again.") : p.failureMessage,
        jobId: p.jobId,
        updatedAt: p.updatedAt.toISOString(),
      };
    }),
  };
}

/**
 * Records the intent to publish and queues the workflow. Publishing what is already published,
 * or being published, answers with that publication instead of starting another.
 */
export async function requestPublication(db: PrismaClient, actor: ActingUser, input: PublishEnvironmentInput, correlationId: string): Promise<{ publicationId: string; jobId: string | null; status: PublicationStatus }> {
  requireRole(actor, "Feedgate.Requester", "Feedgate.Admin");
  const env = await db.environment.findFirst({
    where: { id: input.environmentId, ...teamScope(actor) },
    select: { id: true, name: true, version: true, teamId: true, builds: { where: { status: "SUCCEEDED" }, select: { id: true }, take: 1 } },
  });
  if (!env) throw new NotFoundError("No such environment.");
  const link = await db.amlRegistryTeam.findUnique({ where: { registryId_teamId: { registryId: input.registryId, teamId: env.teamId } }, select: { registry: { select: { id: true, name: true } } } });
  if (!link) throw new FieldError("invalid_input", { registryId: "pick one of your team's registries" });
  if (env.builds.length === 0) throw new FieldError("invalid_input", { environmentId: "has no successful image build yet; Azure ML publishes only built images" });
  const destinationName = input.destinationName ?? env.name;
  const destinationVersion = input.destinationVersion ?? env.version;

  const existing = await db.environmentPublication.findUnique({ where: { environmentId_registryId: { environmentId: env.id, registryId: link.registry.id } } });
  if (existing?.status === "PUBLISHED") return { publicationId: existing.id, jobId: existing.jobId, status: existing.status };
  const publication = existing
    ? await db.environmentPublication.update({ where: { id: existing.id }, data: existing.status === "FAILED" ? { status: "QUEUED", destinationName, destinationVersion, failureMessage: null, operationUrl: null } : {} })
    : await db.environmentPublication.create({ data: { environmentId: env.id, registryId: link.registry.id, teamId: env.teamId, destinationName, destinationVersion, requestedById: actor.id } }).catch(async (error: unknown) => {
        // Two clicks at once: the unique (environment, registry) decides, the other joins it.
        if (!isUniqueViolation(error)) throw error;
        return db.environmentPublication.findUniqueOrThrow({ where: { environmentId_registryId: { environmentId: env.id, registryId: link.registry.id } } });
      });

  const payload: PublishEnvironmentPayload = { publicationId: publication.id, requestedBy: { oid: actor.oid, name: actor.name }, correlationId };
  let jobId: string;
  try {
    jobId = (await enqueueJob(db, { kind: PUBLISH_ENVIRONMENT_KIND, subject: publicationSubject(publication.id), payload })).id;
  } catch (error) {
    // Already being published: that run is the answer.
    if (error instanceof JobConflictError && error.activeJobId) return { publicationId: publication.id, jobId: error.activeJobId, status: publication.status };
    throw error;
  }
  await db.environmentPublication.update({ where: { id: publication.id }, data: { jobId } });
  await recordAuditEvent(db, {
    actorOid: actor.oid,
    actorName: actor.name,
    action: "environment.publish_requested",
    targetType: "environment_publication",
    targetId: publication.id,
    teamId: env.teamId,
    before: existing ? { status: existing.status } : null,
    after: { environment: `${env.name}:${env.version}`, registry: link.registry.name, destination: `${destinationName}:${destinationVersion}` },
    correlationId,
  });
  return { publicationId: publication.id, jobId, status: publication.status };
}

export interface PublishedEnvironment {
  id: string;
  environmentName: string;
  environmentVersion: string;
  teamName: string;
  registryName: string;
  assetUri: string;
  publishedAt: string | null;
}

/** Where the user's teams' environments are published (every team's for Admins), newest first: the catalog's "Published environments". */
export async function listPublishedEnvironments(db: PrismaClient, actor: ActingUser): Promise<PublishedEnvironment[]> {
  requireRole(actor, "Feedgate.Requester", "Feedgate.Admin");
  const rows = await db.environmentPublication.findMany({
    where: { ...teamScope(actor), status: "PUBLISHED", assetUri: { not: null } },
    orderBy: [{ publishedAt: "desc" }, { id: "asc" }],
    take: 200,
    select: { id: true, assetUri: true, publishedAt: true, registry: { select: { name: true } }, environment: { select: { name: true, version: true, team: { select: { name: true } } } } },
  });
  return rows.map((r) => ({
    id: r.id,
    environmentName: r.environment.name,
    environmentVersion: r.environment.version,
    teamName: r.environment.team.name,
    registryName: r.registry.name,
    assetUri: r.assetUri ?? "",
    publishedAt: r.publishedAt?.toISOString() ?? null,
  }));
}
