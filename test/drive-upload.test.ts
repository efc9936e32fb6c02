import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { startTestApp, authHeaders, client, expectError, type TestApp, type TestUser, type ApiResult, appForSuite, type Api } from './helpers/app.js';

const FIXTURES = path.resolve(import.meta.dirname, 'fixtures');
const fixture = (name: string) => fs.readFileSync(path.join(FIXTURES, name));
const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

describe('one-shot upload, detail and download', () => {
  let t: TestApp;
  let u: TestUser;
  let api: Api;
  appForSuite((s) => ({ t, u, api } = s));

  const upload = async (name: string, body: Buffer | string, query: Record<string, string> = {}, user = u): Promise<ApiResult> => {
    const q = new URLSearchParams({ fileName: name, containerId: user.containerId, ...query });
    const res = await t.app.inject({ method: 'POST', url: `/koodrive/ose/v1/files/upload?${q}`, headers: { ...authHeaders(user), 'content-type': 'application/octet-stream' }, payload: body });
    return { status: res.statusCode, body: res.json(), headers: res.headers };
  };

  const expected: [string, Record<string, unknown>][] = [
    ['sample.jpg', { fileType: '15', mimeType: 'image/jpeg', width: 320, height: 240, takeTime: '2019-07-14T08:45:30.000Z' }],
    ['sample.heic', { fileType: '15', mimeType: 'image/heic', width: 320, height: 240, takeTime: '2019-07-14T08:45:30.000Z' }],
    ['sample.mp4', { fileType: '20', mimeType: 'video/mp4', width: 320, height: 240, duration: 2, takeTime: '2020-02-29T12:34:56.000Z' }],
    ['sample.mov', { fileType: '20', mimeType: 'video/quicktime', width: 240, height: 320, duration: 1, takeTime: '2018-12-31T23:59:58.000Z' }],
  ];
  for (const [name, want] of expected) {
    test(`${name}: type, size and times from the bytes`, async () => {
      const bytes = fixture(name);
      const r = await upload(name, bytes);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      for (const [k, v] of Object.entries(want)) assert.equal(r.body[k], v, k);
      assert.equal(r.body.size, bytes.length);
      assert.equal(r.body.sha256, sha(bytes));
      assert.equal(r.body.recycled, false);
      assert.equal(r.body.ownerId, u.userId);
      assert.match(String(r.body.thumbnailUrl), /\/files\/F[\w-]{32}\/thumbnail\?size=m&uid=\d+&exp=\d+&sig=/);
      assert.equal(r.body.mediaError, undefined);
      const detail = await api.call('POST', `/koodrive/ose/v1/files/${r.body.id}/detail`, { containerId: u.containerId });
      assert.equal(detail.status, 200);
      for (const k of ['fileName', 'fileType', 'mimeType', 'size', 'sha256', 'takeTime', 'width', 'height', 'createdTime']) assert.deepEqual(detail.body[k], r.body[k], k);
    });
  }

  test('a .jpg that holds text is stored and typed by its bytes', async () => {
    const r = await upload('notes.jpg', 'just some words\n');
    assert.equal(r.status, 200);
    assert.equal(r.body.fileType, '45');
    assert.equal(r.body.mimeType, 'text/plain');
    assert.equal(r.body.thumbnailUrl, undefined);
    assert.equal(r.body.takeTime, r.body.createdTime, 'no shooting time: createdTime');
  });

  test('a zero-byte file', async () => {
    const r = await upload('empty.bin', '');
    assert.equal(r.status, 200);
    assert.equal(r.body.size, 0);
    assert.equal(r.body.sha256, sha(''));
  });

  test('createdTime is kept as given', async () => {
    const r = await upload('dated.txt', 'x', { createdTime: '2021-05-06T07:08:09.123Z' });
    assert.equal(r.body.createdTime, '2021-05-06T07:08:09.123Z');
    expectError(await upload('bad.txt', 'x', { createdTime: 'yesterday' }), 400, 13000102);
  });

  test('names: a taken name becomes "name (1)", renameMode 3 refuses it', async () => {
    const a = await upload('dup.jpg', fixture('sample.jpg'));
    const b = await upload('dup.jpg', fixture('sample.jpg'));
    const c = await upload('dup.jpg', 'other');
    assert.equal(a.body.fileName, 'dup.jpg');
    assert.equal(b.body.fileName, 'dup (1).jpg');
    assert.equal(c.body.fileName, 'dup (2).jpg');
    expectError(await upload('dup.jpg', 'x', { renameMode: '3' }), 400, 13000405);
  });

  for (const bad of ['a/b.jpg', '..', '.', 'a\\b', 'x'.repeat(251), '']) {
    test(`file name ${JSON.stringify(bad.length > 20 ? `${bad.length} chars` : bad)} → 13000102`, async () => {
      expectError(await upload(bad, 'x'), 400, 13000102);
    });
  }

  test('a wrong sha256 → 13000402 and nothing becomes visible', async () => {
    const before = fs.readdirSync(path.join(t.dataDir, 'blobs', 'tmp')).length;
    const r = await upload('wrong.jpg', fixture('sample.jpg'), { sha256: sha('something else') });
    expectError(r, 400, 13000402);
    const again = await upload('wrong.jpg', 'y');
    assert.equal(again.body.fileName, 'wrong.jpg', 'the name was never taken');
    assert.equal(fs.readdirSync(path.join(t.dataDir, 'blobs', 'tmp')).length, before, 'no temporary file left');
    const right = await upload('right.jpg', fixture('sample.jpg'), { sha256: sha(fixture('sample.jpg')) });
    assert.equal(right.status, 200);
    expectError(await upload('x.jpg', 'x', { sha256: 'ABC' }), 400, 13000102);
  });

  test('content is stored once whatever the number of files', async () => {
    const bytes = Buffer.from(`unique ${Date.now()}`);
    await upload('one.txt', bytes);
    await upload('two.txt', bytes);
    const h = sha(bytes);
    const stored = path.join(t.dataDir, 'blobs', h.slice(0, 2), h.slice(2, 4), h);
    assert.ok(fs.existsSync(stored));
    assert.deepEqual(fs.readFileSync(stored), bytes);
    const row = await t.store.read.blobs.find(h);
    assert.equal(row?.ref_count, 2);
  });

  test('space checks: other spaces, unknown folders, family header', async () => {
    const v = await t.newUser();
    expectError(await upload('x.txt', 'x', { containerId: v.containerId }), 400, 13000301);
    expectError(await upload('x.txt', 'x', { parentFolder: 'Fnope' }), 400, 13000309);
    const theirs = await client(t, v).folder('theirs');
    expectError(await upload('x.txt', 'x', { parentFolder: theirs }), 400, 13000309);
    const folder = await api.folder('Uploads');
    const inFolder = await upload('in.txt', 'x', { parentFolder: folder });
    assert.deepEqual(inFolder.body.parentFolder, [folder]);
    const mine = await upload('mine.txt', 'x');
    expectError(await client(t, v).call('POST', `/koodrive/ose/v1/files/${mine.body.id}/detail`, { containerId: v.containerId }), 400, 13000309);
    expectError(await api.call('POST', `/koodrive/ose/v1/files/${mine.body.id}/detail`, { containerId: v.containerId }), 400, 13000301);
    expectError(await api.call('POST', '/koodrive/ose/v1/files/Fnope/detail', { containerId: u.containerId }), 400, 13000309);
  });

  test('quota per space → 13000311', async () => {
    const small = await startTestApp({ ALBUMD_QUOTA: '5000' });
    try {
      const w = await small.newUser();
      const q = (name: string, body: Buffer) =>
        small.app.inject({ method: 'POST', url: `/koodrive/ose/v1/files/upload?fileName=${name}&containerId=${w.containerId}`, headers: { ...authHeaders(w), 'content-type': 'application/octet-stream' }, payload: body });
      assert.equal((await q('a.jpg', fixture('sample.jpg'))).statusCode, 200);
      const over = await q('b.heic', fixture('sample.heic'));
      assert.equal(over.json().code, 13000311);
    } finally {
      await small.close();
    }
  });

  test('download links, Range, HEAD, and signatures', async () => {
    const bytes = fixture('sample.mp4');
    const up = await upload('clip.mp4', bytes);
    const folder = await api.folder('NoContent');
    const links = await api.call('POST', '/koodrive/ose/v1/files/download', { containerId: u.containerId, fileIds: [up.body.id, folder, 'Fnope'] });
    assert.equal(links.status, 200);
    assert.equal(links.body.batchCode, 0);
    const [good, dir, missing] = links.body.downloads as { fileId: string; url: string; code: number; msg: string; fileName: string }[];
    assert.equal(good!.code, 0);
    assert.equal(good!.fileName, 'clip.mp4');
    assert.equal(dir!.code, 13000102);
    assert.equal(missing!.code, 13000309);
    const url = new URL(good!.url);
    const full = await t.app.inject({ method: 'GET', url: url.pathname + url.search });
    assert.equal(full.statusCode, 200);
    assert.deepEqual(full.rawPayload, bytes);
    assert.equal(full.headers['content-type'], 'video/mp4');
    assert.match(String(full.headers['cache-control']), /private/);
    const part = await t.app.inject({ method: 'GET', url: url.pathname + url.search, headers: { range: 'bytes=10-19' } });
    assert.equal(part.statusCode, 206);
    assert.deepEqual(part.rawPayload, bytes.subarray(10, 20));
    assert.equal(part.headers['content-range'], `bytes 10-19/${bytes.length}`);
    const tail = await t.app.inject({ method: 'GET', url: url.pathname + url.search, headers: { range: 'bytes=-5' } });
    assert.deepEqual(tail.rawPayload, bytes.subarray(bytes.length - 5));
    const open = await t.app.inject({ method: 'GET', url: url.pathname + url.search, headers: { range: `bytes=${bytes.length - 3}-` } });
    assert.deepEqual(open.rawPayload, bytes.subarray(bytes.length - 3));
    const unsatisfiable = await t.app.inject({ method: 'GET', url: url.pathname + url.search, headers: { range: `bytes=${bytes.length}-` } });
    assert.equal(unsatisfiable.statusCode, 416);
    const head = await t.app.inject({ method: 'HEAD', url: url.pathname + url.search });
    assert.equal(head.statusCode, 200);
    assert.equal(Number(head.headers['content-length']), bytes.length);
    assert.equal(head.rawPayload.length, 0);

    const forged = new URL(url);
    forged.searchParams.set('sig', 'A'.repeat(43));
    assert.equal((await t.app.inject({ method: 'GET', url: forged.pathname + forged.search })).statusCode, 401);
    const otherUser = new URL(url);
    otherUser.searchParams.set('uid', '1');
    assert.equal((await t.app.inject({ method: 'GET', url: otherUser.pathname + otherUser.search })).statusCode, 401);
    const expired = new URL(url);
    expired.searchParams.set('exp', '1000');
    assert.equal((await t.app.inject({ method: 'GET', url: expired.pathname + expired.search })).statusCode, 401);
    const bare = await t.app.inject({ method: 'GET', url: url.pathname });
    assert.equal(bare.statusCode, 401);
    const all = await api.call('POST', '/koodrive/ose/v1/files/download', { containerId: u.containerId, fileIds: [up.body.id] });
    assert.equal(all.body.batchCode, 1);
    const none = await api.call('POST', '/koodrive/ose/v1/files/download', { containerId: u.containerId, fileIds: ['Fnope'] });
    assert.equal(none.body.batchCode, 2);
    expectError(await api.call('POST', '/koodrive/ose/v1/files/download', { containerId: u.containerId, fileIds: [] }), 400, 13000102);
  });
});
