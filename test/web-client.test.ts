import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp, type TestUser } from './helpers/app.js';
import { createClient, refreshTime, SignedOut, ApiError, type ClientOptions } from '../web/src/lib/api.js';
import { apiLanguage, traceId, xDate } from '../web/src/lib/headers.js';
import { MemoryStorage } from '../src/import/client.js';

/**
 * The gallery's API client (web/src/lib/api.ts) against a real albumd on a real port: the headers of
 * every call, one refresh however many calls wait, a server clock learnt, and a session that ends
 * in words. The server's clock can be moved ahead, the client's behind, to make tokens and dates
 * go stale without waiting.
 */

const PASSWORD = 'correct horse battery';

interface Seen {
  path: string;
  headers: Record<string, string>;
  status: number;
}

describe('the gallery API client', () => {
  let t: TestApp;
  let u: TestUser;
  let origin: string;
  let serverAhead = 0;

  before(async () => {
    t = await startTestApp({ ALBUMD_ACCESS_TOKEN_TTL: '60' }, { now: () => Date.now() + serverAhead });
    u = await t.newUser('Ann');
    origin = await t.app.listen({ port: 0, host: '127.0.0.1' });
  });
  after(async () => {
    await t?.close();
  });

  /** A client whose every request is recorded; `clock` is the client's idea of now. */
  const recorded = (clock: () => number, extra: Partial<ClientOptions> = {}) => {
    const seen: Seen[] = [];
    const api = createClient({
      base: origin,
      now: clock,
      storage: new MemoryStorage() as unknown as Storage,
      fetch: async (input, init) => {
        const res = await fetch(input, init);
        seen.push({ path: new URL(String(input)).pathname, headers: { ...(init?.headers as Record<string, string>) }, status: res.status });
        return res;
      },
      ...extra,
    });
    return { api, seen };
  };

  test('headers: X-Date in UTC basic format, a fresh 58-character trace per call, the token and user', async () => {
    assert.equal(xDate(Date.UTC(2026, 0, 2, 3, 4, 5)), '20260102T030405Z');
    assert.equal(apiLanguage('zh-CN'), 'zh_cn');
    assert.equal(apiLanguage('en-GB'), 'en_us');
    assert.equal(apiLanguage('zu'), 'en_us');
    assert.match(traceId(), /^[A-Za-z0-9_]{58}$/);

    const { api, seen } = recorded(Date.now);
    const session = await api.login(u.phone, PASSWORD);
    assert.equal(session.userId, u.userId);
    await api.albums(1, 1);
    await api.albums(1, 2);
    const calls = seen.filter((s) => s.path.endsWith('/album/list'));
    assert.equal(calls.length, 2);
    for (const c of calls) {
      assert.equal(c.status, 200);
      assert.equal(c.headers.authorization, `Bearer+${session.accessToken}`);
      assert.equal(c.headers['x-user-id'], u.userId);
      assert.match(c.headers['x-date'] ?? '', /^\d{8}T\d{6}Z$/);
      assert.match(c.headers['x-traceid'] ?? '', /^[A-Za-z0-9_]{58}$/);
    }
    assert.notEqual(calls[0]?.headers['x-traceid'], calls[1]?.headers['x-traceid']);
    // The login itself carries no token.
    assert.equal(seen[0]?.headers.authorization, undefined);
  });

  test('twenty calls that find the token due for refresh wait for one refresh', async () => {
    let ahead = 0;
    const { api, seen } = recorded(() => Date.now() + ahead);
    const first = await api.login(u.phone, PASSWORD);
    assert.equal(first.refreshAt, refreshTime(first.refreshAt - 48_000, 60), 'a 60 s token is refreshed at 80 % of its life');
    ahead = 50_000; // past refreshAt (48 s), still inside the token's life and the X-Date window
    const answers = await Promise.all(Array.from({ length: 20 }, () => api.albums(1, 1)));
    assert.equal(answers.length, 20);
    assert.equal(seen.filter((s) => s.path.endsWith('/auth/refreshToken')).length, 1);
    assert.notEqual(api.session?.accessToken, first.accessToken);
    // The old access token was replaced, the new one works without another refresh.
    await api.albums(1, 1);
    assert.equal(seen.filter((s) => s.path.endsWith('/auth/refreshToken')).length, 1);
  });

  test('a token the server already finds expired is refreshed once and the call retried', async () => {
    const { api, seen } = recorded(Date.now);
    await api.login(u.phone, PASSWORD);
    serverAhead = 120_000; // the server's clock has passed the token's life; the client's has not
    try {
      const list = await api.albums(1, 1);
      assert.equal(list.code, 0);
    } finally {
      serverAhead = 0;
    }
    assert.deepEqual(
      seen.filter((s) => !s.path.endsWith('/auth/login')).map((s) => [s.path.split('/').pop(), s.status]),
      [
        ['list', 401],
        ['refreshToken', 200],
        ['list', 200],
      ],
    );
  });

  test('a client clock an hour off learns the server clock from its answers; a jump later costs one retry', async () => {
    let behind = 3_600_000;
    const { api, seen } = recorded(() => Date.now() - behind);
    await api.login(u.phone, PASSWORD);
    assert.equal((await api.albums(1, 1)).code, 0);
    // The client's clock jumps back another hour (a phone resumed, a manual change).
    behind += 3_600_000;
    assert.equal((await api.albums(1, 1)).code, 0);
    const calls = seen.filter((s) => s.path.endsWith('/album/list'));
    assert.deepEqual(
      calls.map((c) => c.status),
      [200, 401, 200],
    );
    for (const c of [calls[0], calls[2]]) {
      assert.ok(Math.abs(Date.parse(isoOf(c?.headers['x-date'] ?? '')) - Date.now()) < 15_000, 'X-Date carries the server time');
    }
  });

  test('a session ended elsewhere signs out once, in words, and keeps nothing', async () => {
    let signedOut = 0;
    const storage = new MemoryStorage();
    const { api } = recorded(Date.now, { storage: storage as unknown as Storage, onSignedOut: () => (signedOut += 1) });
    const session = await api.login(u.phone, PASSWORD);
    assert.ok(storage.getItem('albumd.session'));
    // The same session signed out from another tab: access and refresh tokens are revoked.
    const other = createClient({ base: origin, storage: storage as unknown as Storage });
    await other.logout();
    const results = await Promise.allSettled([api.albums(1, 1), api.albums(1, 2)]);
    for (const r of results) {
      assert.equal(r.status, 'rejected');
      assert.ok(r.reason instanceof SignedOut, String(r.reason));
      assert.ok((r.reason as SignedOut).message.length > 0);
    }
    assert.equal(signedOut, 1);
    assert.equal(api.session, undefined);
    assert.equal(storage.getItem('albumd.session'), null);
    await assert.rejects(api.albums(1, 1), SignedOut);
    assert.ok(session.accessToken);
  });

  test('a refusal keeps its catalogue code and a message in the browser language', async () => {
    const { api } = recorded(Date.now, { language: 'zh-CN' });
    await api.login(u.phone, PASSWORD);
    const refused = await api.content('not-an-album', {}).then(
      () => assert.fail('expected a refusal'),
      (e: unknown) => e,
    );
    assert.ok(refused instanceof ApiError);
    assert.ok(refused.code > 0 && refused.code !== 13001001);
    assert.match(refused.message, /[\u4e00-\u9fff]/, `a Chinese message, got ${refused.message}`);
    const wrong = createClient({ base: origin });
    await assert.rejects(wrong.login(u.phone, 'wrong password'), (e: unknown) => e instanceof ApiError && e.status !== 200 && /./.test(e.message));
  });
});

function isoOf(x: string): string {
  return `${x.slice(0, 4)}-${x.slice(4, 6)}-${x.slice(6, 8)}T${x.slice(9, 11)}:${x.slice(11, 13)}:${x.slice(13, 15)}Z`;
}
