/**
 * The Prisma client for DATABASE_URL. App code is typed against the SQLite client; both
 * clients are generated from the same models (prisma/tooling/derive-schemas.ts), so the
 * PostgreSQL one is used through the same type.
 */
import { PrismaClient } from "@/generated/prisma/client";
import { PrismaClient as PostgresPrismaClient } from "@/generated/prisma-postgresql/client";
import { env } from "@/lib/env";
import { createAdapterFactory, providerOf } from "./adapter";

export type { PrismaClient };
export type Db = PrismaClient;

export function createDb(url: string): PrismaClient {
  const adapter = createAdapterFactory(url);
  return providerOf(url) === "postgresql"
    ? (new PostgresPrismaClient({ adapter }) as unknown as PrismaClient)
    : new PrismaClient({ adapter });
}

// One client per process; Next.js dev re-evaluates modules on hot reload.
const store = globalThis as unknown as { __feedgateDb?: PrismaClient };

export function getDb(): PrismaClient {
  store.__feedgateDb ??= createDb(env.DATABASE_URL);
  return store.__feedgateDb;
}

/**
 * Disconnects and forgets the process client, so the next getDb() connects to DATABASE_URL
 * afresh: graceful shutdown, and tests that point the app at a throwaway database.
 */
export async function disconnectDb(): Promise<void> {
  const db = store.__feedgateDb;
  store.__feedgateDb = undefined;
  await db?.$disconnect();
}
