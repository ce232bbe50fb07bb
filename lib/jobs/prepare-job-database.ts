import "server-only";
import { providerOf } from "@/lib/db/adapter";
import type { Db } from "@/lib/db/client";

/**
 * SQLite needs WAL so the web server's reads and the workers' writes do not block each other
 * (the adapter already sets a busy timeout). The mode is stored in the database file, so
 * setting it once per process is enough; PostgreSQL needs nothing.
 */
export async function prepareJobDatabase(db: Db, url: string): Promise<void> {
  if (providerOf(url) !== "sqlite") return;
  await db.$queryRawUnsafe("PRAGMA journal_mode = WAL");
}
