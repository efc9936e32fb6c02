import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { client, expectError, startTestApp, type Api, type ApiResult, type TestApp, type TestUser } from './helpers/app.js';
import { assertConsistent } from './helpers/integrity.js';
import { familyClient } from './helpers/family.js';

/**
 * `files/abort` (albumd's): an unfinished upload given up takes its parts with it and stops counting
 * against the quota at once; nobody else's upload, and no upload being completed, can be aborted.
 */
const V1 = '/koodrive/ose/v1';
const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
type Part = { partNumber: number; partOffset: number; partSize: number; uploadUrl: string };

describe('abandoning an upload', () => {
  let t: TestApp;
  let u: TestUser;
  let other: TestUser;
  let api: Api;
  before(async () => {
    t = await startTestApp({ ALBUMD_QUOTA: String(20 << 20) });
    u = await t.newUser('Ann');
    other = await t.newUser('Bob');
    api = client(t, u);
  });
  after(async () => {
    await t?.close();
  });

  const create = (bytes: Buffer, name: string): Promise<ApiResult> =>
    api.call('POST', `${V1}/files/create`, { containerId: u.containerId, parentFolder: ['root'], fileName: name, length: bytes.length, sha256: sha(bytes), uploadMode: 'multipart' });
  const put = async (url: string, bytes: Buffer): Promise<ApiResult> => {
    const target = new URL(url);
    const res = await t.app.inject({ method: 'PUT', url: target.pathname + target.search, payload: bytes, headers: { 'content-type': 'application/octet-stream' } });
    return { status: res.statusCode, body: res.json(), headers: res.headers };
  };
  const abort = (who: Api, c: ApiResult): Promise<ApiResult> => who.call('POST', `${V1}/files/abort`, { fileId: c.body.fileId, uploadId: c.body.uploadId });
  const partFiles = (): number => {
    const dir = path.join(t.dataDir, 'blobs', 'parts');
    return fs.existsSync(dir) ? fs.readdirSync(dir).reduce((n, d) => n + fs.readdirSync(path.join(dir, d)).length, 0) : 0;
  };

  test('the quota held by an unfinished upload is free at once; its parts are gone; late calls are refused', async () => {
    const big = randomBytes(12 << 20);
    const first = await create(big, 'big.bin');
    assert.equal(first.status, 200);
    const [part1] = first.body.multiParts as Part[];
    assert.equal((await put(part1!.uploadUrl, big.subarray(0, part1!.partSize))).status, 200);
    assert.equal(partFiles(), 1);
    // 12 + 12 MiB announced would pass the 20 MiB quota.
    expectError(await create(randomBytes(12 << 20), 'second.bin'), 400, 13000311);

    // Not someone else's to abort; nor with the wrong file ID.
    expectError(await abort(client(t, other), first), 400, 13000309);
    expectError(await api.call('POST', `${V1}/files/abort`, { fileId: 'F0', uploadId: first.body.uploadId }), 400, 13000309);

    assert.equal((await abort(api, first)).status, 200);
    assert.equal(partFiles(), 0);
    const second = await create(randomBytes(12 << 20), 'second.bin');
    assert.equal(second.status, 200, JSON.stringify(second.body));

    // The aborted upload is gone for every later call.
    const [, part2] = first.body.multiParts as Part[];
    expectError(await put(part2!.uploadUrl, big.subarray(part2!.partOffset)), 400, 13000309);
    expectError(await api.call('POST', `${V1}/files/complete`, { fileId: first.body.fileId, uploadId: first.body.uploadId, containerId: u.containerId }), 400, 13000309);
    expectError(await abort(api, first), 400, 13000309);
    expectError(await api.call('POST', `${V1}/files/abort`, { fileId: '', uploadId: 'x' }), 400, 13000102);
    assert.equal((await abort(api, second)).status, 200);
    await assertConsistent(t);
  });

  test("a member removed from a family, or a family deleted, takes its unfinished uploads into it along", async () => {
    const owner = familyClient(t, await t.newUser('Owner'));
    for (const ending of ['removed', 'left', 'deleted'] as const) {
      const member = await t.newUser('Member');
      const m = familyClient(t, member);
      const family = await owner.createFamily(`Home ${ending}`);
      await m.join(owner, family);
      const bytes = randomBytes(12 << 20);
      const c = await m.call('POST', `${V1}/files/create`, { containerId: family.containerId, parentFolder: ['root'], fileName: 'x.bin', length: bytes.length, sha256: sha(bytes), uploadMode: 'multipart' }, { 'x-hw-share-folder-id': family.id });
      assert.equal(c.status, 200, JSON.stringify(c.body));
      const [part] = c.body.multiParts as Part[];
      assert.equal((await put(part!.uploadUrl, bytes.subarray(0, part!.partSize))).status, 200);
      assert.ok(partFiles() > 0);
      assert.equal(await t.store.read.uploads.pendingBytes(family.containerId, Date.now()), bytes.length);
      if (ending === 'removed') assert.equal((await owner.removeMember(family.groupId, member.userId)).status, 200);
      else if (ending === 'left') assert.equal((await m.removeMember(family.groupId, member.userId, member.userId)).status, 200);
      else assert.equal((await owner.deleteFamily(family.id)).status, 200);
      assert.equal(await t.store.read.uploads.pendingBytes(family.containerId, Date.now()), 0, ending);
      assert.equal(partFiles(), 0, ending);
      expectError(await put(part!.uploadUrl, bytes.subarray(0, part!.partSize)), 400, 13000309);
    }
    await assertConsistent(t);
  });

  test('abort racing complete: the file is made whole or not at all, never a 500', async () => {
    for (let round = 0; round < 8; round++) {
      const bytes = randomBytes(300_000);
      const c = await create(bytes, `race-${round}.bin`);
      for (const p of c.body.multiParts as Part[]) assert.equal((await put(p.uploadUrl, bytes.subarray(p.partOffset, p.partOffset + p.partSize))).status, 200);
      const [done, aborted] = await Promise.all([
        api.call('POST', `${V1}/files/complete`, { fileId: c.body.fileId, uploadId: c.body.uploadId, containerId: u.containerId }),
        abort(api, c),
      ]);
      assert.ok([200, 400].includes(done.status) && [200, 400].includes(aborted.status), `${done.status} ${aborted.status}`);
      assert.ok((done.status === 200) !== (aborted.status === 200), 'exactly one of them wins');
      const listed = (await api.list(0, { pageInfo: { pageSize: 100 } })).body.files as { fileName: string }[];
      assert.equal(listed.filter((f) => f.fileName === `race-${round}.bin`).length, done.status === 200 ? 1 : 0);
    }
    assert.equal(partFiles(), 0);
    await assertConsistent(t);
  });
});
