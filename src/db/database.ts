import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect, type SqliteDatabase } from 'kysely';
import { sqliteRunner, statementCache, type StatementCache } from './query-runner.js';
import type { DatabaseConfig } from '../config.js';
import type { DB } from './schema.js';
import { migrationProvider } from './migrations/index.js';
import { bindRepositories, type Repositories } from './repositories/index.js';
import { GroupCommitQueue } from './write-queue.js';
import { startCheckpointer } from './checkpointer.js';
import { createPostgresStore } from './postgres.js';
import { holdDataDir, refuseUnfinishedRestore } from '../data-dir-lock.js';

export interface WriteOptions {
  key?: string;
}

/** The domain's only door to persistence: repositories for reads, a unit of work for writes. */
export interface Store {
  readonly dialect: DatabaseConfig['dialect'];
  readonly read: Repositories;
  /**
   * Runs `fn` in a transaction; committed (durably) before the returned promise resolves. `key`
   * names the row the write is about (an owner, a space, an album) when many writes may hit it at
   * once: PostgreSQL runs this process's writes of one key one after another instead of letting
   * them collide and retry; SQLite's single writer needs no hint.
   */
  write<T>(fn: (repos: Repositories) => Promise<T>, options?: WriteOptions): Promise<T>;
  migrate(): Promise<void>;
  close(): Promise<void>;
}

function openSqlite(file: string): SQLite.Database {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const sqlite = new SQLite(file);
  sqlite.pragma('journal_mode = WAL');
  // FULL: an acknowledged write survives a power cut; group commit keeps the fsync count low.
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('busy_timeout = 5000');
  return sqlite;
}

/** Kysely's SQLite driver prepares every query anew: hand it cached statements instead. */
function cachedDatabase(sqlite: SQLite.Database, prepare: StatementCache): SqliteDatabase {
  return {
    close: () => sqlite.close(),
    prepare: (sql: string) => prepare(sql) as unknown as ReturnType<SqliteDatabase['prepare']>,
  };
}

/**
 * The reads of one event-loop turn share one read transaction. Outside a transaction every
 * statement takes and drops the file locks (two fcntl calls, most of a point read's cost); the
 * snapshot lives no longer than the turn, so a request always sees what was acknowledged before it.
 */
function turnReadTransactions(sqlite: SQLite.Database): { ensure: () => void; end: () => void } {
  const begin = sqlite.prepare('BEGIN');
  const commit = sqlite.prepare('COMMIT');
  let open = false;
  const end = (): void => {
    if (!open) return;
    open = false;
    if (sqlite.inTransaction) commit.run();
  };
  return {
    ensure() {
      if (open) return;
      begin.run();
      open = true;
      setImmediate(end);
    },
    end,
  };
}

/**
 * The server's (or a command's) store, migrated, with the data directory's setup lock held while the
 * database is opened and migrated (data-dir-lock.ts: never under a restore filling the directory).
 */
export async function openStore(config: { database: DatabaseConfig; dataDir: string }, waitMs?: number): Promise<Store> {
  const lock = await holdDataDir(config.dataDir, waitMs);
  try {
    refuseUnfinishedRestore(config.dataDir);
    const store = createStore(config.database);
    try {
      await store.migrate();
    } catch (error) {
      await store.close().catch(() => undefined);
      throw error;
    }
    return store;
  } finally {
    lock.release();
  }
}

export function createStore(config: DatabaseConfig): Store {
  if (config.dialect === 'postgres') return createPostgresStore(config.url, config.pool);
  const writer = openSqlite(config.file);
  // Checkpoints run on their own thread (checkpointer.ts); this one is only the safety net.
  writer.pragma('wal_autocheckpoint = 20000');
  const checkpointer = startCheckpointer(config.file);
  const reader = openSqlite(config.file);
  const readTurn = turnReadTransactions(reader);
  const cachedRead = statementCache(reader);
  const prepareRead: StatementCache = (sql) => {
    readTurn.ensure();
    return cachedRead(sql);
  };
  const prepareWrite = statementCache(writer);
  const db = new Kysely<DB>({ dialect: new SqliteDialect({ database: cachedDatabase(writer, prepareWrite) }) });
  const readDb = new Kysely<DB>({ dialect: new SqliteDialect({ database: cachedDatabase(reader, prepareRead) }) });
  const queue = new GroupCommitQueue(
    db,
    (trx) => bindRepositories(sqliteRunner(trx, prepareWrite)),
    (statement) => writer.exec(statement),
    () => writer.inTransaction,
  );
  return {
    dialect: 'sqlite',
    read: bindRepositories(sqliteRunner(readDb, prepareRead)),
    write: (fn) => queue.run(fn),
    async migrate() {
      const { error } = await new Migrator({ db, provider: migrationProvider }).migrateToLatest();
      if (error) throw error instanceof Error ? error : new Error(String(error));
    },
    async close() {
      await queue.drain();
      readTurn.end();
      await readDb.destroy();
      await db.destroy();
      await checkpointer.stop();
    },
  };
}
