import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import fs from 'node:fs';
import Database from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect } from 'kysely';
import { migrationProvider } from '../src/db/migrations/index.js';
import { createStore } from '../src/db/database.js';
import { tempDir } from './helpers/app.js';

test('upgrading a database keeps every album membership (0007 rebuilds album_items)', async () => {
  const dir = tempDir();
  try {
    const file = path.join(dir, 'albumd.sqlite');
    const sqlite = new Database(file);
    const db = new Kysely<unknown>({ dialect: new SqliteDialect({ database: sqlite }) });
    const { error } = await new Migrator({ db, provider: migrationProvider }).migrateTo('0006-families');
    assert.equal(error, undefined);
    const insert = sqlite.prepare('insert into album_items (album_id, file_id, add_time, take_time, edited_time, file_type, visible) values (?, ?, ?, ?, ?, ?, ?)');
    const rows: unknown[][] = [];
    for (let a = 0; a < 3; a++) for (let f = 0; f < 50; f++) rows.push([`A${a}`, `F${f}`, 1000 + f, 2000 - f, 3000 + a, f % 2 ? '15' : '20', f % 5 ? 1 : 0]);
    for (const r of rows) insert.run(...r);
    await db.destroy();

    const store = createStore({ dialect: 'sqlite', file });
    await store.migrate();
    await store.close();
    const after = new Database(file, { readonly: true });
    const kept = after.prepare('select album_id, file_id, add_time, take_time, edited_time, file_type, visible from album_items order by album_id, file_id').raw(true).all();
    const key = (r: unknown[]): string => `${String(r[0])}\u0000${String(r[1])}`;
    assert.deepEqual(kept, [...rows].sort((x, y) => (key(x) < key(y) ? -1 : key(x) > key(y) ? 1 : 0)));
    const indexes = after.prepare("select name from sqlite_master where type = 'index' and tbl_name = 'album_items' and name not like 'sqlite_%' order by name").pluck().all();
    assert.deepEqual(indexes, ['album_items_added', 'album_items_edited', 'album_items_taken']);
    after.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
