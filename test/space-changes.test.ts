import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type ApiResult, type TestApp, type TestUser } from './helpers/app.js';
import { photo as distinctPhoto, familyClient, type FamilyApi } from './helpers/family.js';
import { assertConsistent } from './helpers/integrity.js';

/**
 * Every path that moves files between spaces applies the same album effects (issue 9, defects 6
 * and 15): a collection album counts only the scope folders in its own space, whatever recounts it.
 */

const V1 = '/koodrive/ose/v1';
let n = 0;
const photo = (): Buffer => distinctPhoto('spaces', (n += 1));

describe('collection albums when their folders change space', () => {
  let t: TestApp;
  let owner: TestUser;
  let o: FamilyApi;

  before(async () => {
    t = await startTestApp();
    owner = await t.newUser('owner');
    o = familyClient(t, owner);
  });
  after(() => t.close());

  const moveToFamily = (fileId: string, familyId: string, familySpace: string): Promise<ApiResult> =>
    o.call(
      'POST',
      `${V1}/jobs`,
      { taskType: 3, taskInfo: { fileInfo: [{ fileId }], srcContainerId: owner.containerId, dstFolderId: 'root' }, dstContainerId: familySpace },
      { 'x-hw-share-folder-id': familyId },
    );
  const counts = async (albumId: string): Promise<{ itemCount: number; total: number }> => {
    const listed = await o.listAlbums('albumKind=1&albumType=1&pageSize=100');
    const itemCount = (listed.body.albumList as { id: string; itemCount: number }[]).find((a) => a.id === albumId)!.itemCount;
    return { itemCount, total: Number((await o.albumList(albumId)).body.total) };
  };
  const fill = async (folder: string, k: number): Promise<string[]> => {
    const ids: string[] = [];
    for (let i = 0; i < k; i++) ids.push(String((await o.upload(`p${i}.jpg`, photo(), folder)).body.id));
    return ids;
  };

  test('updating an album recounts only the scope folders still in its space', async () => {
    const s1 = await o.folder('S1');
    const s2 = await o.folder('S2');
    await fill(s1, 2);
    await fill(s2, 3);
    const album = String((await o.createAlbum({ type: 1, albumKind: 1, scopeParentFolderId: 'root', scopeDir: [s1, s2], scopeKind: '1' })).body.albumId);
    assert.deepEqual(await counts(album), { itemCount: 5, total: 5 });
    const f = await o.createFamily('Away');
    assert.equal((await moveToFamily(s2, f.id, f.containerId)).status, 200);
    assert.deepEqual(await counts(album), { itemCount: 2, total: 2 });
    const r = await o.updateAlbum(album, { scopeKind: '1,2' });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual(await counts(album), { itemCount: 2, total: 2 });
    await assertConsistent(t);
  });

  test('deleting a family brings its folders home: albums over them count them again', async () => {
    const p = await o.folder('P');
    const files = await fill(p, 3);
    const album = String((await o.createAlbum({ type: 1, albumKind: 1, scopeParentFolderId: 'root', scopeDir: [p], scopeKind: '1' })).body.albumId);
    assert.deepEqual(await counts(album), { itemCount: 3, total: 3 });
    const f = await o.createFamily('Brief');
    assert.equal((await moveToFamily(p, f.id, f.containerId)).status, 200);
    assert.deepEqual(await counts(album), { itemCount: 0, total: 0 });
    assert.equal((await o.deleteFamily(f.id)).status, 200);
    assert.deepEqual(await counts(album), { itemCount: 3, total: 3 });
    assert.equal((await o.job(2, [files[0]!])).status, 200);
    assert.deepEqual(await counts(album), { itemCount: 2, total: 2 });
    assert.equal((await o.job(2, [files[1]!], { actionType: 202 })).status, 200);
    assert.deepEqual(await counts(album), { itemCount: 1, total: 1 });
    await assertConsistent(t);
  });

  test("deleting a family moves its bytes, recycle bin included, into the owner's usage once", async () => {
    const f = await o.createFamily('Bytes');
    const kept = photo();
    const binned = photo();
    await o.fupload(f, 'kept.jpg', kept);
    const gone = String((await o.fupload(f, 'binned.jpg', binned)).body.id);
    assert.equal((await o.fjob(f, 2, [gone])).status, 200);
    const before = Number((await t.store.read.containers.findById(owner.containerId))!.used_bytes);
    assert.equal((await o.deleteFamily(f.id)).status, 200);
    assert.equal(Number((await t.store.read.containers.findById(owner.containerId))!.used_bytes), before + kept.length + binned.length);
    await assertConsistent(t);
  });
});
