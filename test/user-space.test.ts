import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { client, expectError, startTestApp, type Api, type TestApp, type TestUser } from './helpers/app.js';

/** decisions.md §9a: a client finds its own user and personal space after a login. */

const V1 = '/koodrive/ose/v1';

describe('user and space information', () => {
  let t: TestApp;
  let u: TestUser;
  let other: TestUser;
  let api: Api;

  before(async () => {
    t = await startTestApp({ ALBUMD_QUOTA: String(2 * 1024 ** 3) });
    u = await t.newUser('Ann');
    other = await t.newUser('Bob');
    api = client(t, u);
  });
  after(() => t.close());

  test('user/info answers about the caller, by user ID, by phone or with neither', async () => {
    const expected = { userId: u.userId, firstname: 'Ann', surname: '', phone: u.phone, email: '' };
    for (const query of ['', `?userId=${u.userId}`, `?phone=${u.phone}`, `?phone=%2B${u.phone.slice(2)}`, `?userId=${u.userId}&phone=${other.phone}`]) {
      const r = await api.call('GET', `${V1}/user/info${query}`);
      assert.equal(r.status, 200, `${query}: ${JSON.stringify(r.body)}`);
      assert.deepEqual(r.body.data, expected);
      assert.equal(r.body.code, 0);
    }
    expectError(await api.call('GET', `${V1}/user/info?userId=${other.userId}`), 400, 13000309);
    expectError(await api.call('GET', `${V1}/user/info?phone=${other.phone}`), 400, 13000309);
    expectError(await api.call('GET', `${V1}/user/info?userId=1234567890123456789`), 400, 13000309);
    expectError(await api.call('GET', `${V1}/user/info?phone=12ab`), 400, 13000102);
    const anonymous = await t.app.inject({ method: 'GET', url: `${V1}/user/info` });
    assert.equal(anonymous.statusCode, 401);
    assert.equal(anonymous.json().code, 13001001);
  });

  test("space/{ownerId} is the caller's personal space; its rootFileId is the folder behind root", async () => {
    const bytes = Buffer.alloc(3000, 7);
    const up = await api.upload('a.bin', bytes);
    const r = await api.call('GET', `${V1}/space/${u.userId}?type=1`);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const data = r.body.data as Record<string, unknown>;
    assert.equal(data.type, 1);
    assert.equal(data.status, 0);
    assert.equal(data.ownerId, u.userId);
    assert.equal(data.containerId, u.containerId);
    assert.equal(data.capacity, 2 * 1024 ** 3);
    assert.equal(data.spaceUsed, bytes.length);
    assert.match(String(data.createTime), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    const byId = (await api.list(0, { parentFileId: data.rootFileId })).body.files as { id: string }[];
    assert.deepEqual(byId.map((f) => f.id), [up.body.id]);
    assert.equal((await api.call('GET', `${V1}/space/${u.userId}?type=1&containerId=${u.containerId}`)).status, 200);

    expectError(await api.call('GET', `${V1}/space/${other.userId}?type=1`), 400, 13000309);
    expectError(await api.call('GET', `${V1}/space/${u.userId}?type=1&containerId=${other.containerId}`), 400, 13000301);
    expectError(await api.call('GET', `${V1}/space/${u.userId}?type=2`), 400, 13000102);
    expectError(await api.call('GET', `${V1}/space/${u.userId}`), 400, 13000102);
  });

  test('space/usage/overview in KB, the quota in GB; unlimited is -1', async () => {
    const r = await api.call('GET', `${V1}/space/usage/overview`);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const used = Number((await t.store.read.containers.findById(u.containerId))!.used_bytes);
    assert.deepEqual(r.body.data, { totalAllocation: 2 * 1024 ** 2, totalCapacity: 2 * 1024 ** 2, totalUsed: Math.ceil(used / 1024), quota: '2' });
    t.config.drive.quotaBytes = 0;
    try {
      const unlimited = await api.call('GET', `${V1}/space/usage/overview`);
      assert.deepEqual(unlimited.body.data, { totalAllocation: -1, totalCapacity: -1, totalUsed: Math.ceil(used / 1024), quota: '-1' });
      const space = await api.call('GET', `${V1}/space/${u.userId}?type=1`);
      assert.equal((space.body.data as { capacity: number }).capacity, -1);
    } finally {
      t.config.drive.quotaBytes = 2 * 1024 ** 3;
    }
  });
});
