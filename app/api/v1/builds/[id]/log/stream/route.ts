import { findVisibleBuild } from "@/lib/builds/get-build";
import { logChunkStart, tailBuildLog } from "@/lib/builds/tail-build-log";
import type { PrismaClient } from "@/lib/db/client";
import { apiRoute, idPath } from "@/lib/http/api-route";
import { resumePoint, sseResponse, type SseEvent } from "@/lib/http/sse";

export const dynamic = "force-dynamic";

/**
 * GET ?from=<byte> — Server-Sent Events that follow the build log: `log` events carry
 * {from, to, text} with `id: <to>` (so an EventSource reconnect resumes via Last-Event-ID),
 * `status` events the build's status, and `end` once it finished and every byte was sent.
 */
export const GET = apiRoute({ params: idPath }, async ({ db, user, params, request }) => {
  const build = await findVisibleBuild(db, user, params.id);
  const requested = Number(resumePoint(request, "from") ?? 0);
  const from = await logChunkStart(db, build.id, Number.isSafeInteger(requested) ? Math.min(Math.max(0, requested), build.logBytes) : 0);
  return sseResponse((signal) => logEvents(db, build.id, from, signal), { retryMs: 3000, signal: request.signal });
});

async function* logEvents(db: PrismaClient, buildId: string, from: number, signal: AbortSignal): AsyncGenerator<SseEvent> {
  for await (const event of tailBuildLog(db, buildId, from, { signal })) {
    yield { event: event.type, id: event.type === "log" ? event.to : undefined, data: event };
  }
}
