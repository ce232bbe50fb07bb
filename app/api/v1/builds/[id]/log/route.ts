import { readBuildLog } from "@/lib/builds/build-log";
import { findVisibleBuild } from "@/lib/builds/get-build";
import { parseByteRange } from "@/lib/builds/parse-byte-range";
import type { PrismaClient } from "@/lib/db/client";
import { apiRoute, idPath } from "@/lib/http/api-route";

export const dynamic = "force-dynamic";

/**
 * GET — the build log as text/plain, streamed from the chunk store a few rows at a time, so a
 * 50 MB log is never held whole. Honours one `Range: bytes=…` (206 / 416); `?download=1` makes it
 * an attachment. A running build's log only grows, so earlier ranges never change.
 */
export const GET = apiRoute({ params: idPath }, async ({ db, user, params, request, searchParams }) => {
  const build = await findVisibleBuild(db, user, params.id);
  const size = build.logBytes;
  const range = parseByteRange(request.headers.get("range"), size);
  const headers = new Headers({
    "Accept-Ranges": "bytes",
    "Cache-Control": "no-store",
    "Content-Type": "text/plain; charset=utf-8",
    "X-Content-Type-Options": "nosniff",
  });
  if (searchParams.get("download") === "1") {
    headers.set("Content-Disposition", `attachment; filename="${build.environmentName.replace(/[^\w.-]/g, "_")}-build-${build.id}.log"`);
  }
  if (range === "unsatisfiable") {
    headers.set("Content-Range", `bytes */${size}`);
    return new Response(null, { status: 416, headers });
  }
  const { start, end } = range ?? { start: 0, end: size };
  headers.set("Content-Length", String(end - start));
  if (range) headers.set("Content-Range", `bytes ${start}-${end - 1}/${size}`);
  return new Response(streamLog(db, build.id, start, end), { status: range ? 206 : 200, headers });
});

function streamLog(db: PrismaClient, buildId: string, start: number, end: number): ReadableStream<Uint8Array> {
  const chunks = readBuildLog(db, buildId, start, end);
  // Pull-based: the next rows are read only when the client has taken the previous ones.
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await chunks.next();
      if (next.done) controller.close();
      else controller.enqueue(new Uint8Array(next.value.buffer, next.value.byteOffset, next.value.byteLength));
    },
    async cancel() {
      await chunks.return(undefined);
    },
  });
}
