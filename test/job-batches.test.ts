import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, expectError, type TestApp, type TestUser } from './helpers/app.js';
import { photo as distinctPhoto, familyClient, type Family, type FamilyApi } from './helpers/family.js';
import { assertConsistent } from './helpers/integrity.js';

/**
 * A job that names a folder and something inside it (in either order) resolves every item against
 * the state the job has left so far: the child is covered by its folder, never released twice
 * (decisions.md §7; issue 9, defects 1 and 2).
 */

const V1 = '/koodrive/ose/v1';
let n = 0;
const photo = (): Buffer => distinctPhoto('batches', (n += 1));

describe('jobs naming a folder and its content together', () => {
  let t: TestApp;
  let owner: TestUser;
  let o: FamilyApi;
  let f: Family;

  before(async () => {
    t = await startTestApp({ ALBUMD_QUOTA: '10000000' });
    owner = await t.newUser('owner');
    o = familyClient(t, owner);
    f = await o.createFamily('Batches');
  });
  after(() => t.close());

  const used = async (containerId: string): Promise<number> => Number((await t.store.read.containers.findById(containerId))?.used_bytes);
  const refs = async (sha256: string): Promise<number> => Number((await t.store.read.blobs.find(sha256))?.ref_count ?? 0);
  const itemCount = async (albumId: string, kind = 1): Promise<number> => {
    const r = await o.listAlbums(`albumKind=${kind}&albumType=1&pageSize=100`);
    return (r.body.albumList as { id: string; itemCount: number }[]).find((a) => a.id === albumId)!.itemCount;
  };

  /** A folder F holding x.jpg, a y.jpg of the same bytes at the root, a collection album over F. */
  async function layout(): Promise<{ folder: string; x: string; y: string; sha256: string; size: number; album: string }> {
    const folder = await o.folder(`F${(n += 1)}`);
    const bytes = photo();
    const x = await o.upload('x.jpg', bytes, folder);
    const y = await o.upload(`y${n}.jpg`, bytes);
    const album = await o.createAlbum({ type: 1, albumKind: 1, scopeParentFolderId: 'root', scopeDir: [folder], scopeKind: '1' });
    assert.equal(await itemCount(String(album.body.albumId)), 1);
    return { folder, x: String(x.body.id), y: String(y.body.id), sha256: String(x.body.sha256), size: bytes.length, album: String(album.body.albumId) };
  }

  for (const order of ['folder first', 'file first'] as const) {
    const ids = (l: { folder: string; x: string }): string[] => (order === 'folder first' ? [l.folder, l.x] : [l.x, l.folder]);

    test(`deleting for good, ${order}: the shared content keeps its other reference`, async () => {
      const l = await layout();
      const before = await used(owner.containerId);
      const r = await o.job(2, ids(l), { actionType: 202 });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(await refs(l.sha256), 1);
      assert.equal(await used(owner.containerId), before - l.size);
      assert.equal(await itemCount(l.album), 0);
      expectError(await o.call('POST', `${V1}/files/${l.x}/detail`, { containerId: owner.containerId }), 400, 13000309);
      // The sweep (no grace) must leave y.jpg's bytes: it still downloads.
      await t.domain.sweeper.sweep(0);
      const link = await o.call('POST', `${V1}/files/download`, { containerId: owner.containerId, fileIds: [l.y] });
      const url = new URL((link.body.downloads as { url: string }[])[0]!.url);
      const got = await t.app.inject({ method: 'GET', url: url.pathname + url.search });
      assert.equal(got.statusCode, 200);
      assert.equal(got.rawPayload.length, l.size);
      await assertConsistent(t);
    });

    test(`recycling, ${order}: the file goes with its folder and comes back with it`, async () => {
      const l = await layout();
      const r = await o.job(2, ids(l), { actionType: 201 });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(await itemCount(l.album), 0);
      const bin = (await o.list(1)).body.files as { id: string }[];
      assert.ok(bin.some((x) => x.id === l.folder));
      assert.ok(!bin.some((x) => x.id === l.x), 'the file is inside its folder in the bin, not an item of its own');
      assert.equal((await o.job(4, [l.folder])).status, 200);
      assert.equal(await itemCount(l.album), 1);
      const inside = (await o.list(0, { parentFileId: l.folder })).body.files as { id: string }[];
      assert.deepEqual(inside.map((x) => x.id), [l.x]);
      await assertConsistent(t);
    });

    test(`moving, ${order}: the file stays inside the folder that moves`, async () => {
      const l = await layout();
      const dst = await o.folder(`T${(n += 1)}`);
      // The target already has an x.jpg: no matter, the named x.jpg goes along inside its folder.
      const namesake = String((await o.upload('x.jpg', photo(), dst)).body.id);
      const r = await o.job(3, ids(l), {}, { dstFolderId: dst });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      const inside = (await o.list(0, { parentFileId: l.folder })).body.files as { id: string }[];
      assert.deepEqual(inside.map((x) => x.id), [l.x]);
      const there = (await o.list(0, { parentFileId: dst })).body.files as { id: string }[];
      assert.deepEqual(there.map((x) => x.id).sort(), [l.folder, namesake].sort());
      assert.equal(await itemCount(l.album), 1);
      await assertConsistent(t);
    });

    test(`moving into a family, ${order}: each space's usage changes by the bytes once`, async () => {
      const l = await layout();
      const [personal, family] = [await used(owner.containerId), await used(f.containerId)];
      const r = await o.call(
        'POST',
        `${V1}/jobs`,
        { taskType: 3, taskInfo: { fileInfo: ids(l).map((fileId) => ({ fileId })), srcContainerId: owner.containerId, dstFolderId: 'root' }, dstContainerId: f.containerId },
        { 'x-hw-share-folder-id': f.id },
      );
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(await used(owner.containerId), personal - l.size);
      assert.equal(await used(f.containerId), family + l.size);
      assert.equal(await itemCount(l.album), 0);
      const inside = (await o.flist(f, { parentFileId: l.folder })).body.files as { id: string }[];
      assert.deepEqual(inside.map((x) => x.id), [l.x]);
      await assertConsistent(t);
    });

    test(`restoring two bin items, one inside the other, ${order}: the inner one returns into its folder`, async () => {
      const l = await layout();
      assert.equal((await o.job(2, [l.x])).status, 200);
      assert.equal((await o.job(2, [l.folder])).status, 200);
      const r = await o.job(4, ids(l));
      assert.equal(r.status, 200, JSON.stringify(r.body));
      const inside = (await o.list(0, { parentFileId: l.folder })).body.files as { id: string }[];
      assert.deepEqual(inside.map((x) => x.id), [l.x]);
      assert.equal(await itemCount(l.album), 1);
      await assertConsistent(t);
    });
  }

  test('deleting for good a folder whose content was recycled on its own keeps that content restorable', async () => {
    const l = await layout();
    assert.equal((await o.job(2, [l.x])).status, 200);
    assert.equal((await o.job(2, [l.folder])).status, 200);
    assert.equal((await o.job(2, [l.folder], { actionType: 202 })).status, 200);
    const bin = (await o.list(1)).body.files as { id: string }[];
    assert.ok(bin.some((x) => x.id === l.x));
    await assertConsistent(t);
    assert.equal((await o.job(4, [l.x])).status, 200);
    const root = (await o.list(0, { pageInfo: { pageSize: 100 } })).body.files as { id: string; fileName: string }[];
    assert.ok(root.some((x) => x.id === l.x), 'restored to the root, its folder being gone');
    await assertConsistent(t);
  });

  test('emptying the bin after recycling a folder and, earlier, a file in it releases each once', async () => {
    const l = await layout();
    const before = await used(owner.containerId);
    assert.equal((await o.job(2, [l.x])).status, 200);
    assert.equal((await o.job(2, [l.folder])).status, 200);
    assert.equal((await o.job(7, [])).status, 200);
    assert.equal(await refs(l.sha256), 1);
    assert.equal(await used(owner.containerId), before - l.size);
    await assertConsistent(t);
  });

  test("a member may not recycle a folder holding another member's file; the owner may", async () => {
    const member = await t.newUser('member');
    const m = familyClient(t, member);
    await m.join(o, f);
    const folder = String((await m.fmkdir(f, `M${(n += 1)}`)).body.id);
    await m.fupload(f, 'mine.jpg', photo(), folder);
    const theirs = String((await o.fupload(f, 'theirs.jpg', photo(), folder)).body.id);
    expectError(await m.fjob(f, 2, [folder]), 400, 13000410);
    const inside = (await m.flist(f, { parentFileId: folder })).body.files as { id: string }[];
    assert.equal(inside.length, 2, 'nothing was recycled');
    assert.ok(inside.some((x) => x.id === theirs));
    assert.equal((await o.fjob(f, 2, [folder])).status, 200);
    await assertConsistent(t);
  });

  test('a file named twice in one job is refused and nothing changes', async () => {
    const l = await layout();
    expectError(await o.job(2, [l.x, l.x], { actionType: 202 }), 400, 13000102);
    assert.equal(await refs(l.sha256), 2);
    await assertConsistent(t);
  });

  test('three deleting jobs under a quota leave the usage exact, and the quota still holds', async () => {
    const before = await used(owner.containerId);
    for (let i = 0; i < 3; i++) {
      const l = await layout();
      assert.equal((await o.job(2, [l.folder, l.x], { actionType: 202 })).status, 200);
      assert.equal(await used(owner.containerId), before + (i + 1) * l.size);
    }
    await assertConsistent(t);
  });
});
