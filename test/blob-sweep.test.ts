import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import fs from 'node:fs';
import path from 'node:path';
import { createBlobStore, type BlobStore } from '../src/storage/blob-store.js';
import { BLOB_GRACE_MS } from '../src/domain/integrity/blob-sweep.js';
import { startTestApp, client, tempDir, type Api, type TestApp, type TestUser } from './helpers/app.js';
import { assertConsistent } from './helpers/integrity.js';
import { rawSql, type RawSql } from './helpers/raw-sql.js';

const V1 = '/koodrive/ose/v1';
const HOURS_AGO = (h: number) => new Date(Date.now() - h * 3600_000);

describe('the blob sweep', () => {
  let t: TestApp;
  let u: TestUser;
  let api: Api;
  let db: RawSql;
  let blobs: BlobStore;
  let n = 0;
  const sql = (text: string, ...params: unknown[]) => db.run(text, ...params);
  const row = (sha256: string) => db.get<{ ref_count: number; unreferenced_since: number | null }>('select ref_count, unreferenced_since from blobs where sha256 = ?', sha256);
  const upload = async (body = `content ${(n += 1)} ${Date.now()}`) => {
    const r = await api.upload(`f${n}.txt`, body);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return { id: String(r.body.id), sha256: String(r.body.sha256), body };
  };
  /** As if written long ago: older than the grace period. */
  const age = (sha256: string, hours = 2) => fs.utimesSync(blobs.localPath(sha256), HOURS_AGO(hours), HOURS_AGO(hours));
  const download = async (fileId: string) => {
    const link = await api.call('POST', `${V1}/files/download`, { containerId: u.containerId, fileIds: [fileId] });
    const url = new URL((link.body.downloads as { url: string }[])[0]!.url);
    return t.app.inject({ method: 'GET', url: url.pathname + url.search });
  };
  const orphan = async (text: string) => {
    const temp = await blobs.receive(Readable.from([Buffer.from(text)]), 1 << 20);
    await blobs.commit(temp);
    return temp.sha256;
  };

  before(async () => {
    t = await startTestApp();
    await t.startupSweep;
    u = await t.newUser();
    api = client(t, u);
    db = await rawSql(t.config.database);
    blobs = createBlobStore(t.dataDir);
  });
  after(async () => {
    await db?.close();
    await t?.close();
  });

  for (const graceMs of [BLOB_GRACE_MS, 0]) {
    test(`a count a double release left at 0 is recounted, not swept (grace ${graceMs} ms)`, async () => {
      const f = await upload();
      // The state a double release leaves: the count says unused since long ago; the file row is there.
      await sql('update blobs set ref_count = 0, unreferenced_since = ? where sha256 = ?', HOURS_AGO(2).getTime(), f.sha256);
      age(f.sha256);
      const report = await t.domain.sweeper.sweep(graceMs);
      assert.equal(report.unreferencedRemoved, 0);
      assert.equal(report.countsRepaired, 1);
      assert.ok(fs.existsSync(blobs.localPath(f.sha256)), 'the content stays');
      assert.deepEqual(await row(f.sha256), { ref_count: 1, unreferenced_since: null }, 'the count is the files’ again');
      const got = await download(f.id);
      assert.equal(got.statusCode, 200);
      assert.equal(got.payload, f.body);
      await assertConsistent(t);
    });
  }

  test('content whose row was lost is no orphan while a file uses it: the row comes back', async () => {
    const f = await upload();
    await sql('delete from blobs where sha256 = ?', f.sha256);
    age(f.sha256);
    const report = await t.domain.sweeper.sweep(0);
    assert.equal(report.orphansRemoved, 0);
    assert.equal(report.countsRepaired, 1);
    assert.equal((await row(f.sha256))?.ref_count, 1);
    assert.equal((await download(f.id)).payload, f.body);
    await assertConsistent(t);
  });

  test('unused content goes once unreferenced and unwritten for the grace period', async () => {
    const f = await upload();
    assert.equal((await api.job(2, [f.id], { actionType: 202 })).status, 200);
    assert.equal((await row(f.sha256))?.ref_count, 0);
    await t.domain.sweeper.sweep();
    assert.ok(fs.existsSync(blobs.localPath(f.sha256)), 'unreferenced just now: within the grace');
    await sql('update blobs set unreferenced_since = ? where sha256 = ?', HOURS_AGO(2).getTime(), f.sha256);
    await t.domain.sweeper.sweep();
    assert.ok(fs.existsSync(blobs.localPath(f.sha256)), 'its bytes were written just now: within the grace');
    age(f.sha256);
    const report = await t.domain.sweeper.sweep();
    assert.equal(report.unreferencedRemoved, 1);
    assert.ok(!fs.existsSync(blobs.localPath(f.sha256)));
    assert.equal(await row(f.sha256), undefined);
    await assertConsistent(t);
  });

  test('held content stays until released, whatever its count and age', async () => {
    const f = await upload();
    assert.equal((await api.job(2, [f.id], { actionType: 202 })).status, 200);
    await sql('update blobs set unreferenced_since = ? where sha256 = ?', HOURS_AGO(2).getTime(), f.sha256);
    age(f.sha256);
    const release = await t.domain.sweeper.holds.hold([f.sha256]);
    assert.equal((await t.domain.sweeper.sweep(0)).unreferencedRemoved, 0);
    assert.ok(fs.existsSync(blobs.localPath(f.sha256)));
    release();
    release();
    assert.equal((await t.domain.sweeper.sweep(0)).unreferencedRemoved, 1);
    assert.ok(!fs.existsSync(blobs.localPath(f.sha256)));
  });

  test('many at once: batches and pages go through all, the held ones stay', async () => {
    const shas: string[] = [];
    for (let i = 0; i < 230; i++) {
      const sha256 = await orphan(`unused ${i} ${Date.now()}`);
      age(sha256);
      await sql('insert into blobs (sha256, size, ref_count, unreferenced_since, created_at) values (?, 1, 0, ?, 1)', sha256, HOURS_AGO(2).getTime());
      shas.push(sha256);
    }
    const release = await t.domain.sweeper.holds.hold(shas.slice(0, 5));
    const report = await t.domain.sweeper.sweep();
    release();
    assert.equal(report.unreferencedRemoved, 225);
    assert.equal(report.kept, 5);
    assert.deepEqual(shas.filter((s) => fs.existsSync(blobs.localPath(s))).sort(), shas.slice(0, 5).sort());
    assert.equal((await t.domain.sweeper.sweep()).unreferencedRemoved, 5);
    await assertConsistent(t);
  });

  test('content uploaded again is written anew: an old copy gets the grace period back', async () => {
    const f = await upload();
    age(f.sha256, 5);
    await api.upload('again.txt', f.body);
    assert.ok(fs.statSync(blobs.localPath(f.sha256)).mtimeMs > Date.now() - 60_000);
  });

  test('start-up sweep: orphans and temporary files older than the grace go, fresh ones stay', async () => {
    const fresh = await orphan(`fresh orphan ${Date.now()}`);
    const old = await orphan(`old orphan ${Date.now()}`);
    age(old);
    const stale = await blobs.receive(Readable.from([Buffer.from('half')]), 1 << 20);
    fs.utimesSync(stale.path, HOURS_AGO(2), HOURS_AGO(2));
    const started = Date.now();
    const report = await t.domain.sweeper.sweep(BLOB_GRACE_MS, started);
    assert.equal(report.orphansRemoved, 1);
    assert.equal(report.tempRemoved, 1);
    assert.ok(fs.existsSync(blobs.localPath(fresh)), 'a fresh orphan may be a commit under way');
    assert.ok(!fs.existsSync(blobs.localPath(old)));
    assert.ok(!fs.existsSync(stale.path));
    await blobs.remove(fresh);
    await assertConsistent(t);
  });
});

test(
  'a restarted server’s start-up sweep keeps a fresh orphan and removes an old one',
  async () => {
    const dataDir = tempDir();
    const first = await startTestApp({}, {}, { dataDir, keepDataDir: true });
    await first.startupSweep;
    await first.close();
    const blobs = createBlobStore(dataDir);
    const commit = async (text: string) => {
      const temp = await blobs.receive(Readable.from([Buffer.from(text)]), 1 << 20);
      await blobs.commit(temp);
      return temp.sha256;
    };
    const fresh = await commit('fresh');
    const old = await commit('old');
    fs.utimesSync(blobs.localPath(old), HOURS_AGO(2), HOURS_AGO(2));
    const second = await startTestApp({}, {}, { dataDir });
    try {
      const report = await second.startupSweep;
      assert.equal(report?.orphansRemoved, 1);
      assert.ok(fs.existsSync(blobs.localPath(fresh)));
      assert.ok(!fs.existsSync(blobs.localPath(old)));
      assert.equal(fs.readdirSync(path.join(dataDir, 'blobs', 'tmp')).length, 0);
    } finally {
      await second.close();
    }
  },
);

test('blob keys cannot name a path outside the store', () => {
  const blobs = createBlobStore(tempDir());
  for (const key of ['../../etc/passwd', 'ab/../../x', '', 'A'.repeat(64), `${'a'.repeat(63)}/`]) {
    assert.throws(() => blobs.localPath(key), /not a blob key/);
    assert.throws(() => blobs.read(key), /not a blob key/);
  }
});

test('receive refuses more than the limit and leaves nothing behind', async () => {
  const dir = tempDir();
  const blobs = createBlobStore(dir);
  await assert.rejects(blobs.receive(Readable.from([Buffer.alloc(600), Buffer.alloc(600)]), 1000), /exceeds 1000 bytes/);
  assert.equal(fs.readdirSync(path.join(dir, 'blobs', 'tmp')).length, 0);
  const parts = [await blobs.receive(Readable.from([Buffer.from('ab')]), 10), await blobs.receive(Readable.from([Buffer.from('cd')]), 10)];
  const joined = await blobs.concat(parts);
  assert.equal(joined.size, 4);
  assert.equal(fs.readFileSync(joined.path, 'utf8'), 'abcd');
});

test('the store lists its content in sha256 order, with sizes', async () => {
  const blobs = createBlobStore(tempDir());
  const shas: string[] = [];
  for (let i = 0; i < 40; i++) {
    const temp = await blobs.receive(Readable.from([Buffer.from(`item ${i}`.repeat(i + 1))]), 1 << 20);
    await blobs.commit(temp);
    shas.push(temp.sha256);
  }
  const listed = [];
  for await (const b of blobs.list()) listed.push(b);
  assert.deepEqual(listed.map((b) => b.sha256), [...shas].sort());
  assert.ok(listed.every((b) => b.size > 0 && b.mtimeMs > 0));
  assert.equal((await blobs.stat(shas[0]!))?.size, listed.find((b) => b.sha256 === shas[0])!.size);
  assert.equal(await blobs.stat('0'.repeat(64)), undefined);
});
