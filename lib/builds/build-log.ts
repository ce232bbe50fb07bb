/**
 * The build log as byte-addressed chunks (BuildLogChunk). Appends come from one job step at a
 * time (the job lease serialises them); reads take any byte range without loading the log whole.
 */
import "server-only";
import type { PrismaClient } from "@/lib/db/client";

/** Appends text; returns the log's new length in bytes. Empty text is a no-op. */
export async function appendBuildLog(db: PrismaClient, buildId: string, text: string): Promise<number> {
  const last = await db.buildLogChunk.findFirst({ where: { buildId }, orderBy: { seq: "desc" } });
  const start = last ? last.startByte + Buffer.byteLength(last.text) : 0;
  if (!text) return start;
  const seq = (last?.seq ?? -1) + 1;
  const total = start + Buffer.byteLength(text);
  await db.$transaction([
    db.buildLogChunk.create({ data: { buildId, seq, startByte: start, text } }),
    db.environmentBuild.update({ where: { id: buildId }, data: { logBytes: total } }),
  ]);
  return total;
}

/**
 * Streams bytes [from, to) of the log as UTF-8 chunks, a few rows at a time.
 * Chunks are split at byte offsets, so a range may cut a multi-byte character; callers
 * that show text should request whole chunks (from = 0 or a previous end).
 */
export async function* readBuildLog(db: PrismaClient, buildId: string, from = 0, to = Number.MAX_SAFE_INTEGER): AsyncGenerator<Buffer> {
  if (to <= from) return;
  const first = await db.buildLogChunk.findFirst({ where: { buildId, startByte: { lte: from } }, orderBy: { startByte: "desc" } });
  let seq = first?.seq ?? 0;
  for (;;) {
    const rows = await db.buildLogChunk.findMany({ where: { buildId, seq: { gte: seq } }, orderBy: { seq: "asc" }, take: 16 });
    if (!rows.length) return;
    for (const row of rows) {
      const bytes = Buffer.from(row.text);
      const end = row.startByte + bytes.length;
      if (end > from) {
        const slice = bytes.subarray(Math.max(0, from - row.startByte), Math.min(bytes.length, to - row.startByte));
        if (slice.length) yield slice;
      }
      if (end >= to) return;
    }
    seq = (rows[rows.length - 1]?.seq ?? seq) + 1;
  }
}

export async function readBuildLogText(db: PrismaClient, buildId: string, from = 0, to?: number): Promise<string> {
  const parts: Buffer[] = [];
  for await (const b of readBuildLog(db, buildId, from, to)) parts.push(b);
  return Buffer.concat(parts).toString("utf8");
}
