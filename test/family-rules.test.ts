import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
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
