import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect, type SqliteDatabase } from 'kysely';
import type { DatabaseConfig } from '../config.js';
import type { DB } from './schema.js';
import { migrationProvider } from './migrations/index.js';
import { bindRepositories, type Repositories } from './repositories/index.js';
import { GroupCommitQueue } from './write-queue.js';

/** The domain's only door to persistence: repositories for reads, a unit of work for writes. */
export interface Store {
  readonly dialect: DatabaseConfig['dialect'];
  readonly read: Repositories;
  /** Runs `fn` in a transaction; committed (durably) before the returned promise resolves. */
  write<T>(fn: (repos: Repositories) => Promise<T>): Promise<T>;
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

/**
 * Kysely prepares every query anew; better-sqlite3 statements are reusable, so keep them by SQL text
 * (the set of distinct queries is small and fixed by the code).
 */
function withStatementCache(sqlite: SQLite.Database): SqliteDatabase {
  const cache = new Map<string, SQLite.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(sql: string) {
      let stmt = cache.get(sql);
      if (!stmt) {
        stmt = sqlite.prepare(sql);
        if (cache.size < 2000) cache.set(sql, stmt);
      }
      return stmt as unknown as ReturnType<SqliteDatabase['prepare']>;
    },
  };
}

export function createStore(config: DatabaseConfig): Store {
  if (config.dialect !== 'sqlite') throw new Error('PostgreSQL support is not built yet; use a sqlite: URL');
  const sqlite = openSqlite(config.file);
  const db = new Kysely<DB>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
  const queue = new GroupCommitQueue(db, bindRepositories, (statement) => sqlite.exec(statement));
  return {
    dialect: 'sqlite',
    read: bindRepositories(db),
    write: (fn) => queue.run(fn),
    async migrate() {
      const { error } = await new Migrator({ db, provider: migrationProvider }).migrateToLatest();
      if (error) throw error instanceof Error ? error : new Error(String(error));
    },
    async close() {
      await queue.drain();
      await db.destroy();
    },
  };
}
