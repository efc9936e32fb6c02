import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, authHeaders, type TestApp } from './helpers/app.js';
import { formatXDate, hashToken } from '../src/domain/auth/credentials.js';

const V1 = '/koodrive/ose/v1';
const LIST = `${V1}/album/list?albumKind=1&albumType=2`;

describe('login, refresh, logout', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t.close());

  const post = (url: string, payload: unknown, headers: Record<string, string> = {}) =>
    t.app.inject({ method: 'POST', url, payload: payload as object, headers: { 'x-hw-agentName': 'standard', ...headers } });
  const listWith = (accessToken: string, userId: string) =>
    t.app.inject({ method: 'GET', url: LIST, headers: { authorization: `Bearer+${accessToken}`, 'x-user-id': userId, 'x-date': formatXDate(Date.now()) } });

  test('login with a normalised phone number returns the documented data', async () => {
    const u = await t.newUser();
    const plus = `+${u.phone.slice(2)}`;
    for (const account of [u.phone, plus]) {
      const res = await post(`${V1}/auth/login`, { account, authType: '1', password: 'correct horse battery' });
      assert.equal(res.statusCode, 200, res.body);
      const body = res.json();
      assert.equal(body.code, 0);
      assert.equal(body.data.userInfo.userId, u.userId);
      assert.equal(body.data.userInfo.phone, u.phone);
      const s = body.data.sessionInfo;
      assert.match(s.accessToken, /^AT [0-9a-f]{64}$/);
      assert.equal(s.expiresIn, 1800);
      assert.match(s.issuedAt, /^\d{13}$/);
      assert.match(s.refreshToken, /^[0-9a-f]{64}$/);
      assert.equal((await listWith(s.accessToken, u.userId)).statusCode, 200);
    }
    const numeric = await post(`${V1}/auth/login`, { account: u.phone, authType: 1, password: 'correct horse battery' });
    assert.equal(numeric.statusCode, 200, 'authType as a JSON number');
  });

  test('a wrong password and an unknown account get the same answer', async () => {
    const u = await t.newUser();
    const wrong = await post(`${V1}/auth/login`, { account: u.phone, authType: '1', password: 'nope' });
    const unknown = await post(`${V1}/auth/login`, { account: '00999999999', authType: '1', password: 'nope' });
    const garbage = await post(`${V1}/auth/login`, { account: 'not a phone', authType: '1', password: 'nope' });
    for (const res of [wrong, unknown, garbage]) {
      assert.equal(res.statusCode, 401);
      assert.deepEqual(res.json(), { code: 13001001, msg: 'Authentication failed.' });
    }
  });

  test('verification-code login is not offered', async () => {
    const res = await post(`${V1}/auth/login`, { account: '0086138', authType: '2' });
    assert.equal(res.statusCode, 400);
    assert.equal(res.json().code, 13000102);
    const bad = await post(`${V1}/auth/login`, { account: '0086138', authType: '7' });
    assert.equal(bad.json().code, 13000102);
  });

  test('refresh rotates the pair; a reused refresh token revokes the whole login', async () => {
    const u = await t.newUser();
    const first = await post(`${V1}/auth/refreshToken`, { refreshToken: u.refreshToken });
    assert.equal(first.statusCode, 200, first.body);
    const s1 = first.json().data;
    assert.deepEqual(s1.sessionInfo, { accessToken: s1.accessToken, expiresIn: 1800, issuedAt: s1.issuedAt, refreshToken: s1.refreshToken });
    assert.notEqual(s1.accessToken, u.accessToken);
    assert.equal((await listWith(u.accessToken, u.userId)).json().code, 13001001, 'the old access token is revoked');
    assert.equal((await listWith(s1.accessToken, u.userId)).statusCode, 200);

    const reuse = await post(`${V1}/auth/refreshToken`, { refreshToken: u.refreshToken });
    assert.equal(reuse.statusCode, 401);
    assert.equal(reuse.json().code, 13001001);
    assert.equal((await listWith(s1.accessToken, u.userId)).json().code, 13001001, 'theft signal revokes the new pair too');
    const again = await post(`${V1}/auth/refreshToken`, { refreshToken: s1.refreshToken });
    assert.equal(again.json().code, 13001001);
  });

  test('refresh with an unknown or malformed token → 13001001; missing → 13000102', async () => {
    for (const refreshToken of ['ab'.repeat(32), 'x', `AT ${'cd'.repeat(32)}`]) {
      const res = await post(`${V1}/auth/refreshToken`, { refreshToken });
      assert.equal(res.json().code, 13001001);
    }
    const missing = await post(`${V1}/auth/refreshToken`, {});
    assert.equal(missing.json().code, 13000102);
  });

  test('logout revokes the given pair; only the caller itself', async () => {
    const u = await t.newUser();
    const v = await t.newUser();
    const login = await post(`${V1}/auth/login`, { account: u.phone, authType: '1', password: 'correct horse battery' });
    const second = login.json().data.sessionInfo;
    const notMine = await post(`${V1}/auth/logout`, { userId: v.userId, accessToken: u.accessToken }, authHeaders(u));
    assert.equal(notMine.json().code, 13000102);
    const foreign = await post(`${V1}/auth/logout`, { userId: u.userId, accessToken: v.accessToken }, authHeaders(u));
    assert.equal(foreign.json().code, 13000309);
    assert.equal((await listWith(v.accessToken, v.userId)).statusCode, 200, "another user's token stays valid");
    const out = await post(`${V1}/auth/logout`, { userId: u.userId, accessToken: u.accessToken }, authHeaders(u));
    assert.equal(out.statusCode, 200, out.body);
    assert.equal((await listWith(u.accessToken, u.userId)).json().code, 13001001);
    const refresh = await post(`${V1}/auth/refreshToken`, { refreshToken: u.refreshToken });
    assert.equal(refresh.json().code, 13001001, 'the pair of the revoked token is revoked');
    assert.equal((await listWith(second.accessToken, u.userId)).statusCode, 200, 'other logins stay');
  });

  test('logout needs the headers', async () => {
    const res = await post(`${V1}/auth/logout`, { userId: '1', accessToken: 'x' });
    assert.equal(res.json().code, 13001001);
  });
});

test('tokens expired a day ago are forgotten by the hourly clean-up; live ones stay', async () => {
  let clock = Date.now();
  const t = await startTestApp({}, { now: () => clock });
  try {
    const old = await t.newUser();
    clock += 31 * 24 * 3600_000 + 25 * 3600_000;
    const fresh = await t.newUser();
    await t.domain.auth.forgetExpired();
    const listed = async (accessToken: string, userId: string) =>
      (await t.app.inject({ method: 'GET', url: LIST, headers: { authorization: `Bearer+${accessToken}`, 'x-user-id': userId, 'x-date': formatXDate(clock) } })).statusCode;
    assert.equal(await listed(fresh.accessToken, fresh.userId), 200);
    assert.equal(await listed(old.accessToken, old.userId), 401);
    assert.equal(await t.store.read.tokens.findByHash(hashToken(old.refreshToken)), undefined, 'the old refresh token is gone');
    assert.notEqual(await t.store.read.tokens.findByHash(hashToken(fresh.refreshToken)), undefined);
  } finally {
    await t.close();
  }
});
