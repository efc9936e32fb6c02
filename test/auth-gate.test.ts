import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, authHeaders, type TestApp, type TestUser } from './helpers/app.js';
import { formatXDate } from '../src/domain/auth/credentials.js';

const LIST = '/koodrive/ose/v1/album/list?albumKind=1&albumType=2';

describe('auth gate', () => {
  let clock = Date.now();
  let t: TestApp;
  let u: TestUser;
  let other: TestUser;
  let hex: string;
  before(async () => {
    t = await startTestApp({}, { now: () => clock });
    u = await t.newUser();
    other = await t.newUser();
    hex = u.accessToken.slice(3);
  });
  after(() => t.close());

  const get = (headers: Record<string, string | undefined>) =>
    t.app.inject({ method: 'GET', url: LIST, headers: Object.fromEntries(Object.entries(headers).filter(([, v]) => v !== undefined)) as Record<string, string> });
  const base = () => ({ 'x-user-id': u.userId, 'x-date': formatXDate(clock) });

  for (const form of ['Bearer %', 'Bearer+%', 'AT %', 'AT+%', 'Bearer+AT %', 'Bearer AT %', 'AT+AT %', 'bearer %']) {
    test(`Authorization "${form}" is accepted`, async () => {
      const res = await get({ ...base(), authorization: form.replace('%', hex) });
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.json().code, 0);
    });
  }

  const badForms: [string, (h: string) => string | undefined][] = [
    ['missing', () => undefined],
    ['empty', () => ''],
    ['another scheme', (h) => `Basic ${h}`],
    ['uppercase hex', (h) => `Bearer ${h.toUpperCase()}`],
    ['63 characters', (h) => `Bearer ${h.slice(1)}`],
    ['65 characters', (h) => `Bearer ${h}0`],
    ['two spaces', (h) => `Bearer  ${h}`],
    ['no separator', (h) => `Bearer${h}`],
    ['unknown token', () => `Bearer ${'ab'.repeat(32)}`],
  ];
  for (const [name, value] of badForms) {
    test(`Authorization ${name} → 401 13001001`, async () => {
      const res = await get({ ...base(), authorization: value(hex) });
      assert.equal(res.statusCode, 401);
      assert.deepEqual(Object.keys(res.json()).sort(), ['code', 'msg']);
      assert.equal(res.json().code, 13001001);
    });
  }

  test('a refresh token is not an access token', async () => {
    const res = await get({ ...base(), authorization: `Bearer ${u.refreshToken}` });
    assert.equal(res.json().code, 13001001);
  });

  test('X-User-Id missing or not the token user → 401 13001002', async () => {
    for (const id of [undefined, other.userId, '', `${u.userId}0`]) {
      const res = await get({ authorization: `Bearer+${u.accessToken}`, 'x-date': formatXDate(clock), 'x-user-id': id });
      assert.equal(res.statusCode, 401);
      assert.equal(res.json().code, 13001002, `x-user-id ${id}`);
    }
  });

  test('a bad token is reported before a bad X-User-Id and X-Date', async () => {
    const res = await get({ authorization: 'Bearer nope', 'x-user-id': 'x', 'x-date': 'y' });
    assert.equal(res.json().code, 13001001);
    const res2 = await get({ authorization: `Bearer+${u.accessToken}`, 'x-user-id': 'x', 'x-date': 'y' });
    assert.equal(res2.json().code, 13001002);
  });

  const dateCases: [string, () => string | undefined, number][] = [
    ['missing', () => undefined, 13001003],
    ['ISO with dashes', () => new Date(clock).toISOString(), 13001003],
    ['without Z', () => formatXDate(clock).slice(0, -1), 13001003],
    ['month 13', () => '20251303T070140Z', 13001003],
    ['30 February', () => '20240230T070140Z', 13001003],
    ['hour 24', () => '20251103T240000Z', 13001003],
    ['16 minutes old', () => formatXDate(clock - 16 * 60_000), 13001003],
    ['14 minutes old', () => formatXDate(clock - 14 * 60_000), 0],
    ['29 s ahead (tolerance 30 s)', () => formatXDate(clock + 29_000), 0],
    ['31 s ahead', () => formatXDate(clock + 31_000 + 1000), 13001003],
    ['a day ahead', () => formatXDate(clock + 86_400_000), 13001003],
  ];
  for (const [name, value, code] of dateCases) {
    test(`X-Date ${name} → ${code}`, async () => {
      const res = await get({ authorization: `Bearer+${u.accessToken}`, 'x-user-id': u.userId, 'x-date': value() });
      assert.equal(res.json().code, code, res.body);
      assert.equal(res.statusCode, code === 0 ? 200 : 401);
    });
  }

  test('X-Traceid is echoed when valid, generated when absent, refused when malformed', async () => {
    const trace = 'A'.repeat(29) + '_'.repeat(1) + 'z9'.repeat(14);
    assert.equal(trace.length, 58);
    const echoed = await get({ ...base(), authorization: `AT ${hex}`, 'x-traceid': trace });
    assert.equal(echoed.headers['x-traceid'], trace);
    const generated = await get({ ...base(), authorization: `AT ${hex}` });
    assert.match(String(generated.headers['x-traceid']), /^[A-Za-z0-9_]{58}$/);
    for (const bad of ['A'.repeat(57), 'A'.repeat(59), `${'A'.repeat(57)}-`, `${'A'.repeat(57)} `]) {
      const res = await get({ ...base(), authorization: `AT ${hex}`, 'x-traceid': bad });
      assert.equal(res.statusCode, 400);
      assert.equal(res.json().code, 13000102);
      assert.match(res.json().msg, /X-Traceid/);
      assert.match(String(res.headers['x-traceid']), /^[A-Za-z0-9_]{58}$/);
    }
    const unauth = await get({ 'x-traceid': 'bad' });
    assert.equal(unauth.json().code, 13001001, 'authentication is checked before the trace id');
  });

  test('language picks the message language', async () => {
    for (const [lang, expected] of [['zh_cn', '成功。'], ['zh-CN', '成功。'], ['ZH_CN', '成功。'], ['en_us', 'Success.'], ['en-US', 'Success.'], ['fr', 'Success.']]) {
      const res = await get({ ...base(), authorization: `AT ${hex}`, language: lang });
      assert.equal(res.json().msg, expected, lang);
    }
    const err = await get({ authorization: 'x', language: 'zh_cn' });
    assert.equal(err.json().code, 13001001);
    assert.equal(err.json().msg, '认证失败。');
  });

  test('x-hw-agentName is accepted and ignored', async () => {
    const res = await get({ ...base(), authorization: `AT ${hex}`, 'x-hw-agentName': 'standard' });
    assert.equal(res.statusCode, 200);
  });

  test('an access token expires after 30 minutes', async () => {
    const v = await t.newUser();
    const start = clock;
    try {
      clock = start + 29 * 60_000;
      const alive = await t.app.inject({ method: 'GET', url: LIST, headers: authHeadersAt(v, clock) });
      assert.equal(alive.statusCode, 200);
      clock = start + 30 * 60_000 + 1;
      const dead = await t.app.inject({ method: 'GET', url: LIST, headers: authHeadersAt(v, clock) });
      assert.equal(dead.json().code, 13001001);
    } finally {
      clock = start;
    }
  });
});

function authHeadersAt(user: TestUser, at: number): Record<string, string> {
  return { ...authHeaders(user), 'x-date': formatXDate(at) };
}

describe('X-Date strict mode', () => {
  test('tolerance 0 refuses any future second', async () => {
    const t = await startTestApp({ ALBUMD_XDATE_TOLERANCE: '0' });
    try {
      const u = await t.newUser();
      const now = await t.app.inject({ method: 'GET', url: LIST, headers: authHeaders(u) });
      assert.equal(now.statusCode, 200);
      const ahead = await t.app.inject({ method: 'GET', url: LIST, headers: { ...authHeaders(u), 'x-date': formatXDate(Date.now() + 2000) } });
      assert.equal(ahead.json().code, 13001003);
    } finally {
      await t.close();
    }
  });
});

describe('rate limit', () => {
  test('over the limit → 429, Retry-After, 13001004; counted after authentication', async () => {
    const t = await startTestApp({ ALBUMD_RATE_LIMIT: '3' });
    try {
      const u = await t.newUser();
      const codes: number[] = [];
      for (let i = 0; i < 4; i++) {
        const res = await t.app.inject({ method: 'GET', url: LIST, headers: authHeaders(u) });
        codes.push(res.statusCode);
        if (i === 3) {
          assert.equal(res.json().code, 13001004);
          assert.ok(Number(res.headers['retry-after']) > 0);
        }
      }
      assert.deepEqual(codes, [200, 200, 200, 429]);
      const unauth = await t.app.inject({ method: 'GET', url: LIST });
      assert.equal(unauth.json().code, 13001001, 'authentication answers before the rate limit');
      const v = await t.newUser();
      const fresh = await t.app.inject({ method: 'GET', url: LIST, headers: authHeaders(v) });
      assert.equal(fresh.statusCode, 200, 'limits are per user');
    } finally {
      await t.close();
    }
  });
});
