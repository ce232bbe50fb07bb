import "server-only";
import type { PrismaClient } from "@/lib/db/client";

/**
 * The builds search, resolved through an index: the distinct environment names that contain the
 * text, read from BuildEnvironmentName (every name a build has had, kept by database triggers)
 * through its trigram index, so a search never scans the builds table. Builds then match by
 * name, `environmentName IN (...)`, on the (environmentName, queuedAt, ...) index.
 *
 * Semantics are those of Prisma's `contains` on the same database, which the dashboard has
 * always used: a substring match, `%`, `_` and `\` taken literally; ASCII-case-insensitive on
 * SQLite (LIKE), case-sensitive on PostgreSQL (LIKE). The trigram index only narrows the
 * candidates; the same LIKE then decides, so short (< 3 characters) queries match exactly as
 * before (the index cannot help them: SQLite reads the names table, PostgreSQL its GIN index
 * or the table, both small next to the builds).
 *
 * Returns null when more than MAX_NAMES names match: then the text is so common that filtering
 * builds with `contains` (LIKE) along the page's index finds a page after a few rows.
 * `contains` treated `%` and `_` as wildcards in the table while the trend took them literally;
 * now every part of the dashboard takes them literally.
 */
export async function searchEnvironmentNames(db: PrismaClient, q: string): Promise<string[] | null> {
  const pattern = likePattern(q);
  // Prisma's `contains` cannot escape LIKE wildcards on SQLite, so text holding them always
  // resolves to names (literal everywhere, as the trend's SQL always was).
  const limit = /[\\%_]/.test(q) ? MAX_LITERAL_NAMES : MAX_NAMES;
  const isPostgres = await isPostgresClient(db);
  const rows = isPostgres
    ? await db.$queryRaw<{ name: string }[]>`SELECT "name" FROM "BuildEnvironmentName" WHERE "name" LIKE ${pattern} ESCAPE '\\' LIMIT ${limit + 1}`
    : [...q].length >= 3
      ? await db.$queryRaw<{ name: string }[]>`SELECT "name" FROM "BuildEnvironmentNameFts" WHERE "BuildEnvironmentNameFts" MATCH ${ftsPhrase(q)} AND "name" LIKE ${pattern} ESCAPE '\\' LIMIT ${limit + 1}`
      : await db.$queryRaw<{ name: string }[]>`SELECT "name" FROM "BuildEnvironmentName" WHERE "name" LIKE ${pattern} ESCAPE '\\' LIMIT ${limit + 1}`;
  return rows.length > limit && limit === MAX_NAMES ? null : rows.map((r) => r.name);
}

/** More names than this and a search filters with LIKE instead (see searchEnvironmentNames). */
export const MAX_NAMES = 500;
const MAX_LITERAL_NAMES = 20_000;

/** `%q%` for LIKE … ESCAPE '\': the text's own wildcards and backslashes taken literally. */
export function likePattern(q: string): string {
  return `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** An FTS5 phrase: with the trigram tokenizer, rows containing the text (case-folded). */
function ftsPhrase(q: string): string {
  return `"${q.replaceAll('"', '""')}"`;
}

/**
 * The app types both clients as the SQLite one (lib/db/client.ts); raw SQL needs to know which it
 * is. Asked once per client: sqlite_version() exists only on SQLite.
 */
export async function isPostgresClient(db: PrismaClient): Promise<boolean> {
  const known = providers.get(db);
  if (known !== undefined) return known;
  const isPostgres = await db.$queryRaw`SELECT sqlite_version() AS "v"`.then(
    () => false,
    () => true,
  );
  providers.set(db, isPostgres);
  return isPostgres;
}
const providers = new WeakMap<PrismaClient, boolean>();
