import { requireApiUser } from "@/lib/auth/require-api-user";
import { findVisibleBuild } from "@/lib/builds/get-build";
import { logChunkStart, tailBuildLog } from "@/lib/builds/tail-build-log";
import { getDb } from "@/lib/db/client";
import { respond } from "@/lib/http/route-response";

export const dynamic = "force-dynamic";

/**
 * GET ?from=<byte> — Server-Sent Events that follow the build log: `log` events carry
 * {from, to, text} with `id: <to>` (so an EventSource reconnect resumes via Last-Event-ID),
 * `status` events the build's status, and `end` once it finished and every byte was sent.
 */
export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  return respond(request, async () => {
    const user = await requireApiUser(request);
    const db = getDb();
    const build = await findVisibleBuild(db, user, (await params).id);
    const requested = Number(request.headers.get("last-event-id") ?? new URL(request.url).searchParams.get("from") ?? 0);
    const from = await logChunkStart(db, build.id, Number.isSafeInteger(requested) ? Math.min(Math.max(0, requested), build.logBytes) : 0);
    const abort = new AbortController();
    request.signal.addEventListener("abort", () => abort.abort());
    const events = tailBuildLog(db, build.id, from, { signal: abort.signal });
    const encoder = new TextEncoder();
    let heartbeat: ReturnType<typeof setInterval> | undefined;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(encoder.encode("retry: 3000\n\n"));
        // Proxies close idle connections; a comment line every 15 s keeps a quiet build's tail open.
        heartbeat = setInterval(() => controller.enqueue(encoder.encode(": keep-alive\n\n")), 15_000);
      },
      async pull(controller) {
        const next = await events.next();
        if (next.done) {
          clearInterval(heartbeat);
          controller.close();
          return;
        }
        const event = next.value;
        const id = event.type === "log" ? `id: ${event.to}\n` : "";
        controller.enqueue(encoder.encode(`event: ${event.type}\n${id}data: ${JSON.stringify(event)}\n\n`));
      },
      async cancel() {
        clearInterval(heartbeat);
        abort.abort();
        await events.return(undefined);
      },
    });
    return new Response(body, {
      headers: { "Content-Type": "text/event-stream; charset=utf-8", "Cache-Control": "no-store, no-transform", Connection: "keep-alive", "X-Accel-Buffering": "no" },
    });
  });
}
