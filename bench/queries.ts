/**
 * `npm run bench -- queries`: what the compile-once query layer (src/db/query-runner.ts) buys, per
 * query, on SQLite and (with BENCH_PG_URL) PostgreSQL in the same run. Each query runs two ways on
 * the same connection, taken in turns: through `prepared` (compiled once; on SQLite run directly on
 * the cached statement, with a literal LIMIT) and as plain Kysely (built, compiled and executed
 * through Kysely's driver each time, with a bound LIMIT). Reported: µs per query each way and
 * plain ÷ prepared (above 1: the shortcut pays).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { Kysely, PostgresDialect, SqliteDialect, sql, type Compilable, type SqliteDatabase } from 'kysely';
import { loadConfig } from '../src/config.js';
import { createStore } from '../src/db/database.js';
import { prepared, sqliteRunner, statementCache, type QueryRunner } from '../src/db/query-runner.js';
import { ALBUM_FILE_COLUMNS } from '../src/db/repositories/files.js';
import type { DB } from '../src/db/schema.js';
import { runCli } from '../test/helpers/process.js';
import { benchDatabaseEnv } from './database.js';
import { seedLibrary } from './seed.js';

const quick = process.argv.includes('--quick');
const ROUNDS = quick ? 5 : 15;
const PER_ROUND = quick ? 400 : 1000;

interface Case {
  name: string;
  build: (db: Kysely<DB>, p: Record<string, string>, literalLimit: boolean) => Compilable<unknown>;
  params: Record<string, string>;
}

async function seed(env: Record<string, string>): Promise<{ cases: Case[] }> {
  const user = await runCli(['user', 'add', '--phone', '+8613700000003', '--password', 'bench-password'], env);
  const userId = String(user.userId);
  const containerId = String(user.containerId);
  const store = createStore(loadConfig(env).database);
  await store.migrate();
  const root = (await store.read.containers.findById(containerId))!.root_folder_id;
  await seedLibrary(store, { containerId, rootFolderId: root, userId }, { files: 5000, folders: 5 });
  const albumId = '9000000000000000001';
  const now = Date.now();
  await store.write(async (repos) => {
    await repos.albums.insert({ id: albumId, owner_id: userId, creator_id: userId, album_type: 2, album_kind: 1, name: 'bench', scope_parent_folder_id: null, scope_kind: null, container_id: containerId, group_id: null, share_folder_id: null, cover_file_id: null, create_time: now, update_time: now }, []);
    const files = (await repos.files.inContainer(containerId)).filter((r) => r.file_type !== '10').slice(0, 2000);
    await repos.albumItems.addMany(files.map((r, k) => ({ album_id: albumId, file_id: r.id, add_time: now + k, take_time: Number(r.take_time), edited_time: Number(r.edited_time), file_type: r.file_type, visible: 1 })));
  });
  const hash = await aToken(store, userId);
  await store.close();
  return {
    cases: [
      { name: 'token by hash (point read)', params: { hash }, build: (db, p) => db.selectFrom('tokens').selectAll().where('hash', '=', p.hash!) },
      { name: 'album by ID (point read)', params: { id: albumId }, build: (db, p) => db.selectFrom('albums').selectAll().where('id', '=', p.id!) },
      {
        name: 'manual album page of 100 (join)',
        params: { albumId },
        build: (db, p, literal) =>
          db
            .selectFrom('album_items')
            .innerJoin('files', 'files.id', 'album_items.file_id')
            .select(ALBUM_FILE_COLUMNS.map((c) => `files.${c}` as const))
            .select('album_items.add_time')
            .where('album_items.album_id', '=', p.albumId!)
            .where('album_items.visible', '=', literal ? sql.lit(1) : 1)
            .orderBy('album_items.add_time', 'desc')
            .orderBy('album_items.file_id', 'desc')
            .limit(literal ? sql.lit(100) : 100),
      },
    ],
  };
}

/** The CLI's user has no session: one token row to look up. */
async function aToken(store: ReturnType<typeof createStore>, userId: string): Promise<string> {
  const hash = 'b'.repeat(64);
  const now = Date.now();
  await store.write((repos) => repos.tokens.insert([{ hash, user_id: userId, kind: 'access', session_id: 's1', pair_id: 'p1', expires_at: now + 3600_000, created_at: now }]));
  return hash;
}

function open(env: Record<string, string>): { runner: QueryRunner; close: () => Promise<void> } {
  const database = loadConfig(env).database;
  if (database.dialect === 'postgres') {
    const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: database.url, max: 1 }) }) });
    return { runner: { db, dialect: 'postgres', execute: (q) => db.executeQuery(q) }, close: () => db.destroy() };
  }
  const sqlite = new SQLite(database.file);
  const prepare = statementCache(sqlite);
  const cached: SqliteDatabase = { close: () => sqlite.close(), prepare: (s: string) => prepare(s) as unknown as ReturnType<SqliteDatabase['prepare']> };
  const db = new Kysely<DB>({ dialect: new SqliteDialect({ database: cached }) });
  return { runner: sqliteRunner(db, prepare), close: () => db.destroy() };
}

async function measure(label: string, env: Record<string, string>): Promise<Record<string, { prepared: number; plain: number }>> {
  const { cases } = await seed(env);
  const { runner, close } = open(env);
  const out: Record<string, { prepared: number; plain: number }> = {};
  for (const c of cases) {
    const fast = prepared((db, p: Record<string, string>) => c.build(db, p, true));
    const times = { prepared: [] as number[], plain: [] as number[] };
    const rowsOf = async (way: 'prepared' | 'plain'): Promise<number> =>
      way === 'prepared' ? (await fast(runner, c.params)).rows.length : (await runner.db.executeQuery(c.build(runner.db, c.params, false).compile())).rows.length;
    if ((await rowsOf('prepared')) !== (await rowsOf('plain')) || (await rowsOf('plain')) === 0) throw new Error(`${label} ${c.name}: the two ways disagree or find nothing`);
    for (let round = 0; round < ROUNDS; round++) {
      for (const way of round % 2 === 0 ? (['prepared', 'plain'] as const) : (['plain', 'prepared'] as const)) {
        const start = process.hrtime.bigint();
        for (let i = 0; i < PER_ROUND; i++) await rowsOf(way);
        times[way].push(Number(process.hrtime.bigint() - start) / 1e3 / PER_ROUND);
      }
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    out[c.name] = { prepared: median(times.prepared), plain: median(times.plain) };
  }
  await close();
  return out;
}

const results: Record<string, Record<string, { prepared: number; plain: number }>> = {};
const sqliteDir = fs.mkdtempSync(path.join(os.tmpdir(), 'albumd-bench-queries-'));
results.SQLite = await measure('SQLite', { ALBUMD_DATA_DIR: sqliteDir, LOG_LEVEL: 'warn' });
if (process.env.BENCH_PG_URL) {
  const pgDir = fs.mkdtempSync(path.join(os.tmpdir(), 'albumd-bench-queries-'));
  results.PostgreSQL = await measure('PostgreSQL', { ALBUMD_DATA_DIR: pgDir, LOG_LEVEL: 'warn', ...(await benchDatabaseEnv()) });
} else console.log('queries: BENCH_PG_URL not set, SQLite only');

console.log(`\nqueries: µs per query, median of ${ROUNDS} rounds of ${PER_ROUND} (one connection, taken in turns)`);
console.log('database | query | prepared | plain Kysely | plain ÷ prepared');
for (const [dialect, figures] of Object.entries(results)) {
  for (const [name, f] of Object.entries(figures)) console.log(`${dialect} | ${name} | ${f.prepared.toFixed(1)} | ${f.plain.toFixed(1)} | ${(f.plain / f.prepared).toFixed(2)}`);
}
