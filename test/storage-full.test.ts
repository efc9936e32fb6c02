import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { client, startTestApp, tempDir, type Api, type ApiResult, type TestApp } from './helpers/app.js';
import { assertConsistent } from './helpers/integrity.js';

/**
 * A full disk (issue 9, defect 9) answers 507 13001006 and leaves nothing half-written, for the blob
 * store's writes (ENOSPC) and the database's (SQLITE_FULL) alike; once there is room again, all
 * works. The disk is a real, small tmpfs: mounting needs root, so elsewhere the test is skipped.
 */

function mountSmallDisk(dir: string, bytes: number): boolean {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${bytes}`, 'tmpfs', dir], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Fills the disk to the last byte it will take. */
function fill(file: string): void {
  const fd = fs.openSync(file, 'a');
  const chunk = Buffer.alloc(64 * 1024);
  try {
    for (let size = chunk.length; size >= 1; ) {
      try {
        fs.writeSync(fd, chunk, 0, size);
      } catch {
        size = Math.floor(size / 2);
      }
    }
  } finally {
    fs.closeSync(fd);
  }
}

const full = (r: ApiResult): boolean => r.status === 507 && r.body.code === 13001006;

const disk = tempDir('albumd-full-');
const mounted = mountSmallDisk(disk, 16 * 1024 * 1024);

describe('a full disk', { skip: mounted ? false : 'mounting a tmpfs needs root' }, () => {
  let t: TestApp;
  let api: Api;
  const filler = path.join(disk, 'filler');

  before(async () => {
    t = await startTestApp({}, {}, { dataDir: path.join(disk, 'data') });
    api = client(t, await t.newUser());
  });
  after(async () => {
    await t.close();
    execFileSync('umount', [disk]);
    fs.rmSync(disk, { recursive: true, force: true });
  });

  test('an upload that does not fit answers 507 and leaves no file, no usage, no temp bytes', async () => {
    const folder = await api.folder('Kept');
    fill(filler);
    const r = await api.upload('big.bin', randomBytes(256 * 1024), folder);
    assert.ok(full(r), `${r.status} ${JSON.stringify(r.body)}`);
    fs.rmSync(filler);
    const listed = (await api.list(0, { parentFileId: folder })).body.files as unknown[];
    assert.equal(listed.length, 0);
    assert.deepEqual(fs.readdirSync(path.join(t.dataDir, 'blobs', 'tmp')), []);
    await assertConsistent(t);
  });

  // The SQLite file lives on the full disk; a PostgreSQL server keeps its data elsewhere.
  const onSqlite = (process.env.ALBUMD_TEST_DATABASE ?? 'sqlite') === 'sqlite';
  test('database writes that do not fit answer 507; earlier ones stay, later ones work', { skip: onSqlite ? false : 'the database is not on this disk' }, async () => {
    const kept = await api.createAlbum({ type: 2, albumKind: 1, name: 'before' });
    assert.equal(kept.status, 200);
    fill(filler);
    const answers: ApiResult[] = [];
    // Enough writes to need new pages of the write-ahead log, several in one group commit.
    for (let i = 0; i < 40; i++) answers.push(...(await Promise.all(Array.from({ length: 25 }, (_, k) => api.createAlbum({ type: 2, albumKind: 1, name: `a${i}-${k}` })))));
    const refused = answers.filter((r) => r.status !== 200);
    for (const r of refused) assert.ok(full(r), `${r.status} ${JSON.stringify(r.body)}`);
    assert.ok(refused.length > 0, 'the disk filled up');
    fs.rmSync(filler);
    const acknowledged = answers.filter((r) => r.status === 200).length;
    const listed = await api.listAlbums('albumKind=1&albumType=2&pageSize=1');
    assert.equal(listed.body.total, 1 + acknowledged, 'every acknowledged album, and no other');
    assert.equal((await api.createAlbum({ type: 2, albumKind: 1, name: 'after' })).status, 200);
    assert.equal((await api.upload('after.bin', randomBytes(1000))).status, 200);
    await assertConsistent(t);
  });
});
