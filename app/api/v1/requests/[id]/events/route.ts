import { requireUser } from "@/lib/auth/require-user";
import { getDb } from "@/lib/db/client";
import { respond } from "@/lib/http/route-response";
import { getRequestTimeline, listRequestEvents, type TimelineSnapshot } from "@/lib/requests/get-request-timeline";
import { readRequestId } from "@/lib/requests/route-helpers";

export const dynamic = "force-dynamic";

const POLL_MS = 1000;
const HEARTBEAT_MS = 15_000;
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
export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  return respond(request, async () => {
    const user = await requireUser(request);
    const requestId = await readRequestId(params);
    const db = getDb();
    const first = await getRequestTimeline(db, user, requestId);
    let after = readAfter(request);
    const encoder = new TextEncoder();
    const signal = request.signal;

    const stream = new ReadableStream<Uint8Array>({
      async start(controller) {
        const send = (text: string) => controller.enqueue(encoder.encode(text));
        const started = Date.now();
        let lastBeat = started;
        let lastSnapshot = "";
        let snapshot: TimelineSnapshot = first;
        send(`retry: 2000\n\n`);
        try {
          while (!signal.aborted && Date.now() - started < MAX_STREAM_MS) {
            const events = await listRequestEvents(db, user, requestId, after);
            for (const e of events) {
              send(`id: ${e.id}\nevent: job\ndata: ${JSON.stringify(e)}\n\n`);
              after = e.id;
            }
            const serialized = JSON.stringify(snapshot);
            if (serialized !== lastSnapshot) {
              send(`event: snapshot\ndata: ${serialized}\n\n`);
              lastSnapshot = serialized;
            }
            if (snapshot.isSettled && events.length === 0) {
              send(`event: end\ndata: {}\n\n`);
              break;
            }
            if (Date.now() - lastBeat > HEARTBEAT_MS) {
              send(`: keep-alive\n\n`);
              lastBeat = Date.now();
            }
            await sleep(POLL_MS, signal);
            if (signal.aborted) break;
            snapshot = await getRequestTimeline(db, user, requestId);
          }
        } catch {
          // The request vanished from view (or the database hiccupped): the client reconnects and re-checks.
        }
        try {
          controller.close();
        } catch {
          // Already closed by a disconnect.
        }
      },
    });
    return new Response(stream, {
      headers: { "Content-Type": "text/event-stream; charset=utf-8", "Cache-Control": "no-store, no-transform", Connection: "keep-alive", "X-Accel-Buffering": "no" },
    });
  });
}

function readAfter(request: Request): number {
  const raw = request.headers.get("last-event-id") ?? new URL(request.url).searchParams.get("after") ?? "0";
  const n = Number(raw);
  return Number.isSafeInteger(n) && n > 0 ? n : 0;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
  });
}
