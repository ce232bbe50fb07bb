/**
 * The shape of every Json column, in one place, as zod schemas: the writer builds values of
 * these types and every reader goes through readJsonColumn / readJsonList. Readers are tolerant
 * on purpose: rows written by an older release (or damaged by hand) read as "nothing known"
 * (an element dropped, or the fallback) instead of failing a page.
 */
import { z } from "zod";

const text = z.string();
const optionalText = z.string().nullish().transform((v) => v ?? null);

/** Feed.repositories: the proxy (or Artifacts feed) behind each upstream, in upstream order. */
export const feedRepositorySchema = z.object({ name: text, format: z.enum(["pypi", "conda"]), upstreamId: text, url: text });
export type FeedRepository = z.infer<typeof feedRepositorySchema>;

/** Deployment.operations: ARM's per-resource progress, as last polled. */
export const deploymentOperationSchema = z.object({
  deployment: optionalText,
  resourceType: text.catch("unknown"),
  resourceName: text.catch("unknown"),
  state: text.catch("Unknown"),
  error: optionalText,
  at: optionalText,
});
export type DeploymentOperationRecord = z.infer<typeof deploymentOperationSchema>;

export const BUILD_PHASES = ["QUEUED", "PROVISIONING_ACR", "RUNNING"] as const;
export type BuildPhase = (typeof BUILD_PHASES)[number];
const phaseSpan = z.object({ start: text, end: text.optional() });
/** EnvironmentBuild.phaseTimings: when each phase of the image build was first and last seen. */
export const phaseTimingsSchema = z.object({
  QUEUED: phaseSpan.optional().catch(undefined),
  PROVISIONING_ACR: phaseSpan.optional().catch(undefined),
  RUNNING: phaseSpan.optional().catch(undefined),
});
export type PhaseTimings = z.infer<typeof phaseTimingsSchema>;

const healthCheck = z.object({ name: text.catch("check"), ok: z.boolean().catch(false), detail: text.catch("") });
/** Feed.lastHealth: the last preflight of the feed. */
export const feedHealthSchema = z.object({
  ok: z.boolean().catch(false),
  checks: z.array(z.unknown()).catch([]).transform((list) => parseEach(healthCheck, list)),
  warnings: z.array(z.unknown()).catch([]).transform((list) => list.filter((w): w is string => typeof w === "string")),
  /** "recheck": set by the periodic re-check, which also clears it once the feed answers again. */
  source: z.enum(["recheck", "drift", "revoke"]).optional().catch(undefined),
});
export type FeedHealth = z.infer<typeof feedHealthSchema>;

const cidr = z.string().regex(/^\d+\.\d+\.\d+\.\d+\/\d+$/);
/** Workspace.network: its address space and subnets, as deployed or discovered. */
export const workspaceNetworkSchema = z.object({
  addressSpace: z
    .union([z.array(z.unknown()), z.unknown()])
    .optional()
    .transform((v) => (Array.isArray(v) ? v : v === undefined ? [] : [v]).filter((r): r is string => cidr.safeParse(r).success)),
  trainingSubnetId: z.string().optional().catch(undefined),
});
export type WorkspaceNetwork = z.infer<typeof workspaceNetworkSchema>;

/** Environment.packages: what the environment asked for. */
export const environmentPackagesSchema = z.object({
  pip: z.array(z.unknown()).catch([]).transform(strings),
  conda: z.array(z.unknown()).catch([]).transform(strings),
});

/**
 * Job.checkpoints: per step, whether it is done, what it saved (its result once done) and when it
 * ran. `data` stays as stored; each workflow reads its own with its zod schema. A malformed entry
 * is dropped, so a job never fails on a checkpoint it cannot read: the step simply starts over.
 */
const stepCheckpointSchema = z.object({
  done: z.boolean().catch(false),
  data: z.unknown().optional(),
  startedAt: z.string().optional().catch(undefined),
  finishedAt: z.string().optional().catch(undefined),
});
export const jobCheckpointsSchema = z.record(z.string(), z.unknown()).transform((entries) =>
  Object.fromEntries(
    Object.entries(entries).flatMap(([name, raw]) => {
      const parsed = stepCheckpointSchema.safeParse(raw);
      return parsed.success ? [[name, parsed.data] as const] : [];
    }),
  ),
);

/** A Json column read through its schema, or `fallback` when it does not fit. */
export function readJsonColumn<S extends z.ZodType, F>(schema: S, value: unknown, fallback: F): z.output<S> | F {
  const parsed = schema.safeParse(value);
  return parsed.success ? parsed.data : fallback;
}

/** A Json array column, keeping the elements that fit the schema. */
export function readJsonList<S extends z.ZodType>(schema: S, value: unknown): z.output<S>[] {
  return Array.isArray(value) ? parseEach(schema, value) : [];
}

function parseEach<S extends z.ZodType>(schema: S, list: readonly unknown[]): z.output<S>[] {
  return list.flatMap((item) => {
    const parsed = schema.safeParse(item);
    return parsed.success ? [parsed.data] : [];
  });
}

function strings(list: unknown[]): string[] {
  return list.filter((v): v is string => typeof v === "string");
}
