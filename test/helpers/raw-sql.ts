import SQLite from 'better-sqlite3';
import pg from 'pg';
import type { Config } from '../../src/config.js';

/**
 * Raw SQL on a test app's database, whichever dialect it is: for tests that set rows the API would
 * never write (a corrupted count, a lost row) and read columns the API does not show. Statements
 * use `?` placeholders; on PostgreSQL they become `$1, $2…`. BIGINT and NUMERIC come back as
 * numbers on both, as the store reads them.
 *
 *   const db = await rawSql(t.config.database);
 *   await db.run('update blobs set ref_count = 0 where sha256 = ?', sha256);
 *   const row = await db.get<{ n: number }>('select count(*) n from files');
 *   await db.close();
 */
export interface RawSql {
  run(text: string, ...params: unknown[]): Promise<void>;
  get<T>(text: string, ...params: unknown[]): Promise<T | undefined>;
  all<T>(text: string, ...params: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

// As src/db/postgres.ts reads them: every value albumd keeps fits 2^53.
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === pg.types.builtins.INT8 || oid === pg.types.builtins.NUMERIC) return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format);
  },
} as unknown as pg.CustomTypesConfig;

/** `?` → `$n`, leaving `?` inside single-quoted literals (with '' escapes) and double-quoted names alone. */
export function numberPlaceholders(text: string): string {
  let out = '';
  let n = 0;
  let quote: "'" | '"' | undefined;
  for (const ch of text) {
    if (quote) {
      // A doubled quote ('' or "") closes and reopens at once: the result is the same.
      if (ch === quote) quote = undefined;
      out += ch;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      out += ch;
    } else if (ch === '?') {
      out += `$${(n += 1)}`;
    } else {
      out += ch;
    }
  }
  return out;
}

export async function rawSql(database: Config['database']): Promise<RawSql> {
  if (database.dialect === 'sqlite') {
    const db = new SQLite(database.file);
    db.pragma('busy_timeout = 5000');
    return {
      run: (text, ...params) => Promise.resolve(void db.prepare(text).run(...params)),
      get: <T>(text: string, ...params: unknown[]) => Promise.resolve(db.prepare(text).get(...params) as T | undefined),
      all: <T>(text: string, ...params: unknown[]) => Promise.resolve(db.prepare(text).all(...params) as T[]),
      close: () => Promise.resolve(void db.close()),
    };
  }
  const client = new pg.Client({ connectionString: database.url, types });
  // A connection the server drops must not take the test process with it.
  client.on('error', () => undefined);
  await client.connect();
  const query = async <T>(text: string, params: unknown[]): Promise<T[]> => (await client.query(numberPlaceholders(text), params)).rows as T[];
  return {
    run: async (text, ...params) => void (await query(text, params)),
    get: async <T>(text: string, ...params: unknown[]) => (await query<T>(text, params))[0],
    all: <T>(text: string, ...params: unknown[]) => query<T>(text, params),
    close: () => client.end(),
  };
}
