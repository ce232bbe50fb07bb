import type { PrismaClient } from "@/lib/db/client";

export type DatabaseHealth = { db: "ok" } | { db: "error"; reason: string };

/** Reachable and migrated: a trivial read of a table that the first migration creates. */
export async function checkDatabase(db: PrismaClient, timeoutMs = 3000): Promise<DatabaseHealth> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      db.team.count(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return { db: "ok" };
  } catch (error) {
    return { db: "error", reason: explain(error) };
  } finally {
    clearTimeout(timer);
  }
}

function explain(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if (/no such table|does not exist/i.test(message)) return "database schema is missing: run npm run db:migrate:deploy";
  if (/ECONNREFUSED|connect|unable to open/i.test(message)) return "database unreachable: check DATABASE_URL";
  return `database error: ${message.split("\n")[0]?.slice(0, 200) ?? "unknown"}`;
}
