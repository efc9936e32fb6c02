import pg from 'pg';
import { Kysely, Migrator, PostgresDialect, type Transaction } from 'kysely';
import type { DB } from './schema.js';
import { fixedStatements, type QueryRunner } from './query-runner.js';
import { migrationProvider } from './migrations/index.js';
import { bindRepositories } from './repositories/index.js';
import type { Store } from './database.js';
import { KeyedLock } from '../keyed-lock.js';
import { writeStats } from './write-queue.js';

/**
 * albumd on PostgreSQL. One rule keeps every invariant that SQLite's single writer kept: each
 * `store.write` is a SERIALIZABLE transaction, retried (a bounded number of times) when PostgreSQL
 * finds it could not be ordered with a concurrent one. So a limit checked by a read inside the write
 * (quota, album and member counts, free names, leases) holds as if the writes ran one at a time —
 * the domain needs no lock of its own. A write's function may therefore run more than once: it must
 * touch nothing but the database (files and caches change after it returns).
 */

/** serialization_failure, deadlock_detected, and a unique violation met under the same race. */
const RETRYABLE = new Set(['40001', '40P01', '23505']);
const MAX_ATTEMPTS = 30;

// BIGINT (count(*), millisecond times, sizes) and NUMERIC (sums) as numbers: every value albumd
// keeps fits 2^53, and the repositories' types say number | string anyway.
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === pg.types.builtins.INT8 || oid === pg.types.builtins.NUMERIC) return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format);
  },
} as unknown as pg.CustomTypesConfig;

const named = new WeakSet<pg.PoolClient>();

/**
 * The pool as Kysely sees it: the queries compiled once (query-runner's `prepared`) go out as named
 * statements, parsed and planned once per connection instead of on every call. Measured with the
 * albums bench (--quick, same run): album pages p50 −7 to −26% (collection 8.1 → 6.2 ms), the rest
 * within noise.
 */
function namingPool(pool: pg.Pool) {
  return {
    async connect(): Promise<pg.PoolClient> {
      const client = await pool.connect();
      if (!named.has(client)) {
        named.add(client);
        const query = client.query.bind(client) as (config: pg.QueryConfig | string, values?: unknown[]) => Promise<pg.QueryResult>;
        (client as { query: unknown }).query = (text: pg.QueryConfig | string, values?: unknown[]) => {
          const name = typeof text === 'string' ? fixedStatements.get(text) : undefined;
          return name ? query({ name, text: text as string, values: values ?? [] }) : query(text, values);
        };
      }
      return client;
    },
    end: () => pool.end(),
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function isRetryable(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && RETRYABLE.has(code);
}

function postgresRunner(db: Kysely<DB> | Transaction<DB>): QueryRunner {
  return { db, dialect: 'postgres', execute: (query) => db.executeQuery(query) };
}

/** One at a time: a promise chain. */
class Serial {
  private tail: Promise<unknown> = Promise.resolve();
  with<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.tail.then(fn, fn);
    this.tail = run.catch(() => undefined);
    return run;
  }
}

export function createPostgresStore(url: string, poolSize: number): Store {
  const retries = new Serial();
  const hot = new KeyedLock();
  const pool = new pg.Pool({ connectionString: url, max: poolSize, types });
  // A connection dropped by the server (restart, idle kill) must not take the process with it.
  pool.on('error', () => undefined);
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool: namingPool(pool) }) });

  return {
    dialect: 'postgres',
    read: bindRepositories(postgresRunner(db)),
    async write(fn, options) {
      const once = () => db.transaction().setIsolationLevel('serializable').execute((trx) => fn(bindRepositories(postgresRunner(trx))));
      const run = async () => {
        try {
          return await once();
        } catch (error) {
          if (!isRetryable(error)) throw error;
        }
        // Writes that collided run again one at a time in this process (a hot folder or album would
        // otherwise keep colliding); they can still meet other instances' writes, hence the bound.
        return retries.with(async () => {
          for (let attempt = 2; ; attempt++) {
            try {
              return await once();
            } catch (error) {
              if (!isRetryable(error) || attempt >= MAX_ATTEMPTS) throw error;
              await sleep(Math.random() * Math.min(50, 2 ** attempt));
            }
          }
        });
      };
      // In flight and timed for /metrics from the call to the commit, waits and retries included.
      writeStats.depth += 1;
      const started = performance.now();
      let committed = false;
      try {
        // Writes about one hot row (one owner's album count, one space's usage) wait for each other
        // here rather than collide in PostgreSQL and retry.
        const value = await (options?.key === undefined ? run() : hot.with(options.key, run));
        committed = true;
        return value;
      } finally {
        writeStats.depth -= 1;
        writeStats.record({ seconds: (performance.now() - started) / 1000, committed });
      }
    },
    async migrate() {
      // Kysely's migrator holds pg_advisory_xact_lock while it migrates: instances starting together
      // migrate once, the others wait and find nothing left to do.
      const { error } = await new Migrator({ db, provider: migrationProvider }).migrateToLatest();
      if (error) throw error instanceof Error ? error : new Error(String(error));
    },
    async close() {
      await db.destroy();
    },
  };
}
