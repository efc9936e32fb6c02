import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { client, startTestApp, type ApiResult, type TestApp } from './helpers/app.js';
import { familyClient, photo } from './helpers/family.js';
import { assertConsistent } from './helpers/integrity.js';

/**
 * Every limit under 20–50 requests at once, with the invariant checked after (and the integrity
 * checker over the whole library). On SQLite the writes queue behind one writer; on PostgreSQL they
 * really run together, as SERIALIZABLE transactions: the same answers must come out.
 */

const V1 = '/koodrive/ose/v1';
const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

describe('limits under concurrent writers', () => {
  const apps: TestApp[] = [];
  after(async () => {
    for (const a of apps) await a.close();
  });
  const app = async (env: Record<string, string>): Promise<TestApp> => {
    const t = await startTestApp(env);
    apps.push(t);
    return t;
  };
  const codes = (results: ApiResult[]): Record<string, number> => {
    const out: Record<string, number> = {};
    for (const r of results) {
      const key = `${r.status}/${r.body.code}`;
      out[key] = (out[key] ?? 0) + 1;
    }
    return out;
  };

  test('albums per owner: 40 creates against a limit of 10', async () => {
    const t = await app({ ALBUMD_MAX_ALBUMS: '10' });
    const api = client(t, await t.newUser());
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => api.createAlbum({ type: 2, albumKind: 1, name: `a${i}` })));
    assert.deepEqual(codes(results), { '200/0': 10, '400/13001102': 30 });
    assert.equal((await api.listAlbums('albumKind=1&albumType=2&pageSize=100')).body.total, 10);
    await assertConsistent(t);
  });

  test('items per manual album: 40 adds of one file each against a limit of 25', async () => {
    const t = await app({ ALBUMD_MAX_ALBUM_ITEMS: '25' });
    const u = await t.newUser();
    const api = client(t, u);
    const ids: string[] = [];
    for (let i = 0; i < 40; i++) ids.push(String((await api.upload(`p${i}.jpg`, photo('items', i))).body.id));
    const album = String((await api.createAlbum({ type: 2, albumKind: 1, name: 'full' })).body.albumId);
    const results = await Promise.all(ids.map((id) => api.call('POST', `${V1}/album/${album}/add`, { fileIds: [{ fileId: id, ownerId: u.userId }] })));
    assert.deepEqual(codes(results), { '200/0': 25, '400/13001102': 15 });
    const listed = await api.call('GET', `${V1}/album/${album}/list?pageSize=100`);
    assert.equal(listed.body.total, 25);
    await assertConsistent(t);
  });

  test('members per family: 20 invitees accept at once, the family holds 5', async () => {
    const t = await app({ ALBUMD_MAX_FAMILY_MEMBERS: '5' });
    const owner = familyClient(t, await t.newUser('Owner'));
    const family = await owner.createFamily('Crowd');
    const people = await Promise.all(Array.from({ length: 20 }, () => t.newUser()));
    // Invitations are limited by the members there are, not by the invitations out.
    const invites = await Promise.all(people.map((p) => owner.invite(family.groupId, p.phone)));
    assert.ok(invites.every((r) => r.status === 200), JSON.stringify(codes(invites)));
    const answers = await Promise.all(people.map((p, i) => familyClient(t, p).confirm(family.groupId, String(invites[i]!.body.inviteId), 1)));
    assert.deepEqual(codes(answers), { '200/0': 4, '400/13001102': 16 });
    assert.equal((await owner.metadata(family.id)).body.sharefolder && ((await owner.metadata(family.id)).body.sharefolder as { memberCount: number }).memberCount, 5);
    await assertConsistent(t);
  });

  test('the quota: 30 uploads, then 30 rapid uploads, then moves into a family, never past it', async () => {
    const quota = 1_000_000;
    const t = await app({ ALBUMD_QUOTA: String(quota) });
    const u = await t.newUser();
    const api = client(t, u);
    const uploads = await Promise.all(Array.from({ length: 30 }, (_, i) => api.upload(`u${i}.bin`, randomBytes(100_000))));
    assert.deepEqual(codes(uploads), { '200/0': 10, '400/13000311': 20 });
    const used = async (containerId: string) => Number((await t.store.read.containers.findById(containerId))!.used_bytes);
    assert.equal(await used(u.containerId), quota);

    // Rapid uploads of content already stored count too.
    const other = await t.newUser();
    const oapi = client(t, other);
    const known = randomBytes(300_000);
    assert.equal((await oapi.upload('known.bin', known)).status, 200);
    const rapid = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        oapi.call('POST', `${V1}/files/create`, { containerId: other.containerId, parentFolder: ['root'], fileName: `r${i}.bin`, length: known.length, sha256: sha(known) }),
      ),
    );
    assert.deepEqual(codes(rapid), { '200/0': 2, '400/13000311': 28 });
    assert.equal(await used(other.containerId), 900_000);

    // Moves from two members' spaces into one family space: the family's quota holds.
    const owner = familyClient(t, await t.newUser('Owner'));
    const family = await owner.createFamily('Shared');
    const movers = await Promise.all(Array.from({ length: 3 }, () => t.newUser()));
    const files: { mover: ReturnType<typeof familyClient>; src: string; id: string }[] = [];
    for (const [k, m] of movers.entries()) {
      const fc = familyClient(t, m);
      await fc.join(owner, family);
      for (let i = 0; i < 10; i++) files.push({ mover: fc, src: m.containerId, id: String((await fc.upload(`m${k}-${i}.bin`, randomBytes(90_000))).body.id) });
    }
    const moves = await Promise.all(
      files.map(({ mover, src, id }) =>
        mover.call(
          'POST',
          `${V1}/jobs`,
          { taskType: 3, taskInfo: { fileInfo: [{ fileId: id }], srcContainerId: src, dstFolderId: family.rootFolderId }, dstContainerId: family.containerId },
          { 'x-hw-share-folder-id': family.id },
        ),
      ),
    );
    const moved = moves.filter((r) => r.status === 200).length;
    assert.equal(moved, 11, JSON.stringify(codes(moves)) + JSON.stringify(moves.filter((r) => r.status !== 200).slice(0, 2).map((r) => r.body)));
    assert.equal(await used(family.containerId), 11 * 90_000);
    await assertConsistent(t);
  });

  test('free names: 50 uploads of a.jpg into one folder get 50 distinct names', async () => {
    const t = await app({});
    const api = client(t, await t.newUser());
    const folder = await api.folder('Same');
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => api.upload('a.jpg', photo('names', i), folder)));
    assert.deepEqual(codes(results), { '200/0': 50 });
    const names = new Set(results.map((r) => r.body.fileName as string));
    assert.equal(names.size, 50);
    assert.ok(names.has('a.jpg') && names.has('a (1).jpg') && names.has('a (49).jpg'));
    await assertConsistent(t);
  });

  test('the same files added and removed by 30 requests at once: the count is the listing', async () => {
    const t = await app({});
    const u = await t.newUser();
    const api = client(t, u);
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) ids.push(String((await api.upload(`s${i}.jpg`, photo('same', i))).body.id));
    const album = String((await api.createAlbum({ type: 2, albumKind: 1, name: 'busy' })).body.albumId);
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) => {
        const some = ids.filter((_, k) => (k + i) % 3 !== 0);
        return i % 2 === 0
          ? api.call('POST', `${V1}/album/${album}/add`, { fileIds: some.map((fileId) => ({ fileId, ownerId: u.userId })) })
          : api.call('DELETE', `${V1}/album/${album}/batchDelete`, { ids: some });
      }),
    );
    assert.deepEqual(codes(results), { '200/0': 30 });
    const listed = await api.call('GET', `${V1}/album/${album}/list?pageSize=100`);
    const albums = (await api.listAlbums('albumKind=1&albumType=2')).body.albumList as { id: string; itemCount: number }[];
    assert.equal(albums.find((a) => a.id === album)!.itemCount, listed.body.total);
    assert.equal((listed.body.contentList as unknown[]).length, listed.body.total);
    await assertConsistent(t);
  });

  test('an album deleted while 20 requests add to it: gone, with nothing of it left', async () => {
    const t = await app({});
    const u = await t.newUser();
    const api = client(t, u);
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) ids.push(String((await api.upload(`d${i}.jpg`, photo('del', i))).body.id));
    const album = String((await api.createAlbum({ type: 2, albumKind: 1, name: 'doomed' })).body.albumId);
    const adds = ids.map((id) => api.call('POST', `${V1}/album/${album}/add`, { fileIds: [{ fileId: id, ownerId: u.userId }] }));
    const removal = api.deleteAlbum(album);
    const results = await Promise.all(adds);
    assert.equal((await removal).status, 200);
    for (const r of results) assert.ok((r.status === 200 && r.body.code === 0) || (r.status === 400 && r.body.code === 13000309), JSON.stringify(r.body));
    expectGone(await api.call('GET', `${V1}/album/${album}/list`));
    await assertConsistent(t);
  });
});

function expectGone(r: ApiResult): void {
  assert.equal(r.status, 400);
  assert.equal(r.body.code, 13000309);
}
