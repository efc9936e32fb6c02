import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, expectError, type TestApp, type TestUser } from './helpers/app.js';
import { photo as distinctPhoto, familyClient, type Family, type FamilyApi } from './helpers/family.js';

const V1 = '/koodrive/ose/v1';

const photo = (n: number): Buffer => distinctPhoto('albumd', n);

describe('the life of a family, end to end over HTTP', () => {
  let t: TestApp;
  let owner: TestUser;
  let ann: TestUser;
  let o: FamilyApi;
  let a: FamilyApi;
  let f: Family;
  const laterPhone = `0027821${String(process.pid % 1000).padStart(3, '0')}4567`;

  before(async () => {
    t = await startTestApp();
    owner = await t.newUser('Owner');
    ann = await t.newUser('Ann');
    o = familyClient(t, owner);
    a = familyClient(t, ann);
  });
  after(() => t.close());

  test('create: the public answer shape, and the family in metadata and list', async () => {
    const r = await o.call('POST', `${V1}/sharefolder/create`, { shareType: 0, containerId: owner.containerId, name: 'Holidays' });
    assert.equal(r.status, 200);
    assert.equal(r.body.code, 0);
    const data = r.body.data as Record<string, unknown>;
    assert.equal(typeof r.body.id, 'string');
    assert.equal(data.id, r.body.id);
    assert.equal(data.creator, owner.userId);
    assert.match(String(data.groupId), /^\d{19}$/);
    assert.match(String(data.shareFolderId), /^F[A-Za-z0-9_-]{32}$/);
    assert.match(String(data.createTime), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.equal(typeof data.tenantId, 'string');
    const meta = await o.metadata(String(r.body.id));
    const sf = meta.body.sharefolder as Record<string, unknown>;
    assert.equal(sf.id, r.body.id);
    assert.equal(sf.groupId, data.groupId);
    assert.equal(sf.shareFolderFileId, data.shareFolderId);
    assert.equal(sf.ownerId, owner.userId);
    assert.equal(sf.name, 'Holidays');
    assert.equal(sf.status, 0);
    assert.equal(sf.maxMember, 10);
    assert.match(String(sf.containerId), /^IAA[A-Za-z0-9_-]{34}$/);
    assert.notEqual(sf.containerId, owner.containerId);
    f = { id: String(sf.id), groupId: String(sf.groupId), containerId: String(sf.containerId), rootFolderId: String(sf.shareFolderFileId) };
    const list = await o.families();
    assert.deepEqual((list.body.folders as { id: string }[]).map((x) => x.id), [f.id]);
  });

  test('create refuses a foreign space, a bad type and bad names, and changes nothing', async () => {
    expectError(await o.call('POST', `${V1}/sharefolder/create`, { shareType: 0, containerId: ann.containerId, name: 'X' }), 400, 13000301);
    expectError(await o.call('POST', `${V1}/sharefolder/create`, { shareType: 1, containerId: owner.containerId, name: 'X' }), 400, 13000102);
    for (const name of ['', 'a'.repeat(32), 'a/b', 'a*b', '..', 'tab\there', 'fun 😀']) {
      expectError(await o.call('POST', `${V1}/sharefolder/create`, { shareType: 0, containerId: owner.containerId, name }), 400, 13000102);
    }
    assert.equal((await o.families()).body.total, 1);
  });

  test('invitations: anyone may be invited, registered or not, with the same answer; duplicates refused', async () => {
    const toAnn = await o.invite(f.groupId, ann.phone);
    const toLater = await o.invite(f.groupId, laterPhone);
    assert.equal(toAnn.status, 200);
    assert.equal(toLater.status, 200);
    assert.deepEqual(Object.keys(toAnn.body).sort(), Object.keys(toLater.body).sort());
    assert.match(String(toAnn.body.inviteId), /^\d{19}$/);
    expectError(await o.invite(f.groupId, ann.phone), 400, 13001104);
    expectError(await o.invite(f.groupId, `+${ann.phone.slice(2)}`), 400, 13001104);
    expectError(await o.invite(f.groupId, owner.phone), 400, 13001104);
    expectError(await o.invite(f.groupId, 'not-a-number'), 400, 13000102);
    expectError(await a.invite(f.groupId, '0027821000001'), 400, 13000309);
    const list = await o.inviteList(f.groupId);
    const details = list.body.details as Record<string, unknown>[];
    assert.equal(details.length, 2);
    for (const d of details) {
      assert.equal(d.status, 0);
      assert.match(String(d.mobile), /^\d{7}\*{4}\d{3}$/);
      assert.equal(Date.parse(String(d.expireTime)) - Date.parse(String(d.createTime)), 7 * 24 * 3600_000);
    }
    expectError(await a.inviteList(f.groupId), 400, 13000309);
  });

  test('the invited user sees its invitation and nothing of the family yet', async () => {
    const w = await a.waiting();
    const details = w.body.details as Record<string, unknown>[];
    assert.equal(details.length, 1);
    assert.equal(details[0]!.groupId, f.groupId);
    assert.equal(details[0]!.shareFolderId, f.id);
    assert.equal(details[0]!.name, 'Holidays');
    assert.equal(details[0]!.inviterPhone, `${owner.phone.slice(0, 7)}****${owner.phone.slice(-3)}`);
    expectError(await a.metadata(f.id), 400, 13000309);
    expectError(await a.flist(f), 400, 13000309);
    assert.equal((await a.families()).body.total, 0);
  });

  test('a number that registers later finds its invitation, and declines it', async () => {
    const created = await t.domain.users.create({ phone: laterPhone, password: 'correct horse battery' });
    const later = familyClient(t, { userId: created.userId, containerId: created.containerId, accessToken: created.session.accessToken, refreshToken: created.session.refreshToken, phone: laterPhone });
    const w = (await later.waiting()).body.details as { inviteId: string }[];
    assert.equal(w.length, 1);
    expectError(await later.confirm(f.groupId, w[0]!.inviteId, 2), 400, 13000102);
    expectError(await a.confirm(f.groupId, w[0]!.inviteId, 1), 400, 13000309);
    assert.equal((await later.confirm(f.groupId, w[0]!.inviteId, 0)).status, 200);
    expectError(await later.confirm(f.groupId, w[0]!.inviteId, 1), 400, 13000309);
    assert.equal(((await later.waiting()).body.details as unknown[]).length, 0);
    const statuses = ((await o.inviteList(f.groupId)).body.details as { status: number }[]).map((d) => d.status).sort();
    assert.deepEqual(statuses, [0, 2]);
  });

  test('Ann joins; lists by query type', async () => {
    const w = (await a.waiting()).body.details as { inviteId: string }[];
    expectError(await a.confirm('1234567890123456789', w[0]!.inviteId, 1), 400, 13000309);
    assert.equal((await a.confirm(f.groupId, w[0]!.inviteId, 1)).status, 200);
    expectError(await a.confirm(f.groupId, w[0]!.inviteId, 1), 400, 13000309);
    assert.equal((await a.families('offset=0&limit=10&queryType=2')).body.total, 1);
    assert.equal((await a.families('offset=0&limit=10&queryType=1')).body.total, 0);
    assert.equal((await o.families('offset=0&limit=10&queryType=1')).body.total, 1);
    assert.equal((await o.families('offset=0&limit=10&queryType=2')).body.total, 0);
    assert.equal((await a.families('offset=0&limit=10&keyWord=holi')).body.total, 1);
    assert.equal((await a.families('offset=0&limit=10&keyWord=xyz')).body.total, 0);
    assert.equal(((await a.metadata(f.id)).body.sharefolder as { memberCount: number }).memberCount, 2);
    expectError(await o.invite(f.groupId, ann.phone), 400, 13001104);
  });

  let trip: string;
  let ownerPhoto: string;
  let annPhoto: string;
  let collection: string;
  let manual: string;

  test('shared albums: a member upload into a scope folder shows in the collection album at once', async () => {
    trip = String((await o.fmkdir(f, 'Trip')).body.id);
    ownerPhoto = String((await o.fupload(f, 'beach.jpg', photo(1), trip)).body.id);
    const c = await o.sharedAlbum(f, { type: 1, scopeParentFolderId: 'root', scopeDir: [trip], scopeKind: '1,2', containerId: f.containerId });
    assert.equal(c.status, 200, JSON.stringify(c.body));
    collection = String(c.body.albumId);
    const m = await a.sharedAlbum(f, { type: 2, name: 'Best of' });
    assert.equal(m.status, 200);
    manual = String(m.body.albumId);
    assert.equal((await a.albumList(collection)).body.total, 1);
    const up = await a.fupload(f, 'sunset.jpg', photo(2), trip);
    assert.equal(up.status, 200);
    annPhoto = String(up.body.id);
    assert.equal(up.body.ownerId, ann.userId);
    const page = await o.albumList(collection);
    assert.equal(page.body.total, 2);
    assert.deepEqual(new Set((page.body.contentList as { id: string }[]).map((x) => x.id)), new Set([ownerPhoto, annPhoto]));
    const listed = await a.listAlbums('albumKind=2&albumType=1');
    assert.deepEqual((listed.body.albumList as { id: string }[]).map((x) => x.id), [collection]);
    assert.equal((listed.body.albumList as { itemCount: number }[])[0]!.itemCount, 2);
  });

  test('shared manual album: members add family files; personal files and forged owners are refused', async () => {
    const mine = String((await a.upload('private.jpg', photo(3))).body.id);
    const bad = await a.addToAlbum(manual, [{ fileId: mine, ownerId: ann.userId }]);
    expectError(bad, 400, 13000309);
    expectError(await a.addToAlbum(manual, [{ fileId: ownerPhoto, ownerId: ann.userId }]), 400, 13000309);
    assert.equal((await a.addToAlbum(manual, [{ fileId: ownerPhoto, ownerId: owner.userId }, { fileId: annPhoto, ownerId: ann.userId }])).status, 200);
    const page = await o.albumList(manual);
    assert.equal(page.body.total, 2);
  });

  test("member rights: Ann may not rename, move or recycle the owner's file, nor delete for good or empty the bin", async () => {
    expectError(await a.fjob(f, 2, [ownerPhoto]), 400, 13000410);
    expectError(await a.frename(f, ownerPhoto, 'mine.jpg'), 400, 13000410);
    expectError(await a.fjob(f, 3, [ownerPhoto], {}), 400, 13000102);
    const moved = await a.call(
      'POST',
      `${V1}/jobs`,
      { taskType: 3, taskInfo: { fileInfo: [{ fileId: ownerPhoto }], srcContainerId: f.containerId, dstFolderId: 'root' }, dstContainerId: f.containerId },
      { 'x-hw-share-folder-id': f.id },
    );
    expectError(moved, 400, 13000410);
    expectError(await a.fjob(f, 2, [annPhoto], { actionType: 202 }), 400, 13000410);
    expectError(await a.fjob(f, 7, []), 400, 13000410);
    assert.equal((await o.albumList(collection)).body.total, 2, 'nothing changed');
    // Its own file: recycled into the family recycle bin, and back.
    assert.equal((await a.fjob(f, 2, [annPhoto])).status, 200);
    assert.equal((await o.albumList(collection)).body.total, 1);
    const bin = await o.flist(f, {}, 1);
    assert.deepEqual((bin.body.files as { id: string }[]).map((x) => x.id), [annPhoto]);
    assert.equal((await a.fjob(f, 4, [annPhoto])).status, 200);
    assert.equal((await o.albumList(collection)).body.total, 2);
    assert.equal((await a.frename(f, annPhoto, 'sunset 2.jpg')).status, 200);
    // The owner may act on everything.
    assert.equal((await o.frename(f, annPhoto, 'sunset.jpg')).status, 200);
  });

  test('only the creator or the family owner manages a shared album', async () => {
    const own = await a.sharedAlbum(f, { type: 2, name: 'Ann only' });
    expectError(await a.updateAlbum(collection, { name: 'Mine now' }), 400, 13000410);
    expectError(await a.deleteAlbum(collection), 400, 13000410);
    assert.equal((await o.updateAlbum(String(own.body.albumId), { name: 'Renamed by owner' })).status, 200);
    assert.equal((await a.updateAlbum(String(own.body.albumId), { name: 'Back' })).status, 200);
  });

  test('a removed member loses albums, files and signed links at once; its uploads stay', async () => {
    const links = await a.fdownload(f, [ownerPhoto]);
    const url = new URL(String((links.body.downloads as { url: string }[])[0]!.url));
    const thumb = new URL(String(((await a.albumList(collection)).body.contentList as { thumbnailUrl: string }[])[0]!.thumbnailUrl));
    assert.equal((await t.app.inject({ method: 'GET', url: url.pathname + url.search })).statusCode, 200);
    expectError(await a.removeMember(f.groupId, ann.userId, owner.userId), 400, 13000102);
    expectError(await a.removeMember(f.groupId, owner.userId), 400, 13000410);
    expectError(await o.removeMember(f.groupId, owner.userId), 400, 13000410);
    expectError(await o.removeMember(f.groupId, '1234567890123456789'), 400, 13000309);
    assert.equal((await o.removeMember(f.groupId, ann.userId)).status, 200);
    for (const link of [url, thumb]) {
      const res = await t.app.inject({ method: 'GET', url: link.pathname + link.search });
      assert.equal(res.statusCode, 400);
      assert.equal(res.json().code, 13000309, 'the link now answers as for a file that does not exist');
    }
    expectError(await a.albumList(collection), 400, 13000309);
    expectError(await a.fdetail(f, ownerPhoto), 400, 13000309);
    expectError(await a.fupload(f, 'late.jpg', photo(9), trip), 400, 13000309);
    expectError(await a.metadata(f.id), 400, 13000309);
    assert.equal((await a.listAlbums('albumKind=2&albumType=1')).body.total, 0);
    assert.equal((await a.families()).body.total, 0);
    // Ann's upload and Ann's album stay with the family.
    assert.equal((await o.fdetail(f, annPhoto)).body.ownerId, ann.userId);
    assert.equal((await o.listAlbums('albumKind=2&albumType=2')).body.total, 2);
  });

  test("deleting the family deletes its albums and moves its whole tree, intact, into the owner's personal space", async () => {
    expectError(await a.deleteFamily(f.id), 400, 13000309);
    expectError(await o.renameFamily(f.id, 'bad/name'), 400, 13000102);
    assert.equal((await o.renameFamily(f.id, 'Summer')).status, 200);
    assert.equal(((await o.metadata(f.id)).body.sharefolder as { name: string }).name, 'Summer');
    await o.mkdir('Summer');
    assert.equal((await o.deleteFamily(f.id)).status, 200);
    expectError(await o.metadata(f.id), 400, 13000309);
    expectError(await o.albumList(collection), 400, 13000309);
    assert.equal((await o.listAlbums('albumKind=2&albumType=1')).body.total, 0);
    const root = (await o.list(0, { parentFileId: 'root' })).body.files as { id: string; fileName: string }[];
    const moved = root.find((x) => x.id === f.rootFolderId);
    assert.ok(moved, 'the family root is now a folder of the personal root');
    assert.equal(moved.fileName, 'Summer (1)');
    const inTrip = (await o.list(0, { parentFileId: trip })).body.files as { id: string; ownerId: string; containers: string[] }[];
    assert.deepEqual(new Set(inTrip.map((x) => x.id)), new Set([ownerPhoto, annPhoto]));
    for (const file of inTrip) assert.deepEqual(file.containers, [owner.containerId]);
    const dl = await o.call('POST', `${V1}/files/download`, { containerId: owner.containerId, fileIds: [annPhoto] });
    const u = new URL(String((dl.body.downloads as { url: string }[])[0]!.url));
    const bytes = await t.app.inject({ method: 'GET', url: u.pathname + u.search });
    assert.equal(bytes.statusCode, 200);
    assert.deepEqual(bytes.rawPayload, photo(2));
    assert.equal((await o.families()).body.total, 0);
  });
});
