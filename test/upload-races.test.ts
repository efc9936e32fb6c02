import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Readable } from 'node:stream';
import sharp from 'sharp';
import { appForSuite, expectError, type Api, type ApiResult, type TestApp, type TestUser } from './helpers/app.js';
import { assertConsistent } from './helpers/integrity.js';

/**
 * Uploads under concurrency (issue 9, defects 3, 5, 16, 17, 18): every limit is checked inside the
 * write that changes it, one complete claims an upload, parts stop changing once it is claimed, and a
 * rapid upload shares only what the bytes say.
 */

const V1 = '/koodrive/ose/v1';
const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
type Part = { partNumber: number; partOffset: number; partSize: number; uploadUrl: string };
const ok = (r: { status: number }, allowed: [number, number][], body: { code: number }): boolean => allowed.some(([s, c]) => r.status === s && body.code === c);

describe('uploads under concurrency', () => {
  let t: TestApp;
  let u: TestUser;
  let api: Api;
  appForSuite((s) => ({ t, u, api } = s));

  const create = (body: Record<string, unknown>): Promise<ApiResult> =>
    api.call('POST', `${V1}/files/create`, { containerId: u.containerId, parentFolder: ['root'], ...body });
  const put = async (url: string, bytes: Buffer): Promise<ApiResult> => {
    const target = new URL(url);
    const res = await t.app.inject({ method: 'PUT', url: target.pathname + target.search, payload: bytes, headers: { 'content-type': 'application/octet-stream' } });
    return { status: res.statusCode, body: res.json(), headers: res.headers };
  };
  const complete = (c: ApiResult): Promise<ApiResult> =>
    api.call('POST', `${V1}/files/complete`, { fileId: c.body.fileId, uploadId: c.body.uploadId, containerId: u.containerId });
  const partsDir = (): string[] => fs.readdirSync(path.join(t.dataDir, 'blobs', 'parts')).filter((d) => fs.readdirSync(path.join(t.dataDir, 'blobs', 'parts', d)).length > 0);

  for (const mode of ['put', 'multipart'] as const) {
    test(`concurrent completes of one ${mode} upload give one file, never a 500`, async () => {
      for (let round = 0; round < 10; round++) {
        const bytes = randomBytes(mode === 'put' ? 300_000 : (8 << 20) + 1000);
        const c = await create({ fileName: `race-${mode}-${round}.bin`, length: bytes.length, sha256: sha(bytes), uploadMode: mode });
        for (const p of c.body.multiParts as Part[]) assert.equal((await put(p.uploadUrl, bytes.subarray(p.partOffset, p.partOffset + p.partSize))).status, 200);
        const answers = await Promise.all(Array.from({ length: 5 }, () => complete(c)));
        for (const r of answers) assert.ok(ok(r, [[200, 0]], r.body), `${r.status} ${JSON.stringify(r.body)}`);
        assert.ok(answers.every((r) => r.body.id === c.body.fileId));
        const listed = (await api.list(0, { pageInfo: { pageSize: 100 } })).body.files as { fileName: string }[];
        assert.equal(listed.filter((f) => f.fileName.startsWith(`race-${mode}-${round}`)).length, 1);
      }
      assert.deepEqual(partsDir(), []);
      await assertConsistent(t);
    });
  }

  test('a part PUT racing complete: complete uses one consistent set of parts or answers 13000402', async () => {
    for (let round = 0; round < 20; round++) {
      const bytes = randomBytes(1_000_000);
      const c = await create({ fileName: `reput-${round}.bin`, length: bytes.length, sha256: sha(bytes) });
      const url = (c.body.multiParts as Part[])[0]!.uploadUrl;
      assert.equal((await put(url, bytes)).status, 200);
      // A second PUT of the same part, and complete, at once.
      const [again, done] = await Promise.all([put(url, bytes), complete(c)]);
      assert.ok(ok(again, [[200, 0], [400, 13000309]], again.body), `PUT ${again.status} ${JSON.stringify(again.body)}`);
      assert.ok(ok(done, [[200, 0], [400, 13000402]], done.body), `complete ${done.status} ${JSON.stringify(done.body)}`);
      const retry = await complete(c);
      if (done.status === 200) {
        assert.equal(retry.status, 200, 'a retried complete gets the same file');
        assert.equal(retry.body.id, c.body.fileId);
        assert.equal(retry.body.sha256, sha(bytes));
      } else expectError(retry, 400, 13000309);
    }
    assert.deepEqual(partsDir(), []);
    await assertConsistent(t);
  });

  test('a part PUT that finishes after complete answers 13000309 and keeps nothing', async () => {
    const bytes = randomBytes(50_000);
    const c = await create({ fileName: 'late.bin', length: bytes.length, sha256: sha(bytes) });
    const url = new URL((c.body.multiParts as Part[])[0]!.uploadUrl);
    assert.equal((await put(url.href, bytes)).status, 200);
    // A second PUT of the part sends half its bytes, then waits while the upload completes.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const body = Readable.from(
      (async function* () {
        yield bytes.subarray(0, 25_000);
        await held;
        yield bytes.subarray(25_000);
      })(),
    );
    const late = t.app.inject({ method: 'PUT', url: url.pathname + url.search, payload: body, headers: { 'content-type': 'application/octet-stream', 'content-length': String(bytes.length) } });
    await new Promise((r) => setTimeout(r, 50));
    assert.equal((await complete(c)).status, 200);
    release();
    const res = await late;
    expectError({ status: res.statusCode, body: res.json(), headers: res.headers }, 400, 13000309);
    assert.equal((await t.store.read.uploads.parts(String(c.body.uploadId))).length, 0);
    assert.deepEqual(partsDir(), []);
    await assertConsistent(t);
  });

  test('100 rapid uploads at once cannot pass the quota', async () => {
    const used = Number((await t.store.read.containers.findById(u.containerId))!.used_bytes);
    const quota = used + 1_000_000;
    t.config.drive.quotaBytes = quota;
    try {
      const bytes = randomBytes(300_000);
      assert.equal((await api.upload('source.bin', bytes)).status, 200);
      const room = Math.floor((quota - used - bytes.length) / bytes.length);
      const answers = await Promise.all(Array.from({ length: 100 }, (_, i) => create({ fileName: `copy-${i}.bin`, length: bytes.length, sha256: sha(bytes) })));
      const rapid = answers.filter((r) => r.status === 200 && r.body.rapidUpload === true);
      for (const r of answers) assert.ok(ok(r, [[200, 0], [400, 13000311]], r.body), `${r.status} ${JSON.stringify(r.body)}`);
      assert.equal(rapid.length, room);
      assert.ok(Number((await t.store.read.containers.findById(u.containerId))!.used_bytes) <= quota);
    } finally {
      t.config.drive.quotaBytes = 0;
    }
    await assertConsistent(t);
  });

  test('uploads under way count against the quota; refused bytes leave the disk at once', async () => {
    const used = Number((await t.store.read.containers.findById(u.containerId))!.used_bytes);
    t.config.drive.quotaBytes = used + 1_000_000;
    const stored = (): number => fs.readdirSync(path.join(t.dataDir, 'blobs'), { recursive: true }).filter((f) => /[0-9a-f]{64}$/.test(String(f))).length;
    try {
      const first = await create({ fileName: 'pending-1.bin', length: 400_000 });
      const second = await create({ fileName: 'pending-2.bin', length: 400_000 });
      assert.equal(first.status, 200);
      assert.equal(second.status, 200);
      expectError(await create({ fileName: 'pending-3.bin', length: 400_000 }), 400, 13000311);
      // A body without a length (chunked) stops at the room left, and its bytes do not stay.
      const before = stored();
      const res = await t.app.inject({
        method: 'POST',
        url: `${V1}/files/upload?${new URLSearchParams({ fileName: 'chunked.bin', containerId: u.containerId, parentFolder: 'root' })}`,
        headers: { ...api.headers(), 'content-type': 'application/octet-stream' },
        payload: Readable.from((function* () {
          for (let i = 0; i < 40; i++) yield randomBytes(100_000);
        })()),
      });
      expectError({ status: res.statusCode, body: res.json(), headers: res.headers }, 400, 13000311);
      // A body that fits the room but not the quota's reservations is refused when it becomes a file.
      const fits = randomBytes(300_000);
      t.config.drive.quotaBytes = used + 250_000 + 10;
      expectError(await api.upload('over.bin', fits), 400, 13000311);
      assert.equal(stored(), before, 'no refused content kept');
      assert.deepEqual(fs.readdirSync(path.join(t.dataDir, 'blobs', 'tmp')), []);
    } finally {
      t.config.drive.quotaBytes = 0;
    }
    await assertConsistent(t);
  });

  test('after a refusal mid-body, the same kept-alive connection answers the next request', async () => {
    const limit = t.config.drive.maxFileSize;
    t.config.drive.maxFileSize = 100_000;
    const address = new URL(await t.app.listen({ port: 0, host: '127.0.0.1' }));
    try {
      const answers = await new Promise<string>((resolve, reject) => {
        const socket = net.connect(Number(address.port), address.hostname);
        const body = randomBytes(200_000);
        const query = new URLSearchParams({ fileName: 'refused.bin', containerId: u.containerId, parentFolder: 'root' });
        const head = Object.entries({ ...api.headers(), host: address.host, 'content-type': 'application/octet-stream', 'content-length': String(body.length) })
          .map(([k, v]) => `${k}: ${v}`)
          .join('\r\n');
        socket.write(`POST ${V1}/files/upload?${query} HTTP/1.1\r\n${head}\r\n\r\n`);
        socket.write(body);
        socket.write(`GET /healthz HTTP/1.1\r\nhost: ${address.host}\r\n\r\n`);
        let text = '';
        socket.on('data', (c: Buffer) => {
          text += c.toString('latin1');
          if ((text.match(/HTTP\/1\.1 /g) ?? []).length >= 2 && /\r\n\r\n[^]*\r\n\r\n[^]*\}/.test(text)) {
            socket.end();
            resolve(text);
          }
        });
        socket.on('error', reject);
        setTimeout(() => reject(new Error(`no second answer: ${text.slice(0, 300)}`)), 10_000).unref();
      });
      const statuses = [...answers.matchAll(/HTTP\/1\.1 (\d+)/g)].map((m) => Number(m[1]));
      assert.deepEqual(statuses, [400, 200]);
    } finally {
      t.config.drive.maxFileSize = limit;
      await t.app.server.close();
    }
  });

  test("a rapid upload takes the shooting time from the bytes only; without one, the new file's createdTime", async () => {
    const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#3a7' } }).png().toBuffer();
    const first = await api.upload('plain.png', png, 'root', { createdTime: '2001-01-01T00:00:00Z' });
    assert.equal(first.body.takeTime, '2001-01-01T00:00:00.000Z');
    const copy = await create({ fileName: 'plain-copy.png', length: png.length, sha256: sha(png), createdTime: '2010-06-01T00:00:00Z' });
    assert.equal(copy.body.rapidUpload, true);
    assert.equal(copy.body.takeTime, '2010-06-01T00:00:00.000Z');
    // A photo's EXIF time is the content's and travels with it.
    const jpeg = fs.readFileSync(path.join(import.meta.dirname, 'fixtures', 'sample.jpg'));
    await api.upload('exif.jpg', jpeg, 'root', { createdTime: '2001-01-01T00:00:00Z' });
    const exifCopy = await create({ fileName: 'exif-copy.jpg', length: jpeg.length, sha256: sha(jpeg), createdTime: '2010-06-01T00:00:00Z' });
    assert.equal(exifCopy.body.rapidUpload, true);
    assert.equal(exifCopy.body.takeTime, '2019-07-14T08:45:30.000Z');
  });
});
