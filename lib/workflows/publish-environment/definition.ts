/**
 * Publishes a built environment version from its workspace to an Azure ML registry (issue 15):
 * the registry is asked first (already there: done, nothing sent), then Azure ML's publish
 * action starts an operation whose URL is checkpointed before it is polled, so a worker that
 * stops resumes polling instead of publishing twice. One step: publish-step.ts.
 */
import "server-only";
import type { Cloud } from "@/lib/cloud/cloud";
import type { PrismaClient } from "@/lib/db/client";
import { defineJob } from "@/lib/jobs/define-job";
import { runPublish } from "./publish-step";
import { PUBLISH_ENVIRONMENT_KIND, publishEnvironmentPayloadSchema, type PublishEnvironmentPayload } from "./schema";

export interface PublishEnvironmentOptions {
  db: PrismaClient;
  cloud: Cloud;
  /** The first and shortest interval between polls of the publish operation (JOB_POLL_MS). */
  pollMs?: number;
}

export function createPublishEnvironmentJob(options: PublishEnvironmentOptions) {
  const deps = { ...options, pollMs: options.pollMs ?? 2000 };
  return defineJob<PublishEnvironmentPayload>({
    kind: PUBLISH_ENVIRONMENT_KIND,
    payload: publishEnvironmentPayloadSchema,
    steps: [{ name: "publish", maxAttempts: 6, run: (ctx) => runPublish(deps, ctx) }],
  });
}
