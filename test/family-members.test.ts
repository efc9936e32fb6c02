import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, expectError, type TestApp } from './helpers/app.js';
import { familyClient } from './helpers/family.js';

/** `memberList/{groupId}`: albumd's member list (KooDrive has none), for the family's members only. */
describe('a family member list', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(async () => {
    await t?.close();
  });

  const memberList = (c: ReturnType<typeof familyClient>, groupId: string) => c.call('GET', `/koodrive/ose/v1/usergroupsInvite/memberList/${groupId}`);

  test('owner first, then members as they joined; numbers masked; every member may read it, nobody else', async () => {
    const [ann, bob, cy, eve] = await Promise.all([t.newUser('Ann'), t.newUser('Bob'), t.newUser('Cy'), t.newUser('Eve')]);
    const owner = familyClient(t, ann!);
    const b = familyClient(t, bob!);
    const c = familyClient(t, cy!);
    const outsider = familyClient(t, eve!);
    const family = await owner.createFamily('Home');
    await c.join(owner, family);
    await b.join(owner, family);
    // Invited but not yet joined: not a member.
    await owner.invite(family.groupId, eve!.phone);

    for (const who of [owner, b, c]) {
      const r = await memberList(who, family.groupId);
      assert.equal(r.status, 200);
      const members = r.body.members as { userId: string; name: string; phone: string; role: string; joinTime: string }[];
      assert.deepEqual(
        members.map((m) => [m.userId, m.name, m.role]),
        [
          [ann!.userId, 'Ann', 'owner'],
          [cy!.userId, 'Cy', 'member'],
          [bob!.userId, 'Bob', 'member'],
        ],
      );
      for (const m of members) {
        assert.match(m.phone, /\*{4}/);
        assert.ok(!members.some((x) => x.phone.includes(ann!.phone.slice(-7))), 'no full number');
        assert.ok(Number.isFinite(Date.parse(m.joinTime)));
      }
    }
    expectError(await memberList(outsider, family.groupId), 400, 13000309);
    expectError(await memberList(outsider, '1234567890123456789'), 400, 13000309);

    // A member who leaves is no longer listed, and no longer may read the list.
    assert.equal((await b.removeMember(family.groupId, bob!.userId, bob!.userId)).status, 200);
    const after = await memberList(owner, family.groupId);
    assert.deepEqual(
      (after.body.members as { userId: string }[]).map((m) => m.userId),
      [ann!.userId, cy!.userId],
    );
    expectError(await memberList(b, family.groupId), 400, 13000309);

    // Someone made without a name is named by their number: the others see it masked.
    const nameless = await t.newUser();
    await familyClient(t, nameless).join(owner, family);
    const listed = (await memberList(c, family.groupId)).body.members as { userId: string; name: string }[];
    const shown = listed.find((m) => m.userId === nameless.userId)!;
    assert.match(shown.name, /\*{4}/);
    assert.ok(!shown.name.includes(nameless.phone.slice(-8, -4)), shown.name);

    // A short number (6 to 10 digits are valid), and a name that is the number typed another way.
    for (const [phone, name] of [['12345678', undefined], ['8613812345678', '+86 138 1234 5678']] as const) {
      const made = await t.domain.users.create({ phone, password: 'correct horse battery', name });
      const short = familyClient(t, { userId: made.userId, containerId: made.containerId, accessToken: made.session.accessToken, refreshToken: made.session.refreshToken, phone });
      await short.join(owner, family);
      const seen = ((await memberList(c, family.groupId)).body.members as { userId: string; name: string; phone: string }[]).find((m) => m.userId === made.userId)!;
      for (const text of [seen.name, seen.phone]) {
        assert.match(text, /\*{4}/, JSON.stringify(seen));
        assert.ok(!text.replace(/\D/g, '').includes('345'), JSON.stringify(seen));
      }
      await owner.removeMember(family.groupId, made.userId);
    }
  });
});
