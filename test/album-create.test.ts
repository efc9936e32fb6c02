import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, authHeaders, client, expectError, type TestApp, type TestUser } from './helpers/app.js';

const CREATE = '/koodrive/ose/v1/album/create';

describe('CreateAlbum', () => {
  let t: TestApp;
  let u: TestUser;
  let api: ReturnType<typeof client>;
  let parent: string;
  let dirs: string[];
  before(async () => {
    t = await startTestApp();
    u = await t.newUser();
    api = client(t, u);
    parent = await api.folder('Photos');
    dirs = [];
    for (let i = 0; i < 31; i++) dirs.push(await api.folder(`d${i}`, parent));
  });
  after(() => t.close());

  const collection = (extra: Record<string, unknown> = {}) => ({ type: 1, albumKind: 1, scopeParentFolderId: parent, scopeDir: dirs.slice(0, 2), scopeKind: '1,2', ...extra });

  test('the public example request, byte for byte', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: CREATE,
      headers: { ...authHeaders(u), 'content-type': 'application/json', language: 'en_us' },
      payload: '{"name": "albumName", "type": 2, "albumKind": 1}',
    });
    assert.equal(res.statusCode, 200);
    const body = res.json();
    assert.deepEqual(Object.keys(body).sort(), ['albumId', 'code', 'msg']);
    assert.match(body.albumId, /^\d{19}$/);
    assert.equal(body.code, 0);
    assert.equal(body.msg, 'Success.');
    assert.match(res.body, /"code":0/, 'code is a JSON number');
  });

  const names: [string, string, boolean][] = [
    ['1 character', 'a', true],
    ['20 code points', 'n'.repeat(20), true],
    ['21 code points', 'n'.repeat(21), false],
    ['20 CJK characters', '相'.repeat(20), true],
    ['21 CJK characters', '相'.repeat(21), false],
    ['20 emoji (40 UTF-16 units)', '😀'.repeat(20), true],
    ['21 emoji', '😀'.repeat(21), false],
    ['empty', '', false],
    ['only spaces', '   ', false],
    ['a control character', 'a\u0007b', false],
    ['a newline', 'a\nb', false],
    ['spaces around text', ' trip ', true],
  ];
  for (const [label, name, valid] of names) {
    test(`manual album name: ${label} → ${valid ? 200 : 13000102}`, async () => {
      const r = await api.createAlbum({ name, type: 2, albumKind: 1 });
      if (valid) {
        assert.equal(r.status, 200, JSON.stringify(r.body));
        const list = await api.listAlbums('albumKind=1&albumType=2&pageSize=1');
        assert.equal((list.body.albumList as { name: string }[])[0]!.name, name, 'stored exactly');
      } else {
        expectError(r, 400, 13000102);
        assert.match(r.body.msg, /^name: /);
      }
    });
  }

  test('a manual album needs a name', async () => {
    const r = await api.createAlbum({ type: 2, albumKind: 1 });
    expectError(r, 400, 13000102);
    assert.equal(r.body.msg, 'name: is required');
  });

  const enums: [string, Record<string, unknown>, boolean][] = [
    ['type "2" as a string', { type: '2', albumKind: '1' }, true],
    ['type 2 and albumKind 1 as numbers', { type: 2, albumKind: 1 }, true],
    ['type "3"', { type: '3', albumKind: 1 }, false],
    ['type 3', { type: 3, albumKind: 1 }, false],
    ['type 0', { type: 0, albumKind: 1 }, false],
    ['type "x"', { type: 'x', albumKind: 1 }, false],
    ['type null', { type: null, albumKind: 1 }, false],
    ['type 2.5', { type: 2.5, albumKind: 1 }, false],
    ['type missing', { albumKind: 1 }, false],
    ['albumKind "3"', { type: 2, albumKind: '3' }, false],
    ['albumKind 0', { type: 2, albumKind: 0 }, false],
    ['albumKind missing', { type: 2 }, false],
    ['albumKind an object', { type: 2, albumKind: {} }, false],
  ];
  for (const [label, body, valid] of enums) {
    test(`enums: ${label} → ${valid ? 200 : 13000102}`, async () => {
      const r = await api.createAlbum({ name: 'x', ...body });
      if (valid) assert.equal(r.status, 200, JSON.stringify(r.body));
      else expectError(r, 400, 13000102);
    });
  }

  test('collection album: 30 scope folders pass, 31 do not', async () => {
    const ok = await api.createAlbum(collection({ scopeDir: dirs.slice(0, 30) }));
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    const list = await api.listAlbums('albumKind=1&albumType=1&pageSize=1');
    const item = (list.body.albumList as Record<string, unknown>[])[0]!;
    assert.deepEqual(item.scopeDir, dirs.slice(0, 30));
    assert.equal(item.scopeParentFolderId, parent);
    assert.equal(item.coverImg, undefined, 'collection albums have no cover');
    const tooMany = await api.createAlbum(collection({ scopeDir: dirs.slice(0, 31) }));
    expectError(tooMany, 400, 13000102);
    assert.match(tooMany.body.msg, /^scopeDir: /);
  });

  test('collection album: name optional, scope fields required', async () => {
    assert.equal((await api.createAlbum(collection())).status, 200);
    assert.equal((await api.createAlbum(collection({ name: 'Trips' }))).status, 200);
    for (const missing of ['scopeParentFolderId', 'scopeDir', 'scopeKind']) {
      const body = collection();
      delete (body as Record<string, unknown>)[missing];
      const r = await api.createAlbum(body);
      expectError(r, 400, 13000102);
      assert.equal(r.body.msg, `${missing}: is required`);
    }
    expectError(await api.createAlbum(collection({ scopeDir: [] })), 400, 13000102);
    expectError(await api.createAlbum(collection({ scopeDir: [dirs[0], dirs[0]] })), 400, 13000102);
  });

  test('scopeKind forms are accepted and stored canonically', async () => {
    const forms: [unknown, string][] = [['1', '1'], ['2', '2'], ['1,2', '1,2'], ['2,1', '1,2'], [1, '1'], [2, '2'], [[1, 2], '1,2'], [['2'], '2']];
    for (const [given, canonical] of forms) {
      const r = await api.createAlbum(collection({ scopeKind: given }));
      assert.equal(r.status, 200, `${JSON.stringify(given)}: ${JSON.stringify(r.body)}`);
      const item = (await api.listAlbums('albumKind=1&albumType=1&pageSize=1')).body.albumList as { id: string; scopeKind: string }[];
      assert.equal(item[0]!.id, r.body.albumId);
      assert.equal(item[0]!.scopeKind, canonical);
    }
    for (const bad of ['3', 3, '1,1', '1,2,1', [1, 3], 'image', '12', [1, 2, 1], {}]) {
      const r = await api.createAlbum(collection({ scopeKind: bad }));
      expectError(r, 400, 13000102);
      assert.match(r.body.msg, /^scopeKind: /, JSON.stringify(bad));
    }
  });

  test('scope folders must be direct children of the parent', async () => {
    const grandchild = await api.folder('deep', dirs[0]);
    const r = await api.createAlbum(collection({ scopeDir: [dirs[1], grandchild] }));
    expectError(r, 400, 13000102);
    assert.match(r.body.msg, /^scopeDir: /);
    const root = await api.createAlbum(collection({ scopeParentFolderId: 'root', scopeDir: [parent] }));
    assert.equal(root.status, 200, 'root as the parent');
    const parentItself = await api.createAlbum(collection({ scopeParentFolderId: 'root', scopeDir: [dirs[0]] }));
    expectError(parentItself, 400, 13000102);
  });

  test("another user's folders → 13000309, unknown ones too", async () => {
    const v = await t.newUser();
    const theirs = await client(t, v).folder('theirs');
    const theirChild = await client(t, v).folder('child', theirs);
    expectError(await api.createAlbum(collection({ scopeDir: [dirs[0], theirChild] })), 400, 13000309);
    expectError(await api.createAlbum(collection({ scopeParentFolderId: theirs, scopeDir: [theirChild] })), 400, 13000309);
    expectError(await api.createAlbum(collection({ scopeDir: ['Fnope'] })), 400, 13000309);
    expectError(await api.createAlbum(collection({ scopeParentFolderId: 'Fnope' })), 400, 13000309);
  });

  test('scope fields on a manual album → 13001101', async () => {
    for (const extra of [{ scopeDir: [dirs[0]] }, { scopeKind: '1' }, { scopeParentFolderId: parent }]) {
      const r = await api.createAlbum({ name: 'm', type: 2, albumKind: 1, ...extra });
      expectError(r, 400, 13001101);
    }
    const empty = await api.createAlbum({ name: 'm', type: 2, albumKind: 1, scopeDir: [], scopeKind: '', scopeParentFolderId: null });
    assert.equal(empty.status, 200, 'empty scope values are no scope');
  });

  test('containerId must be the space of the album', async () => {
    assert.equal((await api.createAlbum(collection({ containerId: u.containerId }))).status, 200);
    const v = await t.newUser();
    expectError(await api.createAlbum(collection({ containerId: v.containerId })), 400, 13000301);
    expectError(await api.createAlbum({ name: 'm', type: 2, albumKind: 1, containerId: 'IAAnope' }), 400, 13000301);
  });

  test('shared albums need groupId and shareFolderId; an unknown family → 13000309', async () => {
    const missingGroup = await api.createAlbum({ name: 's', type: 2, albumKind: 2, shareFolderId: '1765148493107805441' });
    expectError(missingGroup, 400, 13000102);
    assert.equal(missingGroup.body.msg, 'groupId: is required');
    const missingFolder = await api.createAlbum({ name: 's', type: 2, albumKind: 2, groupId: '1765148492881313000' });
    expectError(missingFolder, 400, 13000102);
    assert.equal(missingFolder.body.msg, 'shareFolderId: is required');
    const bare = await t.app.inject({
      method: 'POST',
      url: CREATE,
      headers: { ...authHeaders(u), 'content-type': 'application/json' },
      payload: '{"name":"s","type":2,"albumKind":2,"groupId":1765148492881313000,"shareFolderId":1765148493107805441}',
    });
    expectError({ status: bare.statusCode, body: bare.json(), headers: bare.headers }, 400, 13000309);
    const personalIgnoresThem = await api.createAlbum({ name: 'p', type: 2, albumKind: 1, groupId: 'x', shareFolderId: 'y' });
    assert.equal(personalIgnoresThem.status, 200);
  });

  test('unknown fields are ignored', async () => {
    const r = await api.createAlbum({ name: 'x', type: 2, albumKind: 1, colour: 'blue', coverImageUrl: 'http://x' });
    assert.equal(r.status, 200);
  });

  test('malformed bodies → 13000101, and nothing is created', async () => {
    const before = (await api.listAlbums('albumKind=1&albumType=2')).body.total;
    const raw = (payload: string | Buffer, type = 'application/json') =>
      t.app.inject({ method: 'POST', url: CREATE, headers: { ...authHeaders(u), 'content-type': type }, payload });
    const cases: [string, string | Buffer, string?][] = [
      ['broken JSON', '{"name": "a", "type": 2,'],
      ['trailing comma', '{"name": "a", "type": 2, "albumKind": 1,}'],
      ['an array', '[{"name": "a", "type": 2, "albumKind": 1}]'],
      ['a string', '"album"'],
      ['a number', '2'],
      ['null', 'null'],
      ['text/plain', '{"name": "a", "type": 2, "albumKind": 1}', 'text/plain'],
      ['form data', 'name=a&type=2', 'application/x-www-form-urlencoded'],
      ['over 1 MiB', JSON.stringify({ name: 'a', type: 2, albumKind: 1, pad: 'x'.repeat(1024 * 1024) })],
    ];
    for (const [label, payload, type] of cases) {
      const res = await raw(payload, type);
      assert.equal(res.statusCode, 400, label);
      assert.equal(res.json().code, 13000101, `${label}: ${res.body}`);
    }
    assert.equal((await api.listAlbums('albumKind=1&albumType=2')).body.total, before);
  });

  test('an empty body is no body, whatever the content type', async () => {
    for (const type of ['application/json', 'text/plain', undefined]) {
      const res = await t.app.inject({ method: 'POST', url: CREATE, headers: { ...authHeaders(u), ...(type ? { 'content-type': type } : {}) }, payload: '' });
      assert.equal(res.statusCode, 400);
      assert.equal(res.json().code, 13000102, String(type));
      assert.match(res.json().msg, /is required/);
    }
  });

  test('authentication answers before body errors', async () => {
    const res = await t.app.inject({ method: 'POST', url: CREATE, headers: { 'content-type': 'application/json' }, payload: '{bad' });
    assert.equal(res.json().code, 13001001);
  });

  test('the album limit per owner → 13001102', async () => {
    const small = await startTestApp({ ALBUMD_MAX_ALBUMS: '2' });
    try {
      const w = await small.newUser();
      const c = client(small, w);
      assert.equal((await c.createAlbum({ name: 'a', type: 2, albumKind: 1 })).status, 200);
      assert.equal((await c.createAlbum({ name: 'b', type: 2, albumKind: 1 })).status, 200);
      expectError(await c.createAlbum({ name: 'c', type: 2, albumKind: 1 }), 400, 13001102);
      const list = await c.listAlbums('albumKind=1&albumType=2');
      await c.deleteAlbum((list.body.albumList as { id: string }[])[0]!.id);
      assert.equal((await c.createAlbum({ name: 'c', type: 2, albumKind: 1 })).status, 200, 'a delete frees a place');
    } finally {
      await small.close();
    }
  });
});
