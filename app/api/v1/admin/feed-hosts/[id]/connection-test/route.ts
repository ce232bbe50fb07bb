import { z } from "zod";
import { AppError } from "@/lib/errors";
import { listFeedHostsForAdmin } from "@/lib/feed-hosts/admin-feed-hosts";
import { apiRoute, idPath } from "@/lib/http/api-route";
import { awaitFeedHostCheck, requestFeedHostCheck } from "@/lib/workflows/check-feed-host/start";

export const dynamic = "force-dynamic";

const waitSecondsSchema = z.coerce.number().int().min(0).max(20).default(20);

/**
 * POST — Admins: the worker tests reachability, the credential and the Nexus version. Answers
 * with the host once the test finished, or after `waitSeconds` (0–20, default 20) with finished: false (the result then
 * lands on the host, GET /api/v1/admin/feed-hosts).
 */
export const POST = apiRoute({ params: idPath }, async ({ db, user, params, request, searchParams, correlationId }) => {
  const wait = waitSecondsSchema.safeParse(searchParams.get("waitSeconds") ?? undefined);
  if (!wait.success) throw new AppError("invalid_input", "waitSeconds must be a whole number from 0 to 20.");
  const { jobId } = await requestFeedHostCheck(db, user, params.id, correlationId);
  const finished = await awaitFeedHostCheck(db, jobId, { timeoutMs: wait.data * 1000, signal: request.signal });
  const host = (await listFeedHostsForAdmin(db, user)).find((h) => h.id === params.id);
  return { finished, jobId, host };
});
