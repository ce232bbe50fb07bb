import "server-only";
import { setTimeout as sleep } from "node:timers/promises";
import type { PrismaClient } from "@/lib/db/client";
import { readBuildLog } from "./build-log";

export type TailEvent =
  | { type: "log"; from: number; to: number; text: string }
  | { type: "status"; status: string; logBytes: number; failureClass: string | null }
  | { type: "end"; status: string; logBytes: number };

const FINISHED = new Set(["SUCCEEDED", "FAILED", "CANCELLED"]);

/**
 * Follows a build's log from byte `from`: yields what is already there, then polls for appended
 * chunks and status changes until the build has finished and every byte was sent, or `signal`
 * aborts. Authorization is the caller's job (findVisibleBuild) before it starts. `from` must be
 * a chunk boundary (0, a previous `to`, or logTailStart) so each event decodes as whole text.
 */
export async function* tailBuildLog(db: PrismaClient, buildId: string, from: number, options: { signal: AbortSignal; pollMs?: number }): AsyncGenerator<TailEvent> {
  let offset = from;
  let lastStatus = "";
  while (!options.signal.aborted) {
    const build = await db.environmentBuild.findUnique({ where: { id: buildId }, select: { status: true, logBytes: true, failureClass: true } });
    if (!build) return;
    if (build.status !== lastStatus) {
      lastStatus = build.status;
      yield { type: "status", status: build.status, logBytes: build.logBytes, failureClass: build.failureClass };
    }
    if (build.logBytes > offset) {
      for await (const bytes of readBuildLog(db, buildId, offset, build.logBytes)) {
        if (options.signal.aborted) return;
        yield { type: "log", from: offset, to: offset + bytes.length, text: bytes.toString("utf8") };
        offset += bytes.length;
      }
    }
    if (FINISHED.has(build.status) && offset >= build.logBytes) {
      yield { type: "end", status: build.status, logBytes: build.logBytes };
      return;
    }
    await sleep(options.pollMs ?? 1000, undefined, { signal: options.signal }).catch(() => undefined);
  }
}

/** The chunk boundary at or before `size - bytes`: where a viewer showing the last `bytes` of the log starts. */
export async function logTailStart(db: PrismaClient, buildId: string, size: number, bytes: number): Promise<number> {
  if (size <= bytes) return 0;
  const chunk = await db.buildLogChunk.findFirst({ where: { buildId, startByte: { lte: size - bytes } }, orderBy: { startByte: "desc" }, select: { startByte: true } });
  return chunk?.startByte ?? 0;
}

/** The chunk boundary at or before `offset` (or `offset` itself when a chunk ends there), so a range read from it decodes as whole text. */
export async function logChunkStart(db: PrismaClient, buildId: string, offset: number): Promise<number> {
  if (offset <= 0) return 0;
  const chunk = await db.buildLogChunk.findFirst({ where: { buildId, startByte: { lte: offset } }, orderBy: { startByte: "desc" }, select: { startByte: true, text: true } });
  if (!chunk) return 0;
  return chunk.startByte + Buffer.byteLength(chunk.text) <= offset ? offset : chunk.startByte;
}
