import "server-only";
import { getLogger } from "@/lib/logger";

/** One Server-Sent Event; `data` is sent as one line of JSON. */
export interface SseEvent {
  event: string;
  /** Becomes the client's Last-Event-ID, so a reconnecting EventSource resumes after it. */
  id?: string | number;
  data: unknown;
}

export interface SseOptions {
  /** How long a disconnected EventSource waits before reconnecting (`retry:`). */
  retryMs: number;
  /** The request's signal: the producer is stopped when the client goes away. */
  signal: AbortSignal;
  /** Write `id:` before `event:` (the request timeline's wire format); after it otherwise. */
  isIdFirst?: boolean;
  keepAliveMs?: number;
}

const KEEP_ALIVE_MS = 15_000;

/**
 * A `text/event-stream` Response fed by `produce`, which gets a signal that aborts when the client
 * disconnects or cancels the stream. Events are pulled one at a time as the client reads, and a
 * comment line goes out every 15 s, because proxies close connections that stay quiet. The stream
 * ends when the producer does; a producer that throws ends it too (logged), and the EventSource
 * reconnects, which runs the route's access checks again.
 */
export function sseResponse(produce: (signal: AbortSignal) => AsyncIterable<SseEvent>, options: SseOptions): Response {
  const abort = new AbortController();
  const onClientGone = () => abort.abort();
  options.signal.addEventListener("abort", onClientGone, { once: true });
  const events = produce(abort.signal)[Symbol.asyncIterator]();
  const encoder = new TextEncoder();
  let keepAlive: ReturnType<typeof setInterval> | undefined;
  let isOpen = true;
  const stop = () => {
    isOpen = false;
    clearInterval(keepAlive);
    options.signal.removeEventListener("abort", onClientGone);
    abort.abort();
  };

  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(`retry: ${options.retryMs}\n\n`));
      keepAlive = setInterval(() => {
        if (isOpen) controller.enqueue(encoder.encode(": keep-alive\n\n"));
      }, options.keepAliveMs ?? KEEP_ALIVE_MS);
    },
    async pull(controller) {
      const next = await events.next().catch((error: unknown) => {
        getLogger().warn({ err: error }, "event stream producer failed");
        return { done: true as const, value: undefined };
      });
      if (!isOpen) return;
      if (next.done) {
        stop();
        controller.close();
        return;
      }
      controller.enqueue(encoder.encode(formatEvent(next.value, options.isIdFirst ?? false)));
    },
    async cancel() {
      stop();
      await events.return?.(undefined);
    },
  });
  return new Response(body, {
    headers: { "Content-Type": "text/event-stream; charset=utf-8", "Cache-Control": "no-store, no-transform", Connection: "keep-alive", "X-Accel-Buffering": "no" },
  });
}

/** Where a stream resumes: the Last-Event-ID of a reconnecting EventSource, else `?<query>=` of a first connection. */
export function resumePoint(request: Request, query: string): string | null {
  return request.headers.get("last-event-id") ?? new URL(request.url).searchParams.get(query);
}

function formatEvent(e: SseEvent, isIdFirst: boolean): string {
  const id = e.id === undefined ? "" : `id: ${e.id}\n`;
  const event = `event: ${e.event}\n`;
  return `${isIdFirst ? id + event : event + id}data: ${JSON.stringify(e.data)}\n\n`;
}
