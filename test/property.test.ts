import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { startTestApp, authHeaders, type TestApp, type TestUser } from './helpers/app.js';

/** Every catalogue code a client may receive (decisions.md §4). */
const CATALOGUE = new Set([
  13000101, 13000102, 13000301, 13000306, 13000309, 13000311, 13000402, 13000405, 13000410, 13001001,
  13001002, 13001003, 13001004, 13001005, 13001101, 13001102, 13001103, 13001104,
]);

const RUNS = Number(process.env.ALBUMD_PROPERTY_RUNS ?? 300);

const fieldValue = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom('1', '2', 1, 2, '1,2', [1, 2], 'root', null, '', '😀'.repeat(21), 'n'.repeat(20), '\u0000'),
  fc.string({ maxLength: 40 }),
  fc.array(fc.string({ maxLength: 40 }), { maxLength: 35 }),
  fc.bigInt({ min: 0n, max: 10n ** 20n }).map((n) => Number(n)),
);

const albumBody = fc.dictionary(
  fc.constantFrom('name', 'type', 'albumKind', 'scopeDir', 'scopeParentFolderId', 'scopeKind', 'groupId', 'shareFolderId', 'containerId', 'scopeDirList', 'coverImageUrl', '__proto__', 'constructor', 'x'),
  fieldValue,
  { maxKeys: 8 },
);

const rawBody = fc.oneof(
  albumBody.map((b) => JSON.stringify(b)),
  fc.json({ maxDepth: 3 }),
  fc.string({ maxLength: 200 }),
  fc.constantFrom('', '{', '{"type":2,"albumKind":1,"name":"a"', '{"groupId":12345678901234567890123}', '[]', 'null', '\u0000'),
);

const headerValue = fc.oneof(fc.string({ maxLength: 80 }), fc.constantFrom('', 'Bearer', 'AT ', 'zh_cn', '20251103T070140Z'));

describe('property: no request gets a 500', () => {
  let t: TestApp;
  let u: TestUser;
  let albumId: string;
  before(async () => {
    t = await startTestApp();
    u = await t.newUser();
    const res = await t.app.inject({ method: 'POST', url: '/koodrive/ose/v1/album/create', headers: authHeaders(u), payload: { name: 'p', type: 2, albumKind: 1 } });
    albumId = res.json().albumId;
  });
  after(() => t.close());

  const check = (status: number, body: string): void => {
    assert.ok(status === 200 || (status >= 400 && status < 500), `status ${status}: ${body}`);
    const parsed = JSON.parse(body) as { code: unknown; msg: unknown };
    assert.equal(typeof parsed.msg, 'string');
    if (status === 200) assert.equal(parsed.code, 0);
    else assert.ok(CATALOGUE.has(parsed.code as number), `code ${String(parsed.code)}`);
  };

  test('CreateAlbum and UpdateAlbum with random JSON bodies', async () => {
    await fc.assert(
      fc.asyncProperty(rawBody, fc.constantFrom('create', 'update', 'updateAlias'), fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/plain', undefined), async (payload, which, type) => {
        const url = which === 'create' ? '/koodrive/ose/v1/album/create' : which === 'update' ? `/koodrive/ose/v1/${albumId}/update` : `/koodrive/ose/v1/album/${albumId}/update`;
        const res = await t.app.inject({ method: 'POST', url, headers: { ...authHeaders(u), ...(type ? { 'content-type': type } : {}) }, payload });
        check(res.statusCode, res.body);
      }),
      { numRuns: RUNS },
    );
  });

  test('random headers', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({ authorization: headerValue, 'x-user-id': headerValue, 'x-date': headerValue, 'x-traceid': headerValue, language: headerValue }, { requiredKeys: [] }),
        fc.boolean(),
        albumBody,
        async (headers, keepAuth, body) => {
          const sanitized = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, v.replace(/[^\x20-\x7e]/g, '')]));
          const all = keepAuth ? { ...authHeaders(u), ...sanitized, authorization: authHeaders(u).authorization! } : sanitized;
          const res = await t.app.inject({ method: 'POST', url: '/koodrive/ose/v1/album/create', headers: { ...all, 'content-type': 'application/json' }, payload: JSON.stringify(body) });
          check(res.statusCode, res.body);
        },
      ),
      { numRuns: RUNS },
    );
  });

  test('family endpoints with random IDs, query strings and bodies', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 60 }), fc.webQueryParameters(), rawBody, async (id, query, payload) => {
        const safe = encodeURIComponent(id);
        const V1 = '/koodrive/ose/v1';
        for (const [method, url] of [
          ['POST', `${V1}/sharefolder/create`],
          ['GET', `${V1}/sharefolder/list?${query}`],
          ['GET', `${V1}/sharefolder/metadata/${safe}`],
          ['POST', `${V1}/sharefolder/rename`],
          ['POST', `${V1}/sharefolder/delete`],
          ['POST', `${V1}/usergroupsInvite/invite/${safe}?${query}`],
          ['GET', `${V1}/usergroupsInvite/inviteList/${safe}`],
          ['POST', `${V1}/usergroupsInvite/inviteConfirm/${safe}`],
          ['POST', `${V1}/usergroupsInvite/deleteMember?${query}`],
        ] as const) {
          const withBody = method === 'POST';
          const res = await t.app.inject({
            method,
            url,
            headers: { ...authHeaders(u), ...(withBody ? { 'content-type': 'application/json' } : {}), 'x-hw-share-folder-id': id.replace(/[^\x20-\x7e]/g, '') },
            ...(withBody ? { payload } : {}),
          });
          check(res.statusCode, res.body);
        }
      }),
      { numRuns: Math.ceil(RUNS / 3) },
    );
  });

  test('random album IDs and query strings', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 60 }), fc.webQueryParameters(), async (id, query) => {
        const safe = encodeURIComponent(id);
        for (const [method, url] of [
          ['DELETE', `/koodrive/ose/v1/album/${safe}`],
          ['POST', `/koodrive/ose/v1/${safe}/update`],
          ['GET', `/koodrive/ose/v1/album/list?${query}`],
        ] as const) {
          const res = await t.app.inject({ method, url, headers: authHeaders(u) });
          assert.ok(res.statusCode < 500, `${method} ${url}: ${res.statusCode} ${res.body}`);
          JSON.parse(res.body);
        }
      }),
      { numRuns: Math.ceil(RUNS / 3) },
    );
  });
});
