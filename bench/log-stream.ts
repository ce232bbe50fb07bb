/**
 * Streams one build's whole log the way GET /api/v1/builds/{id}/log does (readBuildLog, chunk by
 * chunk, nothing kept) in a fresh process, and reports the peak RSS and heap above the process's
 * idle baseline. Run by bench/main.ts: tsx --expose-gc --conditions react-server bench/log-stream.ts <build id>
 */
import { setTimeout as sleep } from "node:timers/promises";
import { readBuildLog } from "@/lib/builds/build-log";
import { createDb } from "@/lib/db/client";

async function main() {
  const buildId = process.argv[2];
  const url = process.env.DATABASE_URL;
  if (!buildId || !url) throw new Error("usage: DATABASE_URL=… bench-log-stream.ts <build id>");
  const db = createDb(url);
  try {
    // Warm the client (connection, query compiler) so the baseline is the idle process.
    await db.buildLogChunk.findFirst({ where: { buildId }, select: { seq: true } });
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    await sleep(50);
    const baseRss = process.memoryUsage.rss();
    const baseHeap = process.memoryUsage().heapUsed;
    let peakRss = baseRss;
    let peakHeap = baseHeap;
    let bytes = 0;
    let chunks = 0;
    let retained = 0;
    const t0 = performance.now();
    let paused = 0;
    for await (const chunk of readBuildLog(db, buildId)) {
      bytes += chunk.length;
      peakRss = Math.max(peakRss, process.memoryUsage.rss());
      peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
      // Every 64 chunks (~4 MB) collect garbage and read what is still live: the memory the stream
      // actually holds, as opposed to garbage V8 has not collected yet (the peak figures above).
      if (gc && ++chunks % 64 === 0) {
        const g = performance.now();
        gc();
        retained = Math.max(retained, process.memoryUsage().heapUsed - baseHeap);
        paused += performance.now() - g;
      }
    }
    const seconds = (performance.now() - t0 - paused) / 1000;
    const mb = (n: number) => Math.round((n / 1048576) * 10) / 10;
    console.log(`BENCH_RESULT ${JSON.stringify({ logBytes: bytes, logStreamSeconds: Math.round(seconds * 10) / 10, logStreamMBps: Math.round((bytes / 1048576 / seconds) * 10) / 10, logStreamBaselineRssMB: mb(baseRss), logStreamPeakRssDeltaMB: mb(peakRss - baseRss), logStreamPeakHeapDeltaMB: mb(peakHeap - baseHeap), logStreamRetainedHeapMaxMB: mb(retained), logStreamMaxOldSpaceMB: 128 })}`);
  } finally {
    await db.$disconnect();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
