import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { client, expectError, type TestApp, type TestUser, appForSuite, type Api } from './helpers/app.js';

const FIXTURES = path.resolve(import.meta.dirname, 'fixtures');
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
type Part = { partNumber: number; partOffset: number; partSize: number; uploadUrl: string };

describe('three-step upload', () => {
  let clock = Date.now();
  let t: TestApp;
  let u: TestUser;
  let api: Api;
  appForSuite((s) => ({ t, u, api } = s), { now: () => clock });

  /** A client whose token and X-Date follow the moved clock. */
  const later = async () => {
    const session = await t.domain.auth.issueFor(u.userId);
    return client(t, { ...u, accessToken: session.accessToken }, () => clock);
  };
  const create = (body: Record<string, unknown>) => api.call('POST', '/koodrive/ose/v1/files/create', { containerId: u.containerId, parentFolder: ['root'], ...body });
  const put = async (url: string, bytes: Buffer) => {
    const u2 = new URL(url);
    const res = await t.app.inject({ method: 'PUT', url: u2.pathname + u2.search, payload: bytes, headers: { 'content-type': 'application/octet-stream' } });
    return { status: res.statusCode, body: res.json(), etag: res.headers.etag };
  };
  const complete = (fileId: string, uploadId: string) => api.call('POST', '/koodrive/ose/v1/files/complete', { fileId, uploadId, containerId: u.containerId });
  const names = async () => {
    const r = await api.list(0, { pageInfo: { pageSize: 100 } });
    return (r.body.files as { fileName: string }[]).map((f) => f.fileName);
  };

  test('put mode: one part, then complete; nothing visible before', async () => {
    const bytes = fs.readFileSync(path.join(FIXTURES, 'sample.heic'));
    const c = await create({ fileName: 'phone.heic', length: bytes.length, sha256: sha(bytes), mimeType: 'image/jpeg' });
    assert.equal(c.status, 200, JSON.stringify(c.body));
    assert.equal(c.body.rapidUpload, false);
    assert.equal(c.body.fileName, 'phone.heic');
    assert.match(c.body.uploadId as string, /^[\w-]+$/);
    const parts = c.body.multiParts as Part[];
    assert.deepEqual(parts.map((p) => [p.partNumber, p.partOffset, p.partSize]), [[1, 0, bytes.length]]);
    const r = await put(parts[0]!.uploadUrl, bytes);
    assert.equal(r.status, 200);
    assert.equal(r.body.code, 0);
    assert.equal(r.etag, sha(bytes));
    assert.ok(!(await names()).includes('phone.heic'), 'invisible until complete');
    const done = await complete(c.body.fileId as string, c.body.uploadId as string);
    assert.equal(done.status, 200, JSON.stringify(done.body));
    assert.equal(done.body.id, c.body.fileId);
    assert.equal(done.body.mimeType, 'image/heic', 'typed by its bytes, not the declared type');
    assert.equal(done.body.takeTime, '2019-07-14T08:45:30.000Z');
    assert.ok((await names()).includes('phone.heic'));
    const again = await complete(c.body.fileId as string, c.body.uploadId as string);
    assert.equal(again.status, 200, 'a repeated complete (a client retrying) gets the same file');
    assert.equal(again.body.id, c.body.fileId);
  });

  test('multipart: 8 MiB parts, any order, a part replaced, content intact', async () => {
    const bytes = randomBytes(20 * 1024 * 1024 + 123);
    const c = await create({ fileName: 'big.bin', length: bytes.length, sha256: sha(bytes), uploadMode: 'multipart' });
    const parts = c.body.multiParts as Part[];
    assert.deepEqual(parts.map((p) => p.partSize), [8 << 20, 8 << 20, 4 * 1024 * 1024 + 123]);
    for (const p of [parts[2]!, parts[0]!, parts[1]!]) {
      assert.equal((await put(p.uploadUrl, bytes.subarray(p.partOffset, p.partOffset + p.partSize))).status, 200);
    }
    const wrongBytes = Buffer.alloc(parts[1]!.partSize, 7);
    assert.equal((await put(parts[1]!.uploadUrl, wrongBytes)).status, 200);
    assert.equal((await put(parts[1]!.uploadUrl, bytes.subarray(parts[1]!.partOffset, parts[1]!.partOffset + parts[1]!.partSize))).status, 200, 'a re-PUT replaces the part');
    const done = await complete(c.body.fileId as string, c.body.uploadId as string);
    assert.equal(done.status, 200, JSON.stringify(done.body));
    assert.equal(done.body.size, bytes.length);
    assert.equal(done.body.sha256, sha(bytes));
    const link = await api.call('POST', '/koodrive/ose/v1/files/download', { containerId: u.containerId, fileIds: [done.body.id] });
    const url = new URL((link.body.downloads as { url: string }[])[0]!.url);
    const got = await t.app.inject({ method: 'GET', url: url.pathname + url.search });
    assert.ok(got.rawPayload.equals(bytes));
    assert.equal(fs.readdirSync(path.join(t.dataDir, 'blobs', 'parts')).length, 0, 'parts are gone');
  });

  test('a part of the wrong size → 13000402 and is not kept', async () => {
    const bytes = randomBytes(1000);
    const c = await create({ fileName: 'short.bin', length: bytes.length });
    const part = (c.body.multiParts as Part[])[0]!;
    const short = await put(part.uploadUrl, bytes.subarray(0, 999));
    assert.equal(short.status, 400);
    assert.equal(short.body.code, 13000402);
    const long = await put(part.uploadUrl, Buffer.concat([bytes, Buffer.from('x')]));
    assert.equal(long.body.code, 13000402);
    expectError(await complete(c.body.fileId as string, c.body.uploadId as string), 400, 13000402);
    assert.ok(!(await names()).includes('short.bin'));
  });

  test('a wrong sha256 at complete → 13000402, discarded, nothing visible', async () => {
    const bytes = randomBytes(500);
    const c = await create({ fileName: 'liar.bin', length: bytes.length, sha256: sha(Buffer.from('other')) });
    await put((c.body.multiParts as Part[])[0]!.uploadUrl, bytes);
    expectError(await complete(c.body.fileId as string, c.body.uploadId as string), 400, 13000402);
    assert.ok(!(await names()).includes('liar.bin'));
    expectError(await complete(c.body.fileId as string, c.body.uploadId as string), 400, 13000309);
  });

  test('forged, foreign and expired part URLs are refused', async () => {
    const c = await create({ fileName: 'signed.bin', length: 10 });
    const url = new URL((c.body.multiParts as Part[])[0]!.uploadUrl);
    const forged = new URL(url);
    forged.searchParams.set('part', `${c.body.uploadId}:2`);
    assert.equal((await put(forged.toString(), Buffer.alloc(10))).status, 401);
    const noSig = new URL(url);
    noSig.searchParams.delete('sig');
    assert.equal((await put(noSig.toString(), Buffer.alloc(10))).status, 401);
    const start = clock;
    clock += 2 * 3600_000;
    try {
      assert.equal((await put(url.toString(), Buffer.alloc(10))).status, 401, 'part URLs last an hour');
      const api2 = await later();
      const fresh = await api2.call('POST', '/koodrive/ose/v1/files/multipart/uploadUrl', { fileId: c.body.fileId, uploadId: c.body.uploadId, multiParts: [{ partNumber: 1 }] });
      assert.equal(fresh.status, 200, JSON.stringify(fresh.body));
      const again = (fresh.body.multiParts as Part[])[0]!;
      assert.equal((await put(again.uploadUrl, Buffer.alloc(10))).status, 200);
      expectError(await api2.call('POST', '/koodrive/ose/v1/files/multipart/uploadUrl', { fileId: c.body.fileId, uploadId: c.body.uploadId, multiParts: [{ partNumber: 2 }] }), 400, 13000102);
      const v = await t.newUser();
      expectError(await client(t, v, () => clock).call('POST', '/koodrive/ose/v1/files/multipart/uploadUrl', { fileId: c.body.fileId, uploadId: c.body.uploadId }), 400, 13000309);
    } finally {
      clock = start;
    }
  });

  test('rapid upload only for content the caller may already read', async () => {
    const bytes = fs.readFileSync(path.join(FIXTURES, 'sample.jpg'));
    await api.upload('first.jpg', bytes);
    const c = await create({ fileName: 'second.jpg', length: bytes.length, sha256: sha(bytes) });
    assert.equal(c.status, 200);
    assert.equal(c.body.rapidUpload, true);
    assert.equal(c.body.exist, true);
    assert.deepEqual(c.body.multiParts, []);
    assert.equal(c.body.width, 320);
    assert.equal(c.body.takeTime, '2019-07-14T08:45:30.000Z');
    assert.ok((await names()).includes('second.jpg'));
    assert.equal((await t.store.read.blobs.find(sha(bytes)))?.ref_count, 2);
    const v = await t.newUser();
    const other = await client(t, v).call('POST', '/koodrive/ose/v1/files/create', { containerId: v.containerId, fileName: 'x.jpg', length: bytes.length, sha256: sha(bytes) });
    assert.equal(other.body.rapidUpload, false, "another user's content is not a shortcut");
  });

  test('a zero-byte file and the checks of create', async () => {
    const c = await create({ fileName: 'zero.bin', length: 0 });
    const part = (c.body.multiParts as Part[])[0]!;
    assert.equal(part.partSize, 0);
    assert.equal((await put(part.uploadUrl, Buffer.alloc(0))).status, 200);
    const done = await complete(c.body.fileId as string, c.body.uploadId as string);
    assert.equal(done.body.size, 0);
    expectError(await create({ fileName: 'a/b', length: 1 }), 400, 13000102);
    expectError(await create({ fileName: 'x', length: -1 }), 400, 13000102);
    expectError(await create({ fileName: 'x', length: 6 * 1024 ** 3 }), 400, 13000102);
    expectError(await create({ fileName: 'x', length: 1, uploadMode: 'stream' }), 400, 13000102);
    expectError(await create({ fileName: 'x', length: 1, parentFolder: ['Fnope'] }), 400, 13000309);
    await api.upload('taken.txt', 'x');
    expectError(await create({ fileName: 'taken.txt', length: 1, renameMode: 3 }), 400, 13000405);
    assert.equal((await create({ fileName: 'taken.txt', length: 1 })).body.fileName, 'taken (1).txt');
  });

  test('unfinished uploads expire after 24 h with their parts', async () => {
    const c = await create({ fileName: 'late.bin', length: 4 });
    await put((c.body.multiParts as Part[])[0]!.uploadUrl, Buffer.from('late'));
    const start = clock;
    clock += 25 * 3600_000;
    try {
      assert.ok((await t.domain.uploads.expire()) >= 1);
      const api2 = await later();
      expectError(await api2.call('POST', '/koodrive/ose/v1/files/complete', { fileId: c.body.fileId, uploadId: c.body.uploadId, containerId: u.containerId }), 400, 13000309);
      assert.ok(!fs.existsSync(path.join(t.dataDir, 'blobs', 'parts', c.body.uploadId as string)));
    } finally {
      clock = start;
    }
  });
});
