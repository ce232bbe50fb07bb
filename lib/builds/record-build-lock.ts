import "server-only";
import type { PrismaClient } from "@/lib/db/client";
import { parseBaseImageDigest } from "./base-image-digest";
import { parseBuildLock, type BuildLock } from "./build-lock";

/**
 * Reads a succeeded build's lock from its stored log and records it (idempotent: a resumed step
 * writes the same lock again). Resolves to the lock, or to null when the log has none, e.g. a
 * build of an image Azure ML already had, whose log Feedgate never saw. Throws LockParseError
 * when the log's lock block holds anything but packages; nothing is recorded then.
 *
 * The digest of the base image the build pulled (its `Digest:` line) is recorded first, whatever
 * the lock: the staleness check compares it with the registry's.
 */
export async function recordBuildLock(db: PrismaClient, buildId: string): Promise<BuildLock | null> {
  const chunks = await db.buildLogChunk.findMany({ where: { buildId }, orderBy: { seq: "asc" }, select: { text: true } });
  const log = chunks.map((c) => c.text).join("");
  const digest = parseBaseImageDigest(log);
  if (digest) await db.environmentBuild.update({ where: { id: buildId }, data: { baseImageDigest: digest } });
  const lock = parseBuildLock(log);
  if (!lock) return null;
  const data = { pip: lock.pip.join("\n"), conda: lock.conda.join("\n") };
  await db.buildLock.upsert({ where: { buildId }, create: { buildId, ...data }, update: data });
  return lock;
}
