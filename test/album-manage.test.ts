import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { authHeaders, client, expectError, type TestApp, type TestUser, appForSuite, type Api } from './helpers/app.js';

type Item = Record<string, unknown> & { id: string };

describe('ListAlbums, UpdateAlbum, DeleteAlbum', () => {
  let t: TestApp;
  let u: TestUser;
  let api: Api;
  appForSuite((s) => ({ t, u, api } = s));

  test('list pages newest first with an exact total, filtered by kind and type', async () => {
    const w = await t.newUser();
    const c = client(t, w);
    const ids: string[] = [];
    for (let i = 0; i < 25; i++) ids.push((await c.createAlbum({ name: `a${i}`, type: 2, albumKind: 1 })).body.albumId as string);
    const parent = await c.folder('p');
    const dir = await c.folder('d', parent);
    await c.createAlbum({ type: 1, albumKind: 1, scopeParentFolderId: parent, scopeDir: [dir], scopeKind: 1 });
    const first = await c.listAlbums('albumKind=1&albumType=2');
    assert.equal(first.body.total, 25);
    assert.deepEqual((first.body.albumList as Item[]).map((a) => a.id), ids.slice().reverse().slice(0, 10), 'default page size 10');
    const third = await c.listAlbums('albumKind=1&albumType=2&pageNum=3&pageSize=10');
    assert.deepEqual((third.body.albumList as Item[]).map((a) => a.id), ids.slice(0, 5).reverse());
    const beyond = await c.listAlbums('albumKind=1&albumType=2&pageNum=4&pageSize=10');
    assert.deepEqual(beyond.body.albumList, []);
    assert.equal(beyond.body.total, 25);
    const all = await c.listAlbums('albumKind="1"&albumType=2&pageSize=100'.replace('"1"', '1'));
    assert.equal((all.body.albumList as Item[]).length, 25);
    const coll = await c.listAlbums('albumKind=1&albumType=1');
    assert.equal(coll.body.total, 1);
    const item = (coll.body.albumList as Item[])[0]!;
    assert.equal(item.albumType, 1);
    assert.equal(item.albumKind, 1);
    assert.equal(item.scopeKind, '1');
    assert.deepEqual(item.scopeDir, [dir]);
    const shared = await c.listAlbums('albumKind=2&albumType=2');
    assert.deepEqual(shared.body, { albumList: [], total: 0, code: 0, msg: 'Success.' });
  });

  test('AlbumItem carries every field of decisions.md §5', async () => {
    const id = (await api.createAlbum({ name: 'Fields', type: 2, albumKind: 1 })).body.albumId as string;
    const list = await api.listAlbums('albumKind=1&albumType=2&pageSize=1');
    const item = (list.body.albumList as Item[])[0]!;
    assert.equal(item.id, id);
    assert.equal(item.name, 'Fields');
    assert.equal(item.coverImg, '');
    assert.equal(item.albumType, 2);
    assert.equal(item.albumKind, 1);
    assert.deepEqual(item.scopeDir, []);
    assert.equal(item.containerId, u.containerId);
    assert.equal(item.ownerId, u.userId);
    assert.equal(item.itemCount, 0);
    assert.match(String(item.createTime), /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    assert.equal(item.updateTime, item.createTime);
  });

  const badQueries: [string, string][] = [
    ['albumKind missing', 'albumType=2'],
    ['albumType missing', 'albumKind=1'],
    ['albumKind 3', 'albumKind=3&albumType=2'],
    ['albumType x', 'albumKind=1&albumType=x'],
    ['pageSize 0', 'albumKind=1&albumType=2&pageSize=0'],
    ['pageSize 101', 'albumKind=1&albumType=2&pageSize=101'],
    ['pageNum 0', 'albumKind=1&albumType=2&pageNum=0'],
    ['pageNum -1', 'albumKind=1&albumType=2&pageNum=-1'],
    ['pageNum 1.5', 'albumKind=1&albumType=2&pageNum=1.5'],
  ];
  for (const [label, query] of badQueries) {
    test(`list: ${label} → 13000102`, async () => {
      const r = await api.listAlbums(query);
      expectError(r, 400, 13000102);
    });
  }

  test('list: pageSize 1 and 100 are accepted', async () => {
    assert.equal((await api.listAlbums('albumKind=1&albumType=2&pageSize=1')).status, 200);
    assert.equal((await api.listAlbums('albumKind=1&albumType=2&pageSize=100')).status, 200);
  });

  test('list: a family the caller is not in → 13000309', async () => {
    expectError(await api.listAlbums('albumKind=2&albumType=2&groupId=1765148492881313000'), 400, 13000309);
  });

  test('update renames a manual album and keeps what is left out', async () => {
    const id = (await api.createAlbum({ name: 'Before', type: 2, albumKind: 1 })).body.albumId as string;
    const r = await api.updateAlbum(id, { name: 'After', coverImageUrl: 'https://example/x.jpg' });
    assert.deepEqual(r.body, { code: 0, msg: 'Success.' });
    const alias = await api.call('POST', `/koodrive/ose/v1/album/${id}/update`, {});
    assert.equal(alias.status, 200, 'the /album/{id}/update alias');
    const item = (await api.listAlbums('albumKind=1&albumType=2&pageSize=1')).body.albumList as Item[];
    assert.equal(item[0]!.name, 'After');
    assert.equal(item[0]!.albumType, 2);
    expectError(await api.updateAlbum(id, { name: 'n'.repeat(21) }), 400, 13000102);
    expectError(await api.updateAlbum(id, { name: '' }), 400, 13000102);
    for (const scope of [{ scopeDirList: ['Fx'] }, { scopeDir: ['Fx'] }, { scopeKind: 1 }, { scopeParentFolderId: 'root' }]) {
      expectError(await api.updateAlbum(id, scope), 400, 13001101);
    }
  });

  test('update of a collection album checks the resulting scope', async () => {
    const p1 = await api.folder('P1');
    const p2 = await api.folder('P2');
    const a = await api.folder('a', p1);
    const b = await api.folder('b', p1);
    const c = await api.folder('c', p2);
    const id = (await api.createAlbum({ type: 1, albumKind: 1, scopeParentFolderId: p1, scopeDir: [a], scopeKind: '1' })).body.albumId as string;
    const get = async () => ((await api.listAlbums('albumKind=1&albumType=1&pageSize=100')).body.albumList as Item[]).find((x) => x.id === id)!;

    assert.equal((await api.updateAlbum(id, { scopeDirList: [a, b] })).status, 200);
    assert.deepEqual((await get()).scopeDir, [a, b]);
    assert.equal((await api.updateAlbum(id, { scopeDir: [b] })).status, 200, 'scopeDir alias');
    assert.deepEqual((await get()).scopeDir, [b]);
    assert.equal((await api.updateAlbum(id, { scopeKind: 2 })).status, 200, 'scopeKind as an integer');
    assert.equal((await get()).scopeKind, '2');
    assert.equal((await api.updateAlbum(id, { scopeKind: '1,2', name: 'Named' })).status, 200);
    assert.equal((await get()).scopeKind, '1,2');
    assert.equal((await get()).name, 'Named');

    expectError(await api.updateAlbum(id, { scopeDirList: [c] }), 400, 13000102);
    expectError(await api.updateAlbum(id, { scopeParentFolderId: p2 }), 400, 13000102);
    assert.equal((await api.updateAlbum(id, { scopeParentFolderId: p2, scopeDirList: [c] })).status, 200);
    const after = await get();
    assert.equal(after.scopeParentFolderId, p2);
    assert.deepEqual(after.scopeDir, [c]);
    assert.equal(after.albumType, 1, 'type never changes');
    expectError(await api.updateAlbum(id, { scopeDirList: Array.from({ length: 31 }, (_, i) => `F${i}`) }), 400, 13000102);
    expectError(await api.updateAlbum(id, { scopeDirList: [c, c] }), 400, 13000102);
    expectError(await api.updateAlbum(id, { scopeKind: '3' }), 400, 13000102);
    assert.deepEqual((await get()).scopeDir, [c], 'failed updates change nothing');
  });

  test('delete removes the album only', async () => {
    const folder = await api.folder('kept');
    const id = (await api.createAlbum({ name: 'Gone', type: 2, albumKind: 1 })).body.albumId as string;
    const r = await api.deleteAlbum(id);
    assert.deepEqual(r.body, { code: 0, msg: 'Success.' });
    expectError(await api.deleteAlbum(id), 400, 13000309);
    expectError(await api.updateAlbum(id, { name: 'x' }), 400, 13000309);
    const list = (await api.listAlbums('albumKind=1&albumType=2&pageSize=100')).body.albumList as Item[];
    assert.ok(!list.some((a) => a.id === id));
    const again = await api.mkdir('kept');
    expectError(again, 400, 13000405);
    assert.ok(folder);
  });

  test("another user's album → 13000309 in update and delete, absent from list", async () => {
    const v = await t.newUser();
    const id = (await client(t, v).createAlbum({ name: 'Private', type: 2, albumKind: 1 })).body.albumId as string;
    expectError(await api.updateAlbum(id, { name: 'Mine' }), 400, 13000309);
    expectError(await api.call('POST', `/koodrive/ose/v1/album/${id}/update`, { name: 'Mine' }), 400, 13000309);
    expectError(await api.deleteAlbum(id), 400, 13000309);
    const mine = (await api.listAlbums('albumKind=1&albumType=2&pageSize=100')).body.albumList as Item[];
    assert.ok(!mine.some((a) => a.id === id));
    const theirs = (await client(t, v).listAlbums('albumKind=1&albumType=2')).body.albumList as Item[];
    assert.equal(theirs[0]!.name, 'Private', 'unchanged');
    expectError(await api.updateAlbum('1805929618625036417', { name: 'x' }), 400, 13000309);
    expectError(await api.deleteAlbum('not-an-id'), 400, 13000309);
  });

  test('fixed prefixes win over {albumId}; unknown routes 404, other methods 405', async () => {
    for (const url of ['/koodrive/ose/v1/files/update', '/koodrive/ose/v1/jobs/update', '/koodrive/ose/v1/nothing/here']) {
      const res = await t.app.inject({ method: 'POST', url, headers: authHeaders(u) });
      assert.equal(res.statusCode, 404, url);
      assert.equal(res.json().code, 13001005);
    }
    const wrongMethod = await t.app.inject({ method: 'PUT', url: '/koodrive/ose/v1/album/create', headers: authHeaders(u) });
    assert.equal(wrongMethod.statusCode, 405);
    assert.equal(wrongMethod.json().code, 13001005);
    assert.match(String(wrongMethod.headers.allow), /POST/);
    const noAuth404 = await t.app.inject({ method: 'GET', url: '/nope' });
    assert.equal(noAuth404.statusCode, 404);
  });
});

describe('folders (POST /directory)', () => {
  let t: TestApp;
  let u: TestUser;
  let api: Api;
  appForSuite((s) => ({ t, u, api } = s));

  test('creates a folder with the file object', async () => {
    const r = await api.mkdir('Holidays', 'root', { description: 'summer' });
    assert.equal(r.status, 200);
    assert.match(r.body.id as string, /^F[A-Za-z0-9_-]{32}$/);
    assert.equal(r.body.fileName, 'Holidays');
    assert.equal(r.body.fileType, '10');
    assert.deepEqual(r.body.containers, [u.containerId]);
    assert.equal(r.body.recycled, false);
    assert.equal(r.body.ownerId, u.userId);
    assert.equal(r.body.description, 'summer');
    const child = await api.mkdir('2024', r.body.id as string);
    assert.deepEqual(child.body.parentFolder, [r.body.id]);
    const noParent = await api.call('POST', '/koodrive/ose/v1/directory', { fileName: 'top', containerId: u.containerId });
    assert.equal(noParent.status, 200, 'no parentFolder means root');
  });

  test('renameMode 3 (default) refuses a taken name; 2 takes a free one', async () => {
    await api.mkdir('Same');
    expectError(await api.mkdir('Same'), 400, 13000405);
    expectError(await api.mkdir('Same', 'root', { renameMode: 3 }), 400, 13000405);
    const two = await api.mkdir('Same', 'root', { renameMode: 2 });
    assert.equal(two.body.fileName, 'Same (1)');
    const three = await api.mkdir('Same', 'root', { renameMode: '2' });
    assert.equal(three.body.fileName, 'Same (2)');
    expectError(await api.mkdir('Same', 'root', { renameMode: 7 }), 400, 13000102);
  });

  const badNames = ['', '   ', 'a/b', 'a\\b', '..', '.', 'a:b', 'a*b', 'a?b', 'a"b', 'a<b', 'a>b', 'a|b', 'x'.repeat(251), 'tab\there'];
  for (const name of badNames) {
    test(`folder name ${JSON.stringify(name.length > 20 ? `${name.length} chars` : name)} → 13000102`, async () => {
      expectError(await api.mkdir(name), 400, 13000102);
    });
  }

  test('250 code points are allowed', async () => {
    assert.equal((await api.mkdir('é'.repeat(250))).status, 200);
  });

  test('space and parent checks', async () => {
    const v = await t.newUser();
    const theirs = await client(t, v).folder('theirs');
    expectError(await api.mkdir('x', theirs), 400, 13000309);
    expectError(await api.mkdir('x', 'Fdoesnotexist'), 400, 13000309);
    const wrongSpace = await api.call('POST', '/koodrive/ose/v1/directory', { fileName: 'x', parentFolder: ['root'], containerId: v.containerId });
    expectError(wrongSpace, 400, 13000301);
    const family = await api.call('POST', '/koodrive/ose/v1/directory', { fileName: 'x', containerId: u.containerId }, { 'x-hw-share-folder-id': '1765148493107805441' });
    expectError(family, 400, 13000309);
    const missing = await api.call('POST', '/koodrive/ose/v1/directory', { fileName: 'x' });
    expectError(missing, 400, 13000102);
  });
});
