/**
 * The workflow that replaces the runbook: an approved feed request becomes infrastructure,
 * proxy repositories, a checked feed and built environment images. Each step records what
 * it started (deployment name, repositories, environment version, build status location)
 * before it waits, so a worker that dies resumes without repeating a side effect.
 *
 * One file per step: infrastructure.ts, feed-registration.ts, preflight.ts,
 * environment-build.ts; their checkpoints and results are typed in schema.ts.
 */
import "server-only";
import { defineJob } from "@/lib/jobs/define-job";
import { guard, type ProvisionOptions } from "./context";
import { runEnvironmentBuilds } from "./environment-build";
import { runFeedRegistration } from "./feed-registration";
import { runInfrastructure } from "./infrastructure";
import { runPreflight } from "./preflight";
import { PROVISION_REQUEST_KIND, provisionPayloadSchema, toStored, type ProvisionPayload } from "./schema";

export type { ProvisionOptions } from "./context";

export function createProvisionRequestJob(options: ProvisionOptions) {
  const deps = { ...options, pollMs: options.pollMs ?? 2000 };
  const { db } = deps;
  return defineJob<ProvisionPayload>({
    kind: PROVISION_REQUEST_KIND,
    payload: provisionPayloadSchema,
    steps: [
      { name: "infrastructure", maxAttempts: 6, run: (ctx) => guard(db, ctx, () => runInfrastructure(deps, ctx)) },
      { name: "feed-registration", maxAttempts: 6, run: (ctx) => guard(db, ctx, async () => toStored(await runFeedRegistration(deps, ctx))) },
      { name: "preflight", maxAttempts: 4, run: (ctx) => guard(db, ctx, async () => toStored(await runPreflight(deps, ctx))) },
      { name: "environment-build", maxAttempts: 6, run: (ctx) => guard(db, ctx, () => runEnvironmentBuilds(deps, ctx)) },
    ],
  });
}
