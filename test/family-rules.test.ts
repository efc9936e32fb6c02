import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { startTestApp, expectError, type TestApp, type TestUser } from './helpers/app.js';
import { familyClient, type FamilyApi } from './helpers/family.js';

const V1 = '/koodrive/ose/v1';
const DAY = 24 * 3600_000;

describe('family rules: expiry, limits, leaving, listing', () => {
  let t: TestApp;
  let offset = 0;
  const clock = () => Date.now() + offset;
  let owner: TestUser;
  let o: FamilyApi;
  const users: TestUser[] = [];
  const api = (u: TestUser) => familyClient(t, u, clock);

  before(async () => {
    t = await startTestApp({ ALBUMD_MAX_FAMILY_MEMBERS: '3', ALBUMD_QUOTA: '100000' }, { now: clock });
    owner = await t.newUser('owner');
    o = api(owner);
    for (let i = 0; i < 4; i++) users.push(await t.newUser(`u${i}`));
  });
  after(() => t.close());

  test('an invitation expires after 7 days: status 3 for the owner, gone for the invitee, refused when answered', async () => {
    const f = await o.createFamily('Expiring');
    const inv = await o.invite(f.groupId, users[0]!.phone);
    offset = 7 * DAY + 1000;
    // Seven days on, everyone logs in again.
    const fresh = async (u: TestUser) => api({ ...u, accessToken: (await t.domain.auth.issueFor(u.userId)).accessToken });
    try {
      const later = await fresh(owner);
      const invitee = await fresh(users[0]!);
      const list = (await later.inviteList(f.groupId)).body.details as { status: number }[];
      assert.deepEqual(list.map((d) => d.status), [3]);
      assert.equal(((await invitee.waiting()).body.details as unknown[]).length, 0);
      expectError(await invitee.confirm(f.groupId, String(inv.body.inviteId), 1), 400, 13000309);
      // An expired invitation does not block a new one.
      assert.equal((await later.invite(f.groupId, users[0]!.phone)).status, 200);
    } finally {
      offset = 0;
    }
  });

  test('a family is full at maxMember, owner included: invite and join both refuse with 13001102', async () => {
    const f = await o.createFamily('Small');
    assert.equal(((await o.metadata(f.id)).body.sharefolder as { maxMember: number }).maxMember, 3);
    const invites = [];
    for (const u of users.slice(0, 3)) invites.push(String((await o.invite(f.groupId, u.phone)).body.inviteId));
    assert.equal((await api(users[0]!).confirm(f.groupId, invites[0]!, 1)).status, 200);
    assert.equal((await api(users[1]!).confirm(f.groupId, invites[1]!, 1)).status, 200);
    expectError(await api(users[2]!).confirm(f.groupId, invites[2]!, 1), 400, 13001102);
    expectError(await o.invite(f.groupId, users[3]!.phone), 400, 13001102);
    // Already a member wins over full (the catalogue's order).
    expectError(await o.invite(f.groupId, users[0]!.phone), 400, 13001104);
    assert.equal(((await o.metadata(f.id)).body.sharefolder as { memberCount: number }).memberCount, 3);
  });

  test('a member leaves (deleteUserId = itself); its shared albums stay with the family', async () => {
    const f = await o.createFamily('Leaving');
    const u = api(users[3]!);
    await u.join(o, f);
    const album = String((await u.sharedAlbum(f, { type: 2, name: 'Mine' })).body.albumId);
    expectError(await u.removeMember(f.groupId, users[3]!.userId, owner.userId), 400, 13000102);
    assert.equal((await u.removeMember(f.groupId, users[3]!.userId)).status, 200);
    expectError(await u.albumList(album), 400, 13000309);
    const left = await o.listAlbums(`albumKind=2&albumType=2&groupId=${f.groupId}`);
    assert.deepEqual((left.body.albumList as { id: string; ownerId: string }[]).map((a) => a.id), [album]);
    // The owner (not the creator) may still manage it.
    assert.equal((await o.updateAlbum(album, { name: 'Kept' })).status, 200);
    // Re-inviting someone who left works.
    assert.equal((await o.invite(f.groupId, users[3]!.phone)).status, 200);
  });

  test('sharefolder/list: offset and limit page the families, status 1 finds none, bad parameters are refused', async () => {
    const all = (await o.families('offset=0&limit=1000')).body;
    const total = Number(all.total);
    assert.equal(total, (all.folders as unknown[]).length);
    assert.ok(total >= 3);
    const pages = [];
    for (let i = 0; i < total; i++) pages.push(...((await o.families(`offset=${i}&limit=1`)).body.folders as { id: string }[]).map((f) => f.id));
    assert.deepEqual(pages, (all.folders as { id: string }[]).map((f) => f.id));
    assert.equal(((await o.families('offset=0&limit=10&status=1')).body.folders as unknown[]).length, 0);
    expectError(await o.families('limit=10'), 400, 13000102);
    expectError(await o.families('offset=0'), 400, 13000102);
    expectError(await o.families('offset=0&limit=0'), 400, 13000102);
    expectError(await o.families('offset=0&limit=1001'), 400, 13000102);
    expectError(await o.families('offset=-1&limit=10'), 400, 13000102);
    expectError(await o.families('offset=0&limit=10&queryType=3'), 400, 13000102);
    expectError(await o.families(`offset=0&limit=10&keyWord=${'k'.repeat(33)}`), 400, 13000102);
  });

  test('inviteConfirm and deleteMember shapes: bad confirm, missing query fields', async () => {
    const f = (await o.families('offset=0&limit=1')).body.folders as { groupId: string }[];
    const groupId = f[0]!.groupId;
    expectError(await o.call('POST', `${V1}/usergroupsInvite/inviteConfirm/${groupId}`, { inviteId: '1' }), 400, 13000102);
    expectError(await o.call('POST', `${V1}/usergroupsInvite/inviteConfirm/${groupId}`, { inviteId: '1', confirm: 5 }), 400, 13000102);
    expectError(await o.call('POST', `${V1}/usergroupsInvite/deleteMember?groupId=${groupId}&deleteUserId=1`), 400, 13000102);
    expectError(await o.call('POST', `${V1}/usergroupsInvite/invite/${groupId}`), 400, 13000102);
  });

  test('a member uploads in three steps into the family space; rapid upload finds family content only for members', async () => {
    const f = await o.createFamily('Uploads');
    const u = api(users[1]!);
    await u.join(o, f);
    const bytes = Buffer.from('family bytes, three steps');
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const h = { 'x-hw-share-folder-id': f.id };
    const created = await u.call('POST', `${V1}/files/create`, { fileName: 'notes.txt', length: bytes.length, sha256, parentFolder: ['root'], containerId: f.containerId }, h);
    assert.equal(created.status, 200, JSON.stringify(created.body));
    assert.equal(created.body.containerId, f.containerId);
    const part = (created.body.multiParts as { uploadUrl: string }[])[0]!;
    const url = new URL(part.uploadUrl);
    const put = await t.app.inject({ method: 'PUT', url: url.pathname + url.search, payload: bytes, headers: { 'content-type': 'application/octet-stream' } });
    assert.equal(put.statusCode, 200);
    const done = await u.call('POST', `${V1}/files/complete`, { fileId: created.body.fileId, uploadId: created.body.uploadId, containerId: f.containerId }, h);
    assert.equal(done.status, 200, JSON.stringify(done.body));
    assert.equal(done.body.ownerId, users[1]!.userId);
    assert.deepEqual(done.body.containers, [f.containerId]);
    // The owner may copy that content by its hash (it can read the family); an outsider may not.
    const rapid = await o.call('POST', `${V1}/files/create`, { fileName: 'copy.txt', length: bytes.length, sha256, parentFolder: ['root'], containerId: owner.containerId });
    assert.equal(rapid.body.rapidUpload, true);
    const outsider = api(users[2]!);
    const none = await outsider.call('POST', `${V1}/files/create`, { fileName: 'copy.txt', length: bytes.length, sha256, parentFolder: ['root'], containerId: users[2]!.containerId });
    assert.equal(none.body.rapidUpload, false);
  });

  test("deleting a family checks the owner's quota first and then changes nothing", async () => {
    const f = await o.createFamily('Heavy');
    const up = await o.fupload(f, 'big.bin', Buffer.alloc(60_000, 1));
    assert.equal(up.status, 200);
    assert.equal((await o.upload('mine.bin', Buffer.alloc(50_000, 2))).status, 200);
    expectError(await o.deleteFamily(f.id), 400, 13000311);
    assert.equal((await o.metadata(f.id)).status, 200);
    assert.equal((await o.fdetail(f, String(up.body.id))).status, 200);
  });
});
