/**
 * The staleness watcher: one long-lived job that runs a staleness round (lib/staleness/
 * check-staleness.ts) and waits `everyMs` before the next; it never finishes, so its subject keeps
 * exactly one watcher. The same kind with `{ once: true }` runs one round at once and finishes: an
 * admin's ban or revocation queues one (request-check.ts) so its effect shows without waiting.
 */
import "server-only";
import type { Cloud } from "@/lib/cloud/cloud";
import type { PrismaClient } from "@/lib/db/client";
import { defineJob } from "@/lib/jobs/define-job";
import { runStalenessCheck } from "./run-check";
import { CHECK_STALENESS_KIND, checkStalenessPayloadSchema, type CheckStalenessPayload } from "./schema";

export function createCheckStalenessJob(deps: { db: PrismaClient; cloud: Cloud }) {
  return defineJob<CheckStalenessPayload>({
    kind: CHECK_STALENESS_KIND,
    payload: checkStalenessPayloadSchema,
    steps: [{ name: "check", maxAttempts: 1000, run: (ctx) => runStalenessCheck(deps, ctx) }],
  });
}
