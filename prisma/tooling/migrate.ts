/**
 * Offline Prisma Migrate. The Prisma 7 CLI runs migrations with a native schema-engine
 * binary that it downloads from Prisma's binary host, which these machines cannot reach
 * (only the npm registry). This script drives the same engine compiled to WebAssembly
 * (npm: @prisma/schema-engine-wasm) through the app's JS driver adapter, the way
 * Prisma 6's `engine: "js"` config did. Migration files and the `_prisma_migrations`
 * table are the same as the CLI's.
 *
 *   tsx prisma/tooling/migrate.ts create --name <name> [--empty]  ~ prisma migrate dev --create-only
 *                                   (like it, first applies pending migrations to DATABASE_URL)
 *   tsx prisma/tooling/migrate.ts deploy                          ~ prisma migrate deploy
 *   tsx prisma/tooling/migrate.ts dev --name <name>               ~ prisma migrate dev (apply, create, apply)
 *   tsx prisma/tooling/migrate.ts status                          ~ prisma migrate status (exit 1 unless up to date)
 *   tsx prisma/tooling/migrate.ts reset --force                   ~ prisma migrate reset (no seed)
 *   tsx prisma/tooling/migrate.ts push [--accept-data-loss]       ~ prisma db push
 * Options: --schema <file|dir> --migrations <dir> (defaults follow the provider, see DEFAULTS)
 *
 * DATABASE_URL  file:./data/feedgate.db (default) | :memory:     -> SQLite via @prisma/adapter-better-sqlite3
 *               postgres://… | postgresql://…         -> PostgreSQL via @prisma/adapter-pg
 *               pglite:memory | pglite:<dir>          -> PostgreSQL in-process (PGlite, dev only):
 *                                                        author PostgreSQL migrations with no server
 *               Shadow database (create/dev only): SQLite :memory:, PGlite in memory, or for a
 *               PostgreSQL server a temporary database it creates and drops (needs CREATEDB).
 * DEBUG=1       print the engine's log lines.
 */
import { existsSync, mkdirSync } from "node:fs";
import { mkdir, readFile, readdir, stat, writeFile } from "node:fs/promises";
import { randomUUID } from "node:crypto";
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import {
  bindMigrationAwareSqlAdapterFactory,
  ColumnTypeEnum,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
} from "@prisma/driver-adapter-utils";
import type { CreateMigrationOutput, SchemaEngine } from "@prisma/schema-engine-wasm";
import { createAdapterFactory, prepareSqliteFile, providerOf } from "../../lib/db/adapter";

const databaseUrl = () => process.env.DATABASE_URL || "file:./data/feedgate.db";

const DEFAULTS = {
  sqlite: { schema: "prisma/schema.prisma", migrations: "prisma/migrations" },
  postgresql: { schema: "prisma/postgresql/schema.prisma", migrations: "prisma/postgresql/migrations" },
};
const USAGE = "usage: tsx prisma/tooling/migrate.ts <create|dev|deploy|status|reset|push> [--name n] [--empty] [--force] [--schema p] [--migrations d]";

// ---------- arguments ----------
const [command = "help", ...rest] = process.argv.slice(2);
const flags = new Map<string, string | true>();
for (let i = 0; i < rest.length; i++) {
  const arg = rest[i] ?? "";
  if (!arg.startsWith("--")) continue;
  const [k = "", v] = arg.slice(2).split("=", 2);
  const next = rest[i + 1];
  if (v !== undefined) flags.set(k, v);
  else if (next !== undefined && !next.startsWith("--")) {
    flags.set(k, next);
    i++;
  } else flags.set(k, true);
}
const flag = (k: string) => (typeof flags.get(k) === "string" ? (flags.get(k) as string) : undefined);

const url = databaseUrl();
const provider = providerOf(url);
const schemaPath = path.resolve(flag("schema") ?? DEFAULTS[provider].schema);
const migrationsDir = path.resolve(flag("migrations") ?? DEFAULTS[provider].migrations);
// Tables a migration creates in raw SQL that Prisma cannot describe: the SQLite FTS5 search
// table and its shadow tables (migration build_name_search). Left out of every diff.
const FTS_TABLES = ["", "_config", "_content", "_data", "_docsize", "_idx"].map((s) => `BuildEnvironmentNameFts${s}`);
const filters = { externalTables: provider === "sqlite" ? FTS_TABLES : ([] as string[]), externalEnums: [] as string[] };
const cleanups: (() => Promise<unknown>)[] = [];

// ---------- schema and migrations from disk, in the shapes the Prisma CLI passes ----------
async function schemaFiles(): Promise<[string, string][]> {
  const files: string[] = [];
  const walk = async (p: string): Promise<void> => {
    if ((await stat(p)).isDirectory()) for (const e of await readdir(p)) await walk(path.join(p, e));
    else if (p.endsWith(".prisma")) files.push(p);
  };
  await walk(schemaPath);
  return Promise.all(files.sort().map(async (f): Promise<[string, string]> => [f, await readFile(f, "utf8")]));
}

async function migrationsList() {
  const entries = existsSync(migrationsDir) ? await readdir(migrationsDir, { withFileTypes: true }) : [];
  const names = entries.filter((e) => e.isDirectory()).map((e) => e.name).sort((a, b) => a.localeCompare(b));
  return {
    baseDir: migrationsDir,
    lockfile: {
      path: "migration_lock.toml",
      content: await readFile(path.join(migrationsDir, "migration_lock.toml"), "utf8").catch(() => null),
    },
    migrationDirectories: await Promise.all(
      names.map(async (name) => ({
        path: name,
        migrationFile: {
          path: "migration.sql",
          content: await readFile(path.join(migrationsDir, name, "migration.sql"), "utf8").then(
            (value) => ({ tag: "ok" as const, value }),
            (e: Error) => ({ tag: "error" as const, value: e.message }),
          ),
        },
      })),
    ),
    shadowDbInitScript: "",
  };
}

// ---------- driver adapter, with fixes for the wasm engine ----------
async function baseFactory(u: string): Promise<SqlMigrationAwareDriverAdapterFactory> {
  if (!u.startsWith("pglite:")) return createAdapterFactory(u);
  const { PGlite } = await import("@electric-sql/pglite");
  const { PrismaPGlite } = await import("pglite-prisma-adapter");
  const dir = u.slice("pglite:".length);
  if (dir !== "memory") mkdirSync(dir, { recursive: true });
  // pg_trgm: the build search's trigram index (prisma/postgresql/migrations/*_build_name_search).
  const { pg_trgm } = await import("@electric-sql/pglite/contrib/pg_trgm");
  const db = new PGlite(dir === "memory" ? "memory://" : dir, { extensions: { pg_trgm } });
  cleanups.push(() => db.close());
  const factory = new PrismaPGlite(db);
  // The adapter's own shadow database is a PGlite without extensions; replaying migrations needs pg_trgm.
  factory.connectToShadowDb = async () => {
    const shadow = new PGlite("memory://", { extensions: { pg_trgm } });
    cleanups.push(() => shadow.close());
    return new PrismaPGlite(shadow).connect();
  };
  return factory;
}

/**
 * Fixes for driving the wasm engine with the 7.10 adapters:
 * 1. The engine replays migrations on the shadow database with `executeRaw` (a single
 *    prepared statement); better-sqlite3 rejects multi-statement SQL there ("contains more
 *    than one statement"). Fall back to executeScript for parameterless SQL.
 * 2. adapter-pg cannot type PostgreSQL's internal "char" (OID 18), which the engine's catalog
 *    queries select (pg_constraint.contype, …): "Column type 'char' could not be
 *    deserialized". Report such columns as Character, as pglite-prisma-adapter does.
 * 3. adapter-pg's connectToShadowDb() drops the temporary database before closing its pool
 *    ("is being accessed by other users"), and with a { connectionString } config its
 *    "shadow" pool connects to the main database. Create/drop the temporary database here.
 */
const charColumns = new WeakMap<object, number[]>();
function typePgCharAsCharacter(a: SqlDriverAdapter) {
  type PgResult = { fields: { dataTypeID: number }[]; rows: unknown[] };
  const self = a as unknown as { performIO(q: unknown): Promise<PgResult> };
  const performIO = self.performIO.bind(a);
  self.performIO = async (q) => {
    const r = await performIO(q);
    const idx: number[] = [];
    r.fields.forEach((f, i) => {
      if (f.dataTypeID === 18) {
        f.dataTypeID = 25; // adapter-pg maps text (pg returns "char" values as strings)…
        idx.push(i); // …and queryRaw below retypes the column as Character
      }
    });
    if (idx.length) charColumns.set(r.rows, idx);
    return r;
  };
  const queryRaw = a.queryRaw.bind(a);
  a.queryRaw = async (q) => {
    const r = await queryRaw(q);
    for (const i of charColumns.get(r.rows) ?? []) r.columnTypes[i] = ColumnTypeEnum.Character;
    return r;
  };
}

/**
 * 6. adapter-pg's executeScript splits a script on every `;`, even inside a dollar-quoted
 *    function body (the build search's triggers). One simple-protocol query runs the script
 *    whole, as psql and the Prisma CLI's native engine do.
 */
function runPgScriptWhole(a: SqlDriverAdapter) {
  const client = (a as unknown as { client?: { query(sql: string): Promise<unknown> } }).client;
  if (!client) return;
  a.executeScript = async (script) => {
    await client.query(script);
  };
}

function patch(a: SqlDriverAdapter): SqlDriverAdapter {
  if (a.adapterName === "@prisma/adapter-pg") {
    typePgCharAsCharacter(a);
    runPgScriptWhole(a);
  }
  const executeRaw = a.executeRaw.bind(a);
  a.executeRaw = async (q) => {
    try {
      return await executeRaw(q);
    } catch (e) {
      if (q.args.length > 0 || !/more than one statement/i.test(String((e as Error)?.message))) throw e;
      await a.executeScript(q.sql);
      return 0;
    }
  };
  return a;
}

async function migrationFactory(): Promise<SqlMigrationAwareDriverAdapterFactory> {
  const factory = await baseFactory(url);
  const shadow = async (): Promise<SqlDriverAdapter> => {
    if (factory.adapterName !== "@prisma/adapter-pg") return factory.connectToShadowDb();
    const main = await factory.connect();
    const name = `prisma_migrate_shadow_db_${randomUUID().replaceAll("-", "")}`;
    await main.executeScript(`CREATE DATABASE "${name}"`);
    const u = new URL(url);
    u.pathname = `/${name}`;
    const adapter = await createAdapterFactory(u.toString()).connect();
    const dispose = adapter.dispose.bind(adapter);
    adapter.dispose = async () => {
      await dispose(); // close the shadow pool first, then drop the database
      await main.executeScript(`DROP DATABASE IF EXISTS "${name}"`);
      await main.dispose();
    };
    return adapter;
  };
  return {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: async () => {
      const a = patch(await factory.connect());
      cleanups.unshift(() => a.dispose());
      return a;
    },
    connectToShadowDb: async () => patch(await shadow()),
  };
}

// ---------- the wasm schema engine ----------
let panicMessage = ""; // Rust panics are reported through this global, as in Prisma's CLI
(globalThis as Record<string, unknown>).PRISMA_WASM_PANIC_REGISTRY = {
  set_message: (m: string) => void (panicMessage = m),
};
process.on("uncaughtException", (e) => {
  console.error(panicMessage ? `schema engine panicked: ${panicMessage}` : e);
  process.exit(1);
});

let errorRegistry: { consumeError(id: number): { error: unknown } | undefined } | undefined;

async function loadEngine(files: [string, string][]): Promise<SchemaEngine> {
  // The package entry does `import * as wasm from "../../scripts/schema_engine_bg.wasm"` (needs
  // --experimental-wasm-modules); instantiate the module by hand instead, as Prisma 6 did.
  const gluePath = createRequire(import.meta.url).resolve("@prisma/schema-engine-wasm/schema_engine_bg");
  const glue = await import(pathToFileURL(gluePath).href);
  const bytes = await readFile(path.join(path.dirname(gluePath), "schema_engine_bg.wasm"));
  const { instance } = await WebAssembly.instantiate(bytes, { "./schema_engine_bg.js": glue });
  glue.__wbg_set_wasm(instance.exports);
  (instance.exports as unknown as { __wbindgen_start(): void }).__wbindgen_start();

  const adapter = bindMigrationAwareSqlAdapterFactory(await migrationFactory());
  errorRegistry = adapter.errorRegistry;
  const log = (line: string) => process.env.DEBUG && process.stderr.write(`[schema-engine] ${line}\n`);
  return glue.SchemaEngine.new({ datamodels: files }, log, adapter);
}

async function run<T>(what: string, p: Promise<T>): Promise<T> {
  try {
    return await p;
  } catch (e) {
    const err = e as { code?: string; message?: string };
    let msg = err?.code ? `${err.code}: ${err.message}` : String(err?.message ?? e);
    const ext = /External error id#(\d+)/.exec(msg); // JS-side errors (driver, fs) are registered
    const cause = ext ? errorRegistry?.consumeError(Number(ext[1]))?.error : undefined;
    if (cause) msg += `\n  caused by: ${(cause as Error)?.message ?? JSON.stringify(cause)}`;
    if (panicMessage) msg += `\n  engine panic: ${panicMessage}`;
    throw new Error(`${what} failed: ${msg}`);
  }
}

// ---------- commands ----------
async function devDiagnostic(engine: SchemaEngine) {
  const call = async () => run("devDiagnostic", engine.devDiagnostic({ migrationsList: await migrationsList(), filters }));
  try {
    return await call();
  } catch (e) {
    // With better-sqlite3, a database without `_prisma_migrations` fails with P1014 instead
    // of counting as "not initialized". Create the empty table (apply an empty list), retry.
    if (!/P1014/.test((e as Error).message)) throw e;
    const list = await migrationsList();
    await run("applyMigrations", engine.applyMigrations({ migrationsList: { ...list, migrationDirectories: [] }, filters }));
    return call();
  }
}

async function deploy(engine: SchemaEngine) {
  const list = await migrationsList();
  console.log(`${list.migrationDirectories.length} migration(s) found`);
  const { appliedMigrationNames } = await run("applyMigrations", engine.applyMigrations({ migrationsList: list, filters }));
  console.log(appliedMigrationNames.length ? `Applied: ${appliedMigrationNames.join(", ")}` : "No pending migrations to apply.");
  return appliedMigrationNames;
}

async function writeMigration(out: CreateMigrationOutput) {
  const dir = path.join(migrationsDir, out.generatedMigrationName);
  if (existsSync(dir)) throw new Error(`migration directory already exists: ${dir}`);
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, `migration.${out.extension}`), out.migrationScript ?? "");
  await writeFile(
    path.join(migrationsDir, "migration_lock.toml"),
    `# Please do not edit this file manually\n# It should be added in your version-control system (e.g., Git)\nprovider = "${out.connectorType}"\n`,
  );
  return path.relative(process.cwd(), path.join(dir, `migration.${out.extension}`));
}

async function main() {
  if (!["create", "dev", "deploy", "status", "reset", "push"].includes(command)) {
    console.log(USAGE);
    process.exitCode = command === "help" ? 0 : 1;
    return;
  }
  const files = await schemaFiles();
  const schema = { files: files.map(([p, content]) => ({ path: p, content })) };
  const where = url.replace(/\/\/([^:@/]+):[^@/]*@/, "//$1:***@");
  console.log(`${command}: ${path.relative(process.cwd(), schemaPath)}, ${path.relative(process.cwd(), migrationsDir)}, ${where}`);
  ensureSqliteDirectory(url);
  const engine = await loadEngine(files);
  try {
    switch (command) {
      case "create":
      case "dev": {
        const name = flag("name");
        if (!name) throw new Error("--name <name> is required");
        // devDiagnostic first: it fills the shadow-database schema cache that
        // evaluateDataLoss/createMigration rely on (they have no shadow connection of their own).
        const { action } = await devDiagnostic(engine);
        if (action.tag === "reset") throw new Error(`the database needs a reset: ${action.reason}\n(npm run db:migrate:reset)`);
        // Apply pending migrations first, as `prisma migrate dev [--create-only]` does. If any
        // were pending, devDiagnostic skipped the shadow replay, so run it again to fill the cache.
        if ((await deploy(engine)).length) await devDiagnostic(engine);
        const loss = await run("evaluateDataLoss", engine.evaluateDataLoss({ migrationsList: await migrationsList(), schema, filters }));
        for (const w of loss.warnings) console.warn(`warning: ${w.message}`);
        for (const u of loss.unexecutableSteps) console.warn(`unexecutable: ${u.message}`);
        const out = await run(
          "createMigration",
          engine.createMigration({ migrationName: name, draft: flags.has("empty"), schema, migrationsList: await migrationsList(), filters }),
        );
        console.log(out.migrationScript === null ? "No schema changes: no migration created." : `Created ${await writeMigration(out)}`);
        if (command === "dev" && out.migrationScript !== null) await deploy(engine);
        break;
      }
      case "deploy":
        await deploy(engine);
        break;
      case "status": {
        const d = await run(
          "diagnoseMigrationHistory",
          engine.diagnoseMigrationHistory({ migrationsList: await migrationsList(), optInToShadowDatabase: false, filters }),
        );
        const h = d.history;
        if (h?.diagnostic === "databaseIsBehind") console.log(`Pending: ${h.unappliedMigrationNames.join(", ")}`);
        else if (h) console.log(JSON.stringify(h));
        if (d.failedMigrationNames.length) console.log(`Failed: ${d.failedMigrationNames.join(", ")}`);
        if (d.editedMigrationNames.length) console.log(`Edited after apply: ${d.editedMigrationNames.join(", ")}`);
        const ok = !h && !d.failedMigrationNames.length && !d.editedMigrationNames.length;
        console.log(ok ? "Database schema is up to date." : "Database is not up to date.");
        process.exitCode = ok ? 0 : 1;
        break;
      }
      case "reset":
        if (!flags.has("force")) throw new Error("reset drops all data: pass --force");
        await run("reset", engine.reset({ filter: filters }));
        console.log("Database reset.");
        await deploy(engine);
        break;
      case "push": {
        const force = flags.has("accept-data-loss");
        const r = await run("schemaPush", engine.schemaPush({ schema, force, filters }));
        for (const w of r.warnings) console.warn(`warning: ${w}`);
        for (const u of r.unexecutable) console.warn(`unexecutable: ${u}`);
        if (r.unexecutable.length || (r.warnings.length && !force)) throw new Error("not pushed (see above; --accept-data-loss)");
        console.log(`Pushed (${r.executedSteps} step(s)).`);
        break;
      }
    }
  } finally {
    engine.free();
    for (const c of cleanups) await c().catch(() => {});
  }
}

/** better-sqlite3 does not create missing folders; `file:./data/x.db` must work on a clean clone. */
function ensureSqliteDirectory(u: string) {
  if (providerOf(u) !== "sqlite" || !u.startsWith("file:")) return;
  prepareSqliteFile(u);
}

main().then(
  () => process.exit(process.exitCode ?? 0), // PGlite / pools would otherwise keep the process alive
  (e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  },
);
