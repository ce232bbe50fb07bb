/**
 * What the provisioning workflow stores: its payload, each step's checkpoint (what it started,
 * saved before it waits) and each step's result (what later steps read). All zod, so a value
 * read back from the Job row is checked instead of asserted, and a damaged one fails the step
 * with a message instead of a TypeError three calls later.
 */
import { z } from "zod";
import type { JsonValue } from "@/lib/jobs/define-job";
import { PermanentStepError } from "@/lib/jobs/job-errors";

export const PROVISION_REQUEST_KIND = "provision-request";

export const provisionPayloadSchema = z.object({
  requestId: z.string().min(1),
  /** Approved upstream ids, fixed when the job was enqueued (proposals resolved). */
  upstreamIds: z.array(z.string()).min(1),
  /**
   * A rebuild of one environment of a provisioned request (lib/workflows/provision-request/rebuild-build): the job
   * starts with the earlier job's infrastructure, registration and preflight results and builds
   * only this environment, as a new version: `exact` pins every package of `fromBuildId`'s lock,
   * `fresh` resolves the request's packages again.
   */
  rebuild: z.object({ environment: z.string().min(1), fromBuildId: z.string().min(1), mode: z.enum(["exact", "fresh"]) }).optional(),
});
export type ProvisionPayload = z.infer<typeof provisionPayloadSchema>;

const deploymentRef = z.object({ name: z.string(), resourceGroup: z.string() });

/** infrastructure: the deployments it submitted and the rows it registered, as soon as each exists. */
export const infraCheckpointSchema = z.object({
  workspaceId: z.string().optional(),
  hostId: z.string().optional(),
  deployments: z.object({ workspace: deploymentRef.optional(), nexus: deploymentRef.optional() }).optional(),
});
export type InfraCheckpoint = z.infer<typeof infraCheckpointSchema>;

export const infraResultSchema = z.object({ workspaceId: z.string(), hostId: z.string() });
export type InfraResult = z.infer<typeof infraResultSchema>;

/** A workspace connection Feedgate created or updated: its name and target, never its secret. */
const connectionRef = z.object({ name: z.string(), target: z.string(), workspace: z.string() });
export type ConnectionRef = z.infer<typeof connectionRef>;

/** feed-registration: the workspace connection it saved (Azure Artifacts only), as soon as it exists. */
export const registrationCheckpointSchema = z.object({ connection: connectionRef.optional() });
export type RegistrationCheckpoint = z.infer<typeof registrationCheckpointSchema>;

export const registrationResultSchema = z.object({ feedId: z.string(), pipIndexUrl: z.string(), condaChannelUrls: z.array(z.string()), connection: connectionRef.optional() });
export type RegistrationResult = z.infer<typeof registrationResultSchema>;

const check = z.object({ name: z.string(), ok: z.boolean(), detail: z.string() });
export const preflightResultSchema = z.object({ ok: z.boolean(), checks: z.array(check), warnings: z.array(z.string()) });
export type PreflightResult = z.infer<typeof preflightResultSchema>;

/** environment-build: per environment, the version, attempt, build row and data-plane location it started. */
export const environmentBuildStateSchema = z.object({
  version: z.string(),
  attempt: z.number().int().min(1),
  buildId: z.string().optional(),
  location: z.string().optional(),
  /** The build context is uploaded and the environment version registered for this attempt. */
  registered: z.boolean().optional(),
  outcome: z.enum(["Succeeded", "Failed"]).optional(),
  failureClass: z.string().optional(),
});
export type EnvironmentBuildState = z.infer<typeof environmentBuildStateSchema>;

export const buildCheckpointSchema = z.object({ envs: z.record(z.string(), environmentBuildStateSchema).default({}) });
export type BuildCheckpoint = z.infer<typeof buildCheckpointSchema>;

/** Reads a stored checkpoint or result; undefined reads as `{}` so a first entry starts empty. */
export function readStored<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(value ?? {});
  if (!parsed.success) throw new PermanentStepError(`The stored ${what} of this job is damaged (${parsed.error.issues[0]?.message ?? "invalid"}); start a new request.`, { code: "damaged_checkpoint" });
  return parsed.data;
}

/** A checkpoint or result as the job runner stores it (zod-typed values are plain JSON). */
export function toStored(value: InfraCheckpoint | InfraResult | RegistrationCheckpoint | RegistrationResult | PreflightResult | BuildCheckpoint | Record<string, unknown>): JsonValue {
  return value as unknown as JsonValue;
}
