import { test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { Kysely, Migrator, PostgresDialect } from 'kysely';
import { migrationProvider } from '../src/db/migrations/index.js';
import { createStore } from '../src/db/database.js';
import { tempDir } from './helpers/app.js';
import { dropPostgresFor, postgresUrlFor, testDialect } from './helpers/test-database.js';

/** Upgrades on PostgreSQL, as the SQLite upgrade test does on SQLite (run in the PostgreSQL pass). */
const skip = testDialect() === 'postgres' ? false : 'runs with ALBUMD_TEST_DATABASE=postgres';

test('upgrading a PostgreSQL database keeps every album membership; text ends in byte order', { skip }, async () => {
  const dir = tempDir();
  const url = await postgresUrlFor(dir);
  let client: pg.Client | undefined;
  try {
    const db = new Kysely<unknown>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: 2 }) }) });
    const { error } = await new Migrator({ db, provider: migrationProvider }).migrateTo('0006-families');
    assert.equal(error, undefined);
    const rows: (string | number)[][] = [];
    for (let a = 0; a < 3; a++) for (let f = 0; f < 50; f++) rows.push([`A${a}`, `F${f}`, 1000 + f, 2000 - f, 3000 + a, f % 2 ? '15' : '20', f % 5 ? 1 : 0]);
    client = new pg.Client({ connectionString: url });
    client.on('error', () => undefined);
    await client.connect();
    for (const r of rows) await client.query('insert into album_items (album_id, file_id, add_time, take_time, edited_time, file_type, visible) values ($1, $2, $3, $4, $5, $6, $7)', r);
    await db.destroy();

    const store = createStore({ dialect: 'postgres', url, pool: 2 });
    await store.migrate();
    await store.close();
    const kept = await client.query({ text: 'select album_id, file_id, add_time::int, take_time::int, edited_time::int, file_type, visible from album_items order by album_id, file_id', rowMode: 'array' });
    const key = (r: unknown[]): string => `${String(r[0])}\u0000${String(r[1])}`;
    assert.deepEqual(kept.rows, [...rows].sort((x, y) => (key(x) < key(y) ? -1 : key(x) > key(y) ? 1 : 0)));
    const indexes = await client.query("select indexname from pg_indexes where tablename = 'album_items' and indexname not like '%_pkey' order by indexname");
    assert.deepEqual(
      indexes.rows.map((r: { indexname: string }) => r.indexname),
      ['album_items_added', 'album_items_edited', 'album_items_taken', 'album_items_v2_pk'],
    );
    // Byte order: 'B' < 'a' < 'é' as in SQLite, whatever the database's own collation.
    const collations = await client.query("select distinct coalesce(collation_name, '') as c from information_schema.columns where table_schema = current_schema() and data_type = 'text' and table_name not like 'kysely%'");
    assert.deepEqual(collations.rows, [{ c: 'C' }]);
    const order = await client.query("select v from (values ('a'), ('é'), ('B')) as t(v) order by v collate \"C\"");
    assert.deepEqual(order.rows.map((r: { v: string }) => r.v), ['B', 'a', 'é']);
  } finally {
    await client?.end();
    await dropPostgresFor(dir);
  }
});

test('instances starting together on a new database migrate it once', { skip }, async () => {
  const dir = tempDir();
  const url = await postgresUrlFor(dir);
  try {
    const stores = Array.from({ length: 4 }, () => createStore({ dialect: 'postgres', url, pool: 2 }));
    await Promise.all(stores.map((s) => s.migrate()));
    await Promise.all(stores.map((s) => s.close()));
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const done = await client.query('select name from kysely_migration order by name');
    await client.end();
    assert.deepEqual(
      done.rows.map((r: { name: string }) => r.name),
      Object.keys(await migrationProvider.getMigrations()).sort(),
    );
  } finally {
    await dropPostgresFor(dir);
  }
});
