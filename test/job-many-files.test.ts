import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, expectError, type TestApp, type TestUser } from './helpers/app.js';
import { photo as distinctPhoto, familyClient, type FamilyApi } from './helpers/family.js';
import { assertConsistent } from './helpers/integrity.js';

/**
 * Jobs of many plain files, which albumd applies together (a few statements for the lot, not a
 * few per file): counts, covers, usage and references end as they would one file at a time, and
 * names are resolved in the order the files were named, each against those the earlier ones took.
 */

const V1 = '/koodrive/ose/v1';
let n = 0;
const photo = (): Buffer => distinctPhoto('many', (n += 1));

describe('jobs of many files', () => {
  let t: TestApp;
  let u: TestUser;
  let o: FamilyApi;

  before(async () => {
    t = await startTestApp({ ALBUMD_QUOTA: '100000000' });
    u = await t.newUser('many');
    o = familyClient(t, u);
  });
  after(() => t.close());

  const used = async (): Promise<number> => Number((await t.store.read.containers.findById(u.containerId))?.used_bytes);
  const refs = async (sha256: string): Promise<number> => Number((await t.store.read.blobs.find(sha256))?.ref_count ?? 0);
  const albums = async (type: 1 | 2): Promise<Map<string, { itemCount: number; coverImg?: string }>> => {
    const r = await o.listAlbums(`albumKind=1&albumType=${type}&pageSize=100`);
    return new Map((r.body.albumList as { id: string; itemCount: number; coverImg?: string }[]).map((a) => [a.id, a]));
  };
  const total = async (albumId: string): Promise<number> => {
    let count = 0;
    let cursor = '';
    do {
      const r = await o.albumList(albumId, `?pageSize=100${cursor ? `&pageCursor=${encodeURIComponent(cursor)}` : ''}`);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      count += (r.body.contentList as unknown[]).length;
      cursor = String(r.body.nextPageCursor ?? '');
    } while (cursor);
    return count;
  };
  /** Both albums' counts are their listings' totals, and the library is consistent. */
  const countsAre = async (collection: string, collectionCount: number, manual: string, manualCount: number): Promise<void> => {
    assert.equal((await albums(1)).get(collection)?.itemCount, collectionCount);
    assert.equal((await albums(2)).get(manual)?.itemCount, manualCount);
    assert.equal(await total(collection), collectionCount);
    assert.equal(await total(manual), manualCount);
    await assertConsistent(t);
  };
  const names = async (folder: string): Promise<string[]> => {
    const r = await o.list(0, { parentFileId: folder, pageInfo: { pageSize: 100 } });
    return (r.body.files as { fileName: string }[]).map((f) => f.fileName).sort();
  };

  test('recycle, restore, move and delete 60 files of 3 folders held by a collection and a manual album', async () => {
    const folders = [await o.folder('M1'), await o.folder('M2'), await o.folder('M3')];
    const files: string[] = [];
    let bytes = 0;
    for (const [i, folder] of folders.entries()) {
      for (let k = 0; k < 20; k++) {
        const body = photo();
        bytes += body.length;
        files.push(String((await o.upload(`p${i}-${k}.jpg`, body, folder)).body.id));
      }
    }
    const collection = String((await o.createAlbum({ type: 1, albumKind: 1, scopeParentFolderId: 'root', scopeDir: folders.slice(0, 2), scopeKind: '1' })).body.albumId);
    const manual = String((await o.createAlbum({ type: 2, albumKind: 1, name: 'Picks' })).body.albumId);
    const picks = files.filter((_, i) => i % 3 === 0);
    assert.equal((await o.addToAlbum(manual, picks.map((fileId) => ({ fileId, ownerId: u.userId })))).status, 200);
    const usedBefore = await used();
    const expect = (collectionCount: number, manualCount: number) => countsAre(collection, collectionCount, manual, manualCount);
    await expect(40, 20);

    // Half of them into the bin: the albums lose exactly those, the manual album's cover moves on.
    const half = files.filter((_, i) => i % 2 === 0);
    assert.equal((await o.job(2, half, { actionType: 201 })).status, 200);
    await expect(20, 10);
    const bin = await o.list(1, { pageInfo: { pageSize: 100 } });
    assert.equal((bin.body.files as unknown[]).length, 30);

    assert.equal((await o.job(4, half)).status, 200);
    await expect(40, 20);
    assert.deepEqual(await names(folders[0]!), Array.from({ length: 20 }, (_, k) => `p0-${k}.jpg`).sort());

    // All 60 into a new folder outside the collection's scope, then back.
    const elsewhere = await o.folder('Elsewhere');
    assert.equal((await o.job(3, files, {}, { dstFolderId: elsewhere })).status, 200);
    await expect(0, 20);
    assert.equal((await names(elsewhere)).length, 60);
    assert.equal((await o.job(3, files.slice(0, 40).filter((_, i) => i < 20), {}, { dstFolderId: folders[0]! })).status, 200);
    await expect(20, 20);

    // Deleted for good: usage, references and albums by exactly what went.
    assert.equal((await o.job(2, files, { actionType: 202 })).status, 200);
    await expect(0, 0);
    assert.equal((await albums(2)).get(manual)?.coverImg ?? '', '');
    assert.equal(await used(), usedBefore - bytes);
  });

  test('the same job sent 20 times at once: applied once, the rest refused, the counts right', async () => {
    const folder = await o.folder('Twenty');
    const files: string[] = [];
    let bytes = 0;
    for (let i = 0; i < 30; i++) {
      const body = photo();
      bytes += body.length;
      files.push(String((await o.upload(`t${i}.jpg`, body, folder)).body.id));
    }
    const collection = String((await o.createAlbum({ type: 1, albumKind: 1, scopeParentFolderId: 'root', scopeDir: [folder], scopeKind: '1' })).body.albumId);
    const manual = String((await o.createAlbum({ type: 2, albumKind: 1, name: 'Twenty' })).body.albumId);
    assert.equal((await o.addToAlbum(manual, files.slice(0, 20).map((fileId) => ({ fileId, ownerId: u.userId })))).status, 200);
    const usedBefore = await used();
    const expect = (collectionCount: number, manualCount: number) => countsAre(collection, collectionCount, manual, manualCount);
    const twenty = (send: () => Promise<{ status: number }>) => Promise.all(Array.from({ length: 20 }, send));
    const ok = (rs: { status: number }[]) => rs.filter((r) => r.status === 200).length;

    assert.equal(ok(await twenty(() => o.job(2, files, { actionType: 201 }))), 1, 'recycled once; the others find the files in the bin');
    await expect(0, 0);
    assert.equal(ok(await twenty(() => o.job(4, files))), 1, 'restored once');
    await expect(30, 20);
    const elsewhere = await o.folder('Twenty elsewhere');
    const moved = await twenty(() => o.job(3, files, {}, { dstFolderId: elsewhere }));
    assert.ok(moved.every((r) => r.status === 200), 'a move into where the files already are is done');
    await expect(0, 20);
    assert.equal(ok(await twenty(() => o.job(2, files, { actionType: 202 }))), 1, 'deleted once; the others find nothing');
    await expect(0, 0);
    assert.equal(await used(), usedBefore - bytes);
  });

  test('two files of the same bytes deleted in one job release their content twice', async () => {
    const bytes = photo();
    const a = await o.upload('same-a.jpg', bytes);
    const b = await o.upload('same-b.jpg', bytes);
    const sha = String(a.body.sha256);
    assert.equal(await refs(sha), 2);
    const before = await used();
    assert.equal((await o.job(2, [String(a.body.id), String(b.body.id)], { actionType: 202 })).status, 200);
    assert.equal(await refs(sha), 0);
    assert.equal(await used(), before - 2 * bytes.length);
    await assertConsistent(t);
  });

  test('files restored into a folder where their name was taken meanwhile are numbered in the order named', async () => {
    const folder = await o.folder('Names');
    const first = String((await o.upload('a.jpg', photo(), folder)).body.id);
    assert.equal((await o.job(2, [first], { actionType: 201 })).status, 200);
    const second = String((await o.upload('a.jpg', photo(), folder)).body.id);
    assert.equal((await o.job(2, [second], { actionType: 201 })).status, 200);
    const other = String((await o.upload('b.jpg', photo(), folder)).body.id);
    assert.equal((await o.job(2, [other], { actionType: 201 })).status, 200);
    await o.upload('a.jpg', photo(), folder);

    assert.equal((await o.job(4, [second, other, first])).status, 200);
    const detail = async (id: string): Promise<string> => String((await o.call('POST', `${V1}/files/${id}/detail`, { containerId: u.containerId })).body.fileName);
    assert.equal(await detail(second), 'a (1).jpg');
    assert.equal(await detail(first), 'a (2).jpg');
    assert.equal(await detail(other), 'b.jpg');
    assert.deepEqual(await names(folder), ['a (1).jpg', 'a (2).jpg', 'a.jpg', 'b.jpg']);
    await assertConsistent(t);
  });

  test('two files of one name moved into one folder: the job is refused and nothing moves', async () => {
    const [x, y, target] = [await o.folder('X'), await o.folder('Y'), await o.folder('Target')];
    const fromX = String((await o.upload('same.jpg', photo(), x)).body.id);
    const fromY = String((await o.upload('same.jpg', photo(), y)).body.id);
    const free = String((await o.upload('free.jpg', photo(), x)).body.id);
    const r = await o.job(3, [free, fromX, fromY], {}, { dstFolderId: target });
    expectError(r, 400, 13000405);
    assert.deepEqual(await names(target), []);
    assert.deepEqual(await names(x), ['free.jpg', 'same.jpg']);
    assert.deepEqual(await names(y), ['same.jpg']);
    await assertConsistent(t);
  });
});
