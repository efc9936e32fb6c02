import { CompiledQuery, type Compilable, type Kysely, type QueryResult } from 'kysely';
import type SQLite from 'better-sqlite3';
import type { DB } from './schema.js';

/**
 * Where repositories run queries: the Kysely instance (or transaction) for composing them, and an
 * `execute` for compiled ones. On SQLite `execute` runs the cached statement directly on the one
 * connection (synchronously), skipping Kysely's per-query machinery on hot paths.
 */
export interface QueryRunner {
  readonly db: Kysely<DB>;
  readonly dialect: 'sqlite' | 'postgres';
  execute<O>(query: CompiledQuery<O>): QueryResult<O> | Promise<QueryResult<O>>;
}

export type StatementCache = (sql: string) => SQLite.Statement;

export function statementCache(sqlite: SQLite.Database): StatementCache {
  const cache = new Map<string, SQLite.Statement>();
  return (sql) => {
    let stmt = cache.get(sql);
    if (!stmt) {
      stmt = sqlite.prepare(sql);
      if (cache.size < 2000) cache.set(sql, stmt);
    }
    return stmt;
  };
}

export function runDirect<O>(prepare: StatementCache, query: CompiledQuery<O>): QueryResult<O> {
  const stmt = prepare(query.sql);
  const params = query.parameters as unknown[];
  if (stmt.reader) return { rows: stmt.all(params) as O[] };
  const { changes } = stmt.run(params);
  return { rows: [], numAffectedRows: BigInt(changes) };
}

/**
 * A SQLite runner: compiled queries run directly on the runner's connection. The read connection
 * and the write queue's transaction each own theirs, so a direct run never interleaves with a
 * transaction it does not belong to.
 */
export function sqliteRunner(db: Kysely<DB>, prepare: StatementCache): QueryRunner {
  return { db, dialect: 'sqlite', execute: (query) => runDirect(prepare, query) };
}

const SENTINEL = '\u0000albumd-param:';

/**
 * The SQL texts `prepared` made for PostgreSQL, each with a statement name: run as named
 * statements, PostgreSQL parses and plans them once per connection (postgres.ts).
 */
export const fixedStatements = new Map<string, string>();

/** Names a PostgreSQL text of fixed shape (one of a bounded set: they live on every connection). */
export function nameStatement(sql: string): void {
  if (!fixedStatements.has(sql) && fixedStatements.size < 1000) fixedStatements.set(sql, `albumd_${fixedStatements.size + 1}`);
}

interface Template {
  sql: string;
  slots: ({ name: string } | { value: unknown })[];
}

/**
 * A query written once with Kysely (so it stays portable) and compiled once per dialect: `build`
 * is called with named placeholders, and each run substitutes the values.
 * Only for queries whose shape does not depend on the values (no variable-length lists).
 * It pays on both databases (`npm run bench -- queries`, plain Kysely ÷ this, same run): SQLite
 * point reads 1.55×, a 100-row album page 1.24×; PostgreSQL 1.14× and 1.07× (there the round trip
 * dominates; the named statements of postgres.ts add to it).
 */
export function prepared<P extends object, O>(build: (db: Kysely<DB>, p: P) => Compilable<O>) {
  const templates = new Map<string, Template>();
  const compile = (db: Kysely<DB>): Template => {
    const placeholders = new Proxy({}, { get: (_, key) => `${SENTINEL}${String(key)}` }) as P;
    const compiled = build(db, placeholders).compile();
    return {
      sql: compiled.sql,
      slots: compiled.parameters.map((v) =>
        typeof v === 'string' && v.startsWith(SENTINEL) ? { name: v.slice(SENTINEL.length) } : { value: v },
      ),
    };
  };
  return (runner: QueryRunner, params: P): QueryResult<O> | Promise<QueryResult<O>> => {
    let template = templates.get(runner.dialect);
    if (!template) {
      template = compile(runner.db);
      templates.set(runner.dialect, template);
      if (runner.dialect === 'postgres') nameStatement(template.sql);
    }
    const values = template.slots.map((s) => ('name' in s ? ((params as Record<string, unknown>)[s.name] ?? null) : s.value));
    return runner.execute(CompiledQuery.raw(template.sql, values) as CompiledQuery<O>);
  };
}

/**
 * Compiled queries whose SQL varies with a few choices (sort, direction, page size, arms): one per
 * key, made on first use. Keys are built from validated, bounded values (a page size of 1–100,
 * at most 60 arms), never from free request text, so the set stays bounded.
 */
export function compiledPer<F>(make: (key: string) => F): (key: string) => F {
  const cache = new Map<string, F>();
  return (key) => {
    let f = cache.get(key);
    if (!f) {
      f = make(key);
      cache.set(key, f);
    }
    return f;
  };
}
