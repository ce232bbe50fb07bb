/**
 * Picks the Prisma driver adapter from a database URL:
 *   postgres://… | postgresql://…   → @prisma/adapter-pg              (production)
 *   file:<path> | :memory:          → @prisma/adapter-better-sqlite3  (embedded default)
 * Shared by the app (lib/db/client.ts), the migrate script and the tests.
 */
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";

export type DbProvider = "sqlite" | "postgresql";

export function providerOf(url: string): DbProvider {
  return /^(postgres(ql)?:\/\/|pglite:)/i.test(url) ? "postgresql" : "sqlite";
}

export function createAdapterFactory(url: string) {
  return providerOf(url) === "postgresql"
    ? new PrismaPg({ connectionString: url })
    : new PrismaBetterSqlite3({ url, timeout: 5000 });
}
