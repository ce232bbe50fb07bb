/**
 * Throwaway migrated databases for tests and benchmarks: a SQLite file in a temp folder, or a
 * fresh database on a PostgreSQL server (created, then dropped). Migrations run through the
 * project's own offline migrate script, as `npm start` does.
 */
import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdirSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { Client } from "pg";
import type { DbProvider } from "@/lib/db/adapter";
import { createDb, type PrismaClient } from "@/lib/db/client";

const require = createRequire(import.meta.url);
const root = path.resolve(import.meta.dirname, "..");

export interface ThrowawayDatabase {
  url: string;
  db: PrismaClient;
  drop(): Promise<void>;
}

/** `serverUrl` names the PostgreSQL server for provider "postgresql" (default TEST_POSTGRES_URL). */
export async function createThrowawayDatabase(provider: DbProvider, serverUrl = process.env.TEST_POSTGRES_URL): Promise<ThrowawayDatabase> {
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
  const server = serverUrl;
  if (!server) throw new Error("a PostgreSQL server URL is required (TEST_POSTGRES_URL)");
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

/** Applies migrations with the project's own offline migrate script, as `npm start` does. */
export function migrate(url: string) {
  execFileSync(process.execPath, [require.resolve("tsx/cli"), "prisma/tooling/migrate.ts", "deploy"], {
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
