import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, expectError, type ApiResult, type TestApp, type TestUser } from './helpers/app.js';
import { photo as distinctPhoto, familyClient, type Family, type FamilyApi } from './helpers/family.js';

const V1 = '/koodrive/ose/v1';
const photo = (n: number): Buffer => distinctPhoto('moves', n);

describe('moves between a personal space and a family space', () => {
  let t: TestApp;
  let owner: TestUser;
  let ann: TestUser;
  let o: FamilyApi;
  let a: FamilyApi;
  let f: Family;
  let trip: string;
  let collection: string;
  let manual: string;

  /** A move job with the family header: from one space's item to a folder of another. */
  const move = (api: FamilyApi, fileId: string, src: string, dst: string, dstFolderId = 'root'): Promise<ApiResult> =>
    api.call(
      'POST',
      `${V1}/jobs`,
      { taskType: 3, taskInfo: { fileInfo: [{ fileId }], srcContainerId: src, dstFolderId }, dstContainerId: dst },
      { 'x-hw-share-folder-id': f.id },
    );
  const total = async (api: FamilyApi, albumId: string): Promise<number> => Number((await api.albumList(albumId)).body.total);

  before(async () => {
    t = await startTestApp({ ALBUMD_QUOTA: '200000' });
    owner = await t.newUser('owner');
    ann = await t.newUser('ann');
    o = familyClient(t, owner);
    a = familyClient(t, ann);
    f = await o.createFamily('Moves');
    await a.join(o, f);
    trip = String((await o.fmkdir(f, 'Trip')).body.id);
    collection = String((await o.sharedAlbum(f, { type: 1, scopeParentFolderId: 'root', scopeDir: [trip], scopeKind: '1,2' })).body.albumId);
    manual = String((await o.sharedAlbum(f, { type: 2, name: 'Best' })).body.albumId);
  });
  after(() => t.close());

  test("a member takes its own photo home: it leaves the family's albums and lands in its personal space", async () => {
    const mine = String((await a.fupload(f, 'mine.jpg', photo(1), trip)).body.id);
    const theirs = String((await o.fupload(f, 'theirs.jpg', photo(2), trip)).body.id);
    await a.addToAlbum(manual, [{ fileId: mine, ownerId: ann.userId }, { fileId: theirs, ownerId: owner.userId }]);
    assert.equal(await total(o, collection), 2);
    assert.equal(await total(o, manual), 2);
    const r = await move(a, mine, f.containerId, ann.containerId);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(await total(o, collection), 1);
    assert.equal(await total(o, manual), 1);
    const listed = await o.listAlbums(`albumKind=2&albumType=1&groupId=${f.groupId}`);
    assert.equal((listed.body.albumList as { itemCount: number }[])[0]!.itemCount, 1);
    const home = (await a.list(0, {})).body.files as { id: string; containers: string[] }[];
    assert.deepEqual(home.find((x) => x.id === mine)?.containers, [ann.containerId]);
    expectError(await o.fdetail(f, mine), 400, 13000309);
    // The owner's file may not leave by a member's hand, nor a folder holding it.
    expectError(await move(a, theirs, f.containerId, ann.containerId), 400, 13000410);
    expectError(await move(a, trip, f.containerId, ann.containerId), 400, 13000410);
    assert.equal(await total(o, collection), 1, 'nothing changed');
    // The family owner may take anyone's file out.
    const annsAgain = String((await a.fupload(f, 'again.jpg', photo(3), trip)).body.id);
    assert.equal((await move(o, annsAgain, f.containerId, owner.containerId)).status, 200);
    assert.equal(await total(o, collection), 1);
  });

  test('a personal folder moved into the family: its photos count in the family album over the target, and no longer in a personal collection over it', async () => {
    const holiday = await a.folder('Holiday');
    await a.upload('h1.jpg', photo(4), holiday);
    const own = await a.createAlbum({ type: 1, albumKind: 1, scopeParentFolderId: 'root', scopeDir: [holiday], scopeKind: 1 });
    const personalAlbum = String(own.body.albumId);
    assert.equal(await total(a, personalAlbum), 1);
    const r = await move(a, holiday, ann.containerId, f.containerId, trip);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    // The folder itself landed in Trip (a folder is not media); its photo is one level further down.
    assert.equal(await total(o, collection), 1);
    assert.equal(await total(a, personalAlbum), 0, 'a scope folder in another space counts no more');
    const listed = await a.listAlbums('albumKind=1&albumType=1');
    assert.equal((listed.body.albumList as { id: string; itemCount: number }[]).find((x) => x.id === personalAlbum)?.itemCount, 0);
    // Uploads into the folder, now the family's, change the family's albums only.
    const famCollection = String((await a.sharedAlbum(f, { type: 1, scopeParentFolderId: trip, scopeDir: [holiday], scopeKind: 1 })).body.albumId);
    assert.equal(await total(a, famCollection), 1);
    await a.fupload(f, 'h2.jpg', photo(5), holiday);
    assert.equal(await total(a, famCollection), 2);
    assert.equal(await total(a, personalAlbum), 0);
    const again = await a.listAlbums('albumKind=1&albumType=1');
    assert.equal((again.body.albumList as { id: string; itemCount: number }[]).find((x) => x.id === personalAlbum)?.itemCount, 0);
  });

  test('a space that is neither the personal one nor the header family is refused; so is a move over the quota', async () => {
    const stranger = await t.newUser('stranger');
    const file = String((await a.upload('x.jpg', photo(6))).body.id);
    expectError(await move(a, file, ann.containerId, stranger.containerId), 400, 13000301);
    expectError(await move(a, file, ann.containerId, owner.containerId), 400, 13000301);
    const big = String((await a.upload('big.bin', Buffer.alloc(150_000, 7))).body.id);
    await o.fupload(f, 'fill.bin', Buffer.alloc(100_000, 8));
    expectError(await move(a, big, ann.containerId, f.containerId), 400, 13000311);
    const home = (await a.list(0, {})).body.files as { id: string }[];
    assert.ok(home.some((x) => x.id === big), 'the file stayed');
  });
});
