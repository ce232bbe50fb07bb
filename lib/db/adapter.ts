/**
 * Picks the Prisma driver adapter from a database URL:
 *   postgres://… | postgresql://…   → @prisma/adapter-pg              (production)
 *   file:<path> | :memory:          → @prisma/adapter-better-sqlite3  (embedded default),
 *                                     serialised by serializeSqliteAdapter below
 * Shared by the app (lib/db/client.ts), the migrate script and the tests.
 */
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from "node:fs";
import path from "node:path";
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import type { IsolationLevel, SqlDriverAdapter, SqlMigrationAwareDriverAdapterFactory, SqlQuery, Transaction } from "@prisma/driver-adapter-utils";

export type DbProvider = "sqlite" | "postgresql";

export function providerOf(url: string): DbProvider {
  return /^(postgres(ql)?:\/\/|pglite:)/i.test(url) ? "postgresql" : "sqlite";
}

export function createAdapterFactory(url: string): SqlMigrationAwareDriverAdapterFactory {
  if (providerOf(url) === "postgresql") return new PrismaPg({ connectionString: url });
  prepareSqliteFile(url);
  // timeout: SQLite's busy timeout, for other processes (workers, the migrate script) holding
  // the file's write lock. WAL is switched on per database file by lib/jobs/prepare-job-database.
  return serializeSqliteAdapter(new PrismaBetterSqlite3({ url, timeout: 5000 }));
}

/**
 * The better-sqlite3 adapter gives a Prisma client ONE connection. Its transactions lock only
 * against each other, so a plain statement sent while another caller's transaction is open runs
 * on that connection inside the transaction: it is seen by it, and undone if it rolls back.
 * This wrapper makes the connection a queue: while a transaction is open (startTransaction to
 * commit or rollback) every other statement waits until it ends, then runs, in arrival order.
 * Statements are synchronous in better-sqlite3, so waiting costs only the open transaction's own
 * duration; code inside a transaction must use its `tx`, as everywhere in lib/ it does (a plain
 * `db` call there would now wait for its own transaction until that times out).
 */
export function serializeSqliteAdapter(factory: SqlMigrationAwareDriverAdapterFactory): SqlMigrationAwareDriverAdapterFactory {
  return {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: async () => new SerializedAdapter(await factory.connect()),
    connectToShadowDb: async () => new SerializedAdapter(await factory.connectToShadowDb()),
  };
}

/** A FIFO lock: acquire() resolves with the function that releases it. */
class Queue {
  private tail: Promise<void> = Promise.resolve();

  acquire(): Promise<() => void> {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const acquired = this.tail.then(() => once(release));
    this.tail = this.tail.then(() => held);
    return acquired;
  }

  async run<T>(fn: () => Promise<T>): Promise<T> {
    const release = await this.acquire();
    try {
      return await fn();
    } finally {
      release();
    }
  }
}

class SerializedAdapter implements SqlDriverAdapter {
  readonly provider: SqlDriverAdapter["provider"];
  readonly adapterName: string;
  readonly getConnectionInfo?: SqlDriverAdapter["getConnectionInfo"];
  private readonly queue = new Queue();

  constructor(private readonly inner: SqlDriverAdapter) {
    this.provider = inner.provider;
    this.adapterName = inner.adapterName;
    if (inner.getConnectionInfo) this.getConnectionInfo = () => inner.getConnectionInfo?.() ?? { supportsRelationJoins: false };
  }

  queryRaw(query: SqlQuery) {
    return this.queue.run(() => this.inner.queryRaw(query));
  }

  executeRaw(query: SqlQuery) {
    return this.queue.run(() => this.inner.executeRaw(query));
  }

  executeScript(script: string) {
    return this.queue.run(() => this.inner.executeScript(script));
  }

  async startTransaction(isolationLevel?: IsolationLevel): Promise<Transaction> {
    // Held until the transaction ends: its statements go through `tx` and do not queue.
    const release = await this.queue.acquire();
    try {
      return new SerializedTransaction(await this.inner.startTransaction(isolationLevel), release);
    } catch (error) {
      release();
      throw error;
    }
  }

  dispose() {
    return this.inner.dispose();
  }
}

class SerializedTransaction implements Transaction {
  readonly provider: Transaction["provider"];
  readonly adapterName: string;
  readonly options: Transaction["options"];
  readonly createSavepoint?: Transaction["createSavepoint"];
  readonly rollbackToSavepoint?: Transaction["rollbackToSavepoint"];
  readonly releaseSavepoint?: Transaction["releaseSavepoint"];

  constructor(
    private readonly inner: Transaction,
    private readonly release: () => void,
  ) {
    this.provider = inner.provider;
    this.adapterName = inner.adapterName;
    this.options = inner.options;
    if (inner.createSavepoint) this.createSavepoint = (name) => inner.createSavepoint?.(name) ?? Promise.resolve();
    if (inner.rollbackToSavepoint) this.rollbackToSavepoint = (name) => inner.rollbackToSavepoint?.(name) ?? Promise.resolve();
    if (inner.releaseSavepoint) this.releaseSavepoint = (name) => inner.releaseSavepoint?.(name) ?? Promise.resolve();
  }

  queryRaw(query: SqlQuery) {
    return this.inner.queryRaw(query);
  }

  executeRaw(query: SqlQuery) {
    return this.inner.executeRaw(query);
  }

  // Prisma sends COMMIT / ROLLBACK through executeRaw first; these end the adapter's part.
  async commit() {
    try {
      await this.inner.commit();
    } finally {
      this.release();
    }
  }

  async rollback() {
    try {
      await this.inner.rollback();
    } finally {
      this.release();
    }
  }
}

/**
 * The embedded database holds everyone's requests and the audit trail: only the portal's own
 * user may read it. Created 0600 in a 0700 folder before SQLite opens it (SQLite gives its -wal
 * and -shm files the database file's mode), and tightened if an older release left it 0644.
 */
export function prepareSqliteFile(url: string): void {
  if (!url.startsWith("file:")) return;
  const name = url.slice("file:".length).split("?")[0] ?? "";
  // In-memory databases (`file::memory:`, `?mode=memory`) have no file to protect.
  if (name === "" || name === ":memory:" || /[?&]mode=memory\b/.test(url)) return;
  const file = path.resolve(name);
  const dir = path.dirname(file);
  if (!existsSync(dir)) mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (!existsSync(file)) closeSync(openSync(file, "a", 0o600));
  chmodSync(file, 0o600);
}

function once(fn: () => void): () => void {
  let isDone = false;
  return () => {
    if (isDone) return;
    isDone = true;
    fn();
  };
}
