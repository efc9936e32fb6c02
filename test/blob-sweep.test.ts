import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import fs from 'node:fs';
import path from 'node:path';
import { createBlobStore } from '../src/storage/blob-store.js';
import { startTestApp, authHeaders, tempDir } from './helpers/app.js';

test('a blob is gone only once no file uses it; a crash between blob write and commit leaves no orphan', async () => {
  const dataDir = tempDir();
  const first = await startTestApp({}, {}, { dataDir, keepDataDir: true });
  const u = await first.newUser();
  const up = async (name: string, body: string) =>
    (await first.app.inject({ method: 'POST', url: `/koodrive/ose/v1/files/upload?fileName=${name}&containerId=${u.containerId}`, headers: { ...authHeaders(u), 'content-type': 'application/octet-stream' }, payload: body })).json();
  const kept = await up('kept.txt', 'kept content');
  const released = await up('released.txt', 'released content');
  // What a permanent delete will do: the count drops to zero (the file row goes in the same transaction).
  await first.store.write((repos) => repos.blobs.release(released.sha256, Date.now() - 10));
  await first.startupSweep;
  await first.close();

  // A crash after the blob's rename and before the database commit, and another mid-receive.
  const blobs = createBlobStore(dataDir);
  const orphan = await blobs.receive(Readable.from([Buffer.from('never committed')]), 1 << 20);
  await blobs.commit(orphan);
  const halfReceived = await blobs.receive(Readable.from([Buffer.from('half')]), 1 << 20);
  const past = new Date(Date.now() - 60_000);
  fs.utimesSync(halfReceived.path, past, past);
  assert.ok(fs.existsSync(blobs.localPath(orphan.sha256)));

  const second = await startTestApp({}, {}, { dataDir });
  try {
    const report = await second.startupSweep;
    assert.ok(report);
    assert.equal(report.orphansRemoved, 1);
    assert.equal(report.unreferencedRemoved, 1);
    assert.equal(report.tempRemoved, 1);
    assert.ok(!fs.existsSync(blobs.localPath(orphan.sha256)), 'the orphan is gone');
    assert.ok(!fs.existsSync(blobs.localPath(released.sha256)), 'the unreferenced blob is gone');
    assert.ok(!fs.existsSync(halfReceived.path));
    assert.ok(fs.existsSync(blobs.localPath(kept.sha256)), 'content still in use stays');
    assert.equal(fs.readFileSync(blobs.localPath(kept.sha256), 'utf8'), 'kept content');
    assert.equal(fs.readdirSync(path.join(dataDir, 'blobs', 'tmp')).length, 0);
  } finally {
    await second.close();
  }
});

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
