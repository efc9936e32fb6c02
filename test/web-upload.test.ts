import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { startTestApp, client, type TestApp, type TestUser } from './helpers/app.js';
import { familyClient } from './helpers/family.js';
import { createClient, ApiError, type Client } from '../web/src/lib/api.js';
import { Cancelled, sha256Of, uploadFile, type Progress, type Sender } from '../web/src/lib/upload.js';
import { MemoryStorage } from '../src/import/client.js';

/**
 * The gallery's upload (web/src/lib/upload.ts) against a real albumd on a real port: the sha256
 * read in chunks, create → PUT parts → complete, rapid upload, URLs signed again, parts retried,
 * and refusals in the API's words. Parts go through fetch here (the browser uses XMLHttpRequest
 * for its progress events); faults are made by changing what a real request carries.
 */

const PASSWORD = 'correct horse battery';
const JPEG = fs.readFileSync(new URL('./fixtures/sample.jpg', import.meta.url));
const MiB = 1024 * 1024;

/** A JPEG with its own content (bytes after the end marker are ignored by decoders), `size` bytes long. */
const photo = (tag: string, size = JPEG.length + 64): Buffer => {
  const pad = Buffer.alloc(size - JPEG.length);
  crypto.randomFillSync(pad);
  pad.write(tag);
  return Buffer.concat([JPEG, pad]);
};
const hex = (b: Buffer) => crypto.createHash('sha256').update(b).digest('hex');
const asFile = (b: Buffer, name: string) => new File([new Uint8Array(b)], name, { type: 'image/jpeg', lastModified: Date.UTC(2021, 3, 5) });

describe('gallery uploads (create → parts → complete)', () => {
  let t: TestApp;
  let origin: string;

  before(async () => {
    t = await startTestApp();
    origin = await t.app.listen({ port: 0, host: '127.0.0.1' });
  });
  after(async () => {
    await t?.close();
  });

  /** A signed-in gallery client for a new user, with the paths of its API calls recorded. */
  const session = async (): Promise<{ api: Client; user: TestUser; calls: string[]; bodies: Record<string, unknown>[] }> => {
    const user = await t.newUser();
    const calls: string[] = [];
    const bodies: Record<string, unknown>[] = [];
    const api = createClient({
      base: origin,
      storage: new MemoryStorage() as unknown as Storage,
      fetch: (input, init) => {
        calls.push(new URL(String(input)).pathname.replace('/koodrive/ose/v1', ''));
        bodies.push(typeof init?.body === 'string' ? (JSON.parse(init.body) as Record<string, unknown>) : {});
        return fetch(input, init);
      },
    });
    await api.login(user.phone, PASSWORD);
    return { api, user, calls, bodies };
  };
  const createBody = (calls: string[], bodies: Record<string, unknown>[]) => bodies[calls.lastIndexOf('/files/create')];

  /** PUTs with fetch, each recorded; `tamper` may change a request before it goes. */
  const sender = (tamper?: (n: number, url: string, body: Blob) => { url: string; body: Blob } | 'drop') => {
    const puts: { url: string; size: number; status: number }[] = [];
    const send: Sender = async ({ url, body, onprogress }) => {
      const changed = tamper?.(puts.length, url, body) ?? { url, body };
      if (changed === 'drop') {
        puts.push({ url, size: body.size, status: 0 });
        return { status: 0, text: '' };
      }
      const res = await fetch(changed.url, { method: 'PUT', body: changed.body, headers: { 'content-type': 'application/octet-stream' } });
      const text = await res.text();
      puts.push({ url: changed.url, size: changed.body.size, status: res.status });
      if (res.status === 200) onprogress(changed.body.size);
      return { status: res.status, text };
    };
    return { send, puts };
  };

  const listing = async (user: TestUser, folderId: string) => {
    const r = await client(t, user).list(0, { parentFileId: folderId });
    return r.body.files as { id: string; fileName: string; size: number; sha256?: string; fileType: string; createdTime: string }[];
  };

  test('sha256 read in chunks equals the whole file’s', async () => {
    const bytes = photo('chunks', 3 * MiB + 17);
    const seen: number[] = [];
    assert.equal(await sha256Of(new Blob([new Uint8Array(bytes)]), { readChunk: MiB, onread: (n) => seen.push(n) }), hex(bytes));
    assert.deepEqual(seen, [MiB, 2 * MiB, 3 * MiB, 3 * MiB + 17]);
    assert.equal(await sha256Of(new Blob([])), hex(Buffer.alloc(0)));
  });

  test('a small photo: one PUT, then complete; progress ends at its length; the file is in the folder', async () => {
    const { api, user, calls, bodies } = await session();
    const folder = await client(t, user).folder('Trip');
    const bytes = photo('small');
    const { send, puts } = sender();
    const progress: Progress[] = [];
    const done = await uploadFile(api, { containerId: user.containerId, folderId: folder }, asFile(bytes, 'a.jpg'), 'a.jpg', { send, onprogress: (p) => progress.push(p) });
    assert.equal(done.rapid, false);
    assert.equal(done.fileName, 'a.jpg');
    assert.deepEqual(calls.filter((c) => c.startsWith('/files/')), ['/files/create', '/files/complete']);
    assert.deepEqual(createBody(calls, bodies), {
      fileName: 'a.jpg',
      containerId: user.containerId,
      parentFolder: [folder],
      length: bytes.length,
      sha256: hex(bytes),
      uploadMode: 'put',
      mimeType: 'image/jpeg',
      createdTime: '2021-04-05T00:00:00.000Z',
    });
    assert.equal(puts.length, 1);
    assert.equal(puts[0]!.size, bytes.length);
    assert.deepEqual(progress.at(-1), { phase: 'finishing', loaded: bytes.length, total: bytes.length });
    assert.ok(progress.some((p) => p.phase === 'sending' && p.loaded === bytes.length));
    const [file] = await listing(user, folder);
    assert.equal(file?.id, done.fileId);
    assert.equal(file?.sha256, hex(bytes));
    assert.equal(file?.fileType, '15');
    // The file's own date, not the upload's, is its creation time.
    assert.equal(file?.createdTime, '2021-04-05T00:00:00.000Z');
  });

  test('the same content again, in another folder: a rapid upload, no bytes sent', async () => {
    const { api, user } = await session();
    const c = client(t, user);
    const [one, two] = [await c.folder('One'), await c.folder('Two')];
    const bytes = photo('again');
    await uploadFile(api, { containerId: user.containerId, folderId: one }, asFile(bytes, 'x.jpg'), 'x.jpg', { send: sender().send });
    const { send, puts } = sender();
    const again = await uploadFile(api, { containerId: user.containerId, folderId: two }, asFile(bytes, 'x.jpg'), 'x.jpg', { send });
    assert.equal(again.rapid, true);
    assert.equal(puts.length, 0);
    assert.deepEqual((await listing(user, two)).map((f) => f.fileName), ['x.jpg']);
  });

  test('above the threshold: 8 MiB parts, each PUT alone, the last one short; albumd checks the whole', async () => {
    const { api, user, calls, bodies } = await session();
    const bytes = photo('big', 8 * MiB + 300_000);
    const { send, puts } = sender();
    const progress: Progress[] = [];
    const done = await uploadFile(api, { containerId: user.containerId, folderId: 'root' }, asFile(bytes, 'big.jpg'), 'big.jpg', { send, multipartAbove: 8 * MiB, onprogress: (p) => progress.push(p) });
    assert.equal(done.rapid, false);
    assert.equal(createBody(calls, bodies)?.uploadMode, 'multipart');
    assert.deepEqual(puts.map((p) => [p.size, p.status]), [[8 * MiB, 200], [300_000, 200]]);
    const sending = progress.filter((p) => p.phase === 'sending').map((p) => p.loaded);
    assert.deepEqual([...sending].sort((a, b) => a - b), sending, 'progress never goes back');
    assert.ok(sending.includes(8 * MiB) && sending.at(-1) === bytes.length);
    const [file] = await listing(user, 'root');
    assert.equal(file?.size, bytes.length);
    assert.equal(file?.sha256, hex(bytes));
  });

  test('a lowered threshold sends even a small file as a multipart upload', async () => {
    const { api, user, calls, bodies } = await session();
    const bytes = photo('lowered');
    const { send, puts } = sender();
    const done = await uploadFile(api, { containerId: user.containerId, folderId: 'root' }, asFile(bytes, 'l.jpg'), 'l.jpg', { send, multipartAbove: 1000 });
    assert.equal(done.rapid, false);
    assert.equal(createBody(calls, bodies)?.uploadMode, 'multipart');
    assert.equal(puts.length, 1);
    assert.equal(puts[0]!.size, bytes.length);
  });

  test('URLs about to expire are signed again before the part goes; one refused as expired is signed again and retried', async () => {
    const { api, user, calls } = await session();
    // The client believes an hour has passed: every URL looks close to its end.
    const early = await uploadFile(api, { containerId: user.containerId, folderId: 'root' }, asFile(photo('late'), 'late.jpg'), 'late.jpg', {
      send: sender().send,
      now: () => Date.now() + 3600_000,
    });
    assert.equal(early.rapid, false);
    assert.equal(calls.filter((c) => c === '/files/multipart/uploadUrl').length, 1);

    // The first PUT carries a signature albumd refuses (as it refuses an expired one): 401, signed again.
    calls.length = 0;
    const { send, puts } = sender((n, url, body) => ({ url: n === 0 ? url.replace(/sig=([^&]+)/, 'sig=AAAA$1') : url, body }));
    const refused = await uploadFile(api, { containerId: user.containerId, folderId: 'root' }, asFile(photo('refused'), 'refused.jpg'), 'refused.jpg', { send });
    assert.equal(refused.rapid, false);
    assert.deepEqual(puts.map((p) => p.status), [401, 200]);
    assert.equal(calls.filter((c) => c === '/files/multipart/uploadUrl').length, 1);
  });

  test('a part lost on the way is sent again; one that keeps failing ends in words', async () => {
    const { api, user } = await session();
    const slept: number[] = [];
    const sleep = async (ms: number) => void slept.push(ms);
    const flaky = sender((n, url, body) => (n === 0 ? 'drop' : { url, body }));
    const ok = await uploadFile(api, { containerId: user.containerId, folderId: 'root' }, asFile(photo('flaky'), 'flaky.jpg'), 'flaky.jpg', { send: flaky.send, sleep });
    assert.equal(ok.rapid, false);
    assert.deepEqual(flaky.puts.map((p) => p.status), [0, 200]);
    assert.equal(slept.length, 1);

    const down = sender(() => 'drop');
    await assert.rejects(
      uploadFile(api, { containerId: user.containerId, folderId: 'root' }, asFile(photo('down'), 'down.jpg'), 'down.jpg', { send: down.send, sleep }),
      (e: unknown) => e instanceof ApiError && e.message === 'The connection to the server failed.',
    );
    assert.equal(down.puts.length, 4);
  });

  test('bytes that do not match the sha256 are refused at complete, in the API’s words, and nothing appears', async () => {
    const { api, user } = await session();
    const folder = await client(t, user).folder('Checked');
    const bytes = photo('intact');
    // Same length, other bytes: the part is accepted, the whole is not.
    const { send } = sender((_n, url, body) => ({ url, body: new Blob([new Uint8Array(photo('swapped', body.size))]) }));
    await assert.rejects(
      uploadFile(api, { containerId: user.containerId, folderId: folder }, asFile(bytes, 'i.jpg'), 'i.jpg', { send }),
      (e: unknown) => e instanceof ApiError && e.code === 13000402 && /integrity|check/i.test(e.message),
    );
    assert.deepEqual(await listing(user, folder), []);
  });

  test('a folder that is not there: the refusal of files/create, in words', async () => {
    const { api, user } = await session();
    await assert.rejects(
      uploadFile(api, { containerId: user.containerId, folderId: 'Fnothere' }, asFile(photo('nowhere'), 'n.jpg'), 'n.jpg', { send: sender().send }),
      (e: unknown) => e instanceof ApiError && e.code === 13000309 && e.message === 'Resource does not exist.',
    );
  });

  test('cancelled: nothing is sent after the signal', async () => {
    const { api, user, calls } = await session();
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(uploadFile(api, { containerId: user.containerId, folderId: 'root' }, asFile(photo('never'), 'c.jpg'), 'c.jpg', { send: sender().send, signal: controller.signal }), Cancelled);
    assert.deepEqual(calls.filter((c) => c.startsWith('/files/')), []);
  });

  test('cancelled between parts: the upload is abandoned on the server, its quota free at once', async () => {
    const { api, user, calls } = await session();
    const controller = new AbortController();
    const bytes = photo('halfway', 9 * MiB);
    // Two parts of 8 MiB and 1 MiB: the person cancels while the second is on its way.
    const { send } = sender((n, url, body) => {
      if (n === 1) controller.abort();
      return { url, body };
    });
    await assert.rejects(
      uploadFile(api, { containerId: user.containerId, folderId: 'root' }, asFile(bytes, 'h.jpg'), 'h.jpg', { send, signal: controller.signal, multipartAbove: MiB }),
      Cancelled,
    );
    for (let i = 0; i < 50 && !calls.includes('/files/abort'); i++) await new Promise((r) => setTimeout(r, 20));
    assert.ok(calls.includes('/files/abort'), calls.join(' '));
    for (let i = 0; i < 50 && (await t.store.read.uploads.pendingBytes(user.containerId, Date.now())) > 0; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(await t.store.read.uploads.pendingBytes(user.containerId, Date.now()), 0);
    assert.deepEqual(await listing(user, 'root'), []);
  });

  test('into a family space, with its share-folder header', async () => {
    const { api, user } = await session();
    const family = await familyClient(t, user).createFamily('Home');
    const bytes = photo('family');
    const done = await uploadFile(api, { containerId: family.containerId, shareFolderId: family.id, folderId: 'root' }, asFile(bytes, 'f.jpg'), 'f.jpg', { send: sender().send, multipartAbove: 10 });
    assert.equal(done.rapid, false);
    const r = await familyClient(t, user).call('POST', '/koodrive/ose/v1/files/0', { containerId: family.containerId, parentFileId: 'root' }, { 'x-hw-share-folder-id': family.id });
    assert.deepEqual((r.body.files as { id: string }[]).map((f) => f.id), [done.fileId]);
    // Without the header the family space is not the caller's: refused, in words.
    await assert.rejects(
      uploadFile(api, { containerId: family.containerId, folderId: 'root' }, asFile(photo('nohdr'), 'g.jpg'), 'g.jpg', { send: sender().send }),
      (e: unknown) => e instanceof ApiError && e.code === 13000301,
    );
  });
});
