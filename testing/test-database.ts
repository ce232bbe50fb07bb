/**
 * Data-layer tests run on SQLite always, and on PostgreSQL too when TEST_POSTGRES_URL names a
 * server (a fresh database is created there and dropped after).
 *
 *   for (const provider of testProviders()) describe(provider, () => {
 *     const t = useTestDatabase(provider);   // t.db, t.url inside tests
 *   });
 */
import { afterAll, beforeAll } from "vitest";
import type { DbProvider } from "@/lib/db/adapter";
import { createThrowawayDatabase, type ThrowawayDatabase } from "@/testing/throwaway-database";

export { migrate } from "@/testing/throwaway-database";
export type TestDatabase = ThrowawayDatabase;

export function testProviders(): DbProvider[] {
  return process.env.TEST_POSTGRES_URL ? ["sqlite", "postgresql"] : ["sqlite"];
}

export function createTestDatabase(provider: DbProvider): Promise<TestDatabase> {
  return createThrowawayDatabase(provider);
}

/** Registers beforeAll/afterAll hooks; the returned handle is filled before the first test. */
export function useTestDatabase(provider: DbProvider): TestDatabase {
  const handle = {} as TestDatabase;
  beforeAll(async () => {
    Object.assign(handle, await createTestDatabase(provider));
  });
  afterAll(async () => {
    await handle.drop?.();
  });
  return handle;
}
