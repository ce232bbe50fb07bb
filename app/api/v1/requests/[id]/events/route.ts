import { setTimeout as sleep } from "node:timers/promises";
import type { ActingUser } from "@/lib/auth/acting-user";
import type { PrismaClient } from "@/lib/db/client";
import { apiRoute, requestPath } from "@/lib/http/api-route";
import { resumePoint, sseResponse, type SseEvent } from "@/lib/http/sse";
import { getRequestTimeline, listRequestEvents, type TimelineSnapshot } from "@/lib/requests/get-request-timeline";

export const dynamic = "force-dynamic";

const POLL_MS = 1000;
/** Streams end after this long; EventSource reconnects with Last-Event-ID and loses nothing. */
const MAX_STREAM_MS = 5 * 60_000;

/**
 * GET ?after=<eventId> — Server-Sent Events for the request's orchestration: every job event
 * appended after `after` (or the Last-Event-ID a reconnecting browser sends) as `event: job`,
 * and the timeline snapshot (stages, deployments, builds) as `event: snapshot` whenever it
 * changes. Polls the database once a second; ends with `event: end` once the request is
 * settled, so a finished request holds no connection open. The user and team are checked
 * when the stream opens and on every poll, so a revoked membership stops it.
 */
export const GET = apiRoute({ params: requestPath }, async ({ db, user, params, request }) => {
  const first = await getRequestTimeline(db, user, params.id);
  const raw = Number(resumePoint(request, "after") ?? "0");
  const after = Number.isSafeInteger(raw) && raw > 0 ? raw : 0;
  return sseResponse((signal) => requestEvents(db, user, first, after, signal), { retryMs: 2000, signal: request.signal, isIdFirst: true });
});

async function* requestEvents(db: PrismaClient, user: ActingUser, first: TimelineSnapshot, after: number, signal: AbortSignal): AsyncGenerator<SseEvent> {
  const started = Date.now();
  let lastSnapshot = "";
  let snapshot = first;
  while (!signal.aborted && Date.now() - started < MAX_STREAM_MS) {
    const events = await listRequestEvents(db, user, first.requestId, after);
    for (const e of events) {
      yield { id: e.id, event: "job", data: e };
      after = e.id;
    }
    const serialized = JSON.stringify(snapshot);
    if (serialized !== lastSnapshot) {
      yield { event: "snapshot", data: snapshot };
      lastSnapshot = serialized;
    }
    if (snapshot.isSettled && events.length === 0) {
      yield { event: "end", data: {} };
      return;
    }
    await sleep(POLL_MS, undefined, { signal }).catch(() => undefined);
    if (signal.aborted) return;
    snapshot = await getRequestTimeline(db, user, first.requestId);
  }
}
