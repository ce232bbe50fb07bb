/**
 * Throwaway migrated databases for data-layer tests: always SQLite, and PostgreSQL too when
 * TEST_POSTGRES_URL names a server (a fresh database is created there and dropped after).
 *
 *   for (const provider of testProviders()) describe(provider, () => {
 *     const t = useTestDatabase(provider);   // t.db, t.url inside tests
 *   });
 */
import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdirSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { Client } from "pg";
import { afterAll, beforeAll } from "vitest";
import type { DbProvider } from "@/lib/db/adapter";
import { createDb, type PrismaClient } from "@/lib/db/client";

const require = createRequire(import.meta.url);
const root = path.resolve(import.meta.dirname, "../..");

export function testProviders(): DbProvider[] {
  return process.env.TEST_POSTGRES_URL ? ["sqlite", "postgresql"] : ["sqlite"];
}

export interface TestDatabase {
  url: string;
  db: PrismaClient;
  drop(): Promise<void>;
}

export async function createTestDatabase(provider: DbProvider): Promise<TestDatabase> {
  const id = `feedgate_test_${randomUUID().replaceAll("-", "").slice(0, 12)}`;
  if (provider === "sqlite") {
    const dir = path.join(os.tmpdir(), id);
    mkdirSync(dir, { recursive: true });
    const url = `file:${path.join(dir, "test.db")}`;
    migrate(url);
    const db = createDb(url);
    return {
      url,
      db,
      drop: async () => {
        await db.$disconnect();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const server = process.env.TEST_POSTGRES_URL;
  if (!server) throw new Error("TEST_POSTGRES_URL is not set");
  await admin(server, `CREATE DATABASE "${id}"`);
  const u = new URL(server);
  u.pathname = `/${id}`;
  const url = u.toString();
  migrate(url);
  const db = createDb(url);
  return {
    url,
    db,
    drop: async () => {
      await db.$disconnect();
      await admin(server, `DROP DATABASE IF EXISTS "${id}" WITH (FORCE)`);
    },
  };
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

/** Applies migrations with the project's own offline migrate script, as `npm start` does. */
export function migrate(url: string) {
  execFileSync(process.execPath, [require.resolve("tsx/cli"), "scripts/prisma-migrate.ts", "deploy"], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: url },
    stdio: "pipe",
  });
}

async function admin(server: string, sql: string) {
  const client = new Client({ connectionString: server });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
