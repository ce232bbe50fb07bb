/**
 * "Test connection" of a feed host, run by the worker: only the worker resolves credential
 * references (a Key Vault secret with its identity), so the portal queues this job and shows the
 * result it stores on the host. One step; a test is cheap and repeating it is harmless.
 */
import "server-only";
import { recordAuditEvent } from "@/lib/audit/record-audit-event";
import type { Cloud } from "@/lib/cloud/cloud";
import type { PrismaClient } from "@/lib/db/client";
import { recordFeedHostCheck } from "@/lib/feed-hosts/admin-feed-hosts";
import { testFeedHostConnection } from "@/lib/feed-hosts/test-connection";
import { defineJob } from "@/lib/jobs/define-job";
import { PermanentStepError } from "@/lib/jobs/job-errors";
import { CHECK_FEED_HOST_KIND, checkFeedHostPayloadSchema, type CheckFeedHostPayload } from "./schema";

export function createCheckFeedHostJob(deps: { db: PrismaClient; cloud: Cloud }) {
  return defineJob<CheckFeedHostPayload>({
    kind: CHECK_FEED_HOST_KIND,
    payload: checkFeedHostPayloadSchema,
    steps: [
      {
        name: "test-connection",
        maxAttempts: 2,
        run: async (ctx) => {
          const host = await deps.db.feedHost.findUnique({ where: { id: ctx.payload.hostId } });
          if (!host) throw new PermanentStepError("The feed host was removed before its connection test ran.");
          const result = await testFeedHostConnection(deps.cloud, host);
          await recordFeedHostCheck(deps.db, host.id, result);
          const { requestedBy } = ctx.payload;
          await recordAuditEvent(deps.db, {
            actorOid: requestedBy.oid,
            actorName: requestedBy.name,
            action: "feed_host.tested",
            targetType: "feed_host",
            targetId: host.id,
            before: null,
            after: { ok: result.ok, checks: result.checks.map((c) => ({ name: c.name, ok: c.ok })), ...(result.version ? { version: result.version } : {}) },
            correlationId: ctx.payload.correlationId,
          });
          await ctx.event("feed-host.tested", result.ok ? `${host.name}: every check passed.` : `${host.name}: ${result.checks.filter((c) => !c.ok).map((c) => c.name).join(", ")} failed.`);
          return { ok: result.ok };
        },
      },
    ],
  });
}
