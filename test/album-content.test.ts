import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { startTestApp, client, expectError, type TestApp, type TestUser, appForSuite, type Api } from './helpers/app.js';

type Up = { id: string; ownerId: string };
type Item = { id: string; takeTime: string; addTime?: string; editedTime: string; createdTime: string; ownerId: string; thumbnailUrl: string; fileName: string };

const png = (seed: number) => sharp({ create: { width: 8, height: 8, channels: 3, background: { r: seed % 256, g: 10, b: 10 } } }).png().toBuffer();

describe('album content', () => {
  let t: TestApp;
  let u: TestUser;
  let api: Api;
  appForSuite((s) => ({ t, u, api } = s));

  const image = async (name: string, parent = 'root', createdTime?: string) => {
    const r = await api.upload(name, await png(name.length * 7 + name.charCodeAt(0)), parent, createdTime ? { createdTime } : {});
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return r.body as unknown as Up;
  };
  const manual = async (name = 'M') => (await api.createAlbum({ name, type: 2, albumKind: 1 })).body.albumId as string;
  const add = (albumId: string, files: { id: string; ownerId: string }[]) =>
    api.call('POST', `/koodrive/ose/v1/album/${albumId}/add`, { fileIds: files.map((f) => ({ fileId: f.id, ownerId: f.ownerId })) });
  const remove = (albumId: string, ids: string[], alias = false) => api.call('DELETE', `/koodrive/ose/v1/${alias ? 'album/' : ''}${albumId}/batchDelete`, { ids });
  const page = (albumId: string, q = '') => api.call('GET', `/koodrive/ose/v1/album/${albumId}/list${q ? `?${q}` : ''}`);
  const all = async (albumId: string, q: string, pageSize: number): Promise<Item[]> => {
    const seen: Item[] = [];
    let cursor = '';
    for (let i = 0; i < 50; i++) {
      const r = await page(albumId, `${q}&pageSize=${pageSize}${cursor ? `&pageCursor=${encodeURIComponent(cursor)}` : ''}`);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      seen.push(...(r.body.contentList as Item[]));
      cursor = r.body.nextPageCursor as string;
      if (cursor === '') return seen;
    }
    throw new Error('no end');
  };
  const albumItem = async (albumId: string, type = 2) => {
    const list = await api.listAlbums(`albumKind=1&albumType=${type}&pageSize=100`);
    return (list.body.albumList as { id: string; itemCount: number; coverImg?: string }[]).find((a) => a.id === albumId)!;
  };

  test('add, re-add, list newest-added first, count and cover', async () => {
    const a = await image('a.png');
    const b = await image('b.png');
    const c = await image('c.png');
    const album = await manual();
    assert.equal((await albumItem(album)).coverImg, '');
    const r = await add(album, [a, b]);
    assert.deepEqual(r.body, { code: 0, msg: 'Success.' });
    await new Promise((res) => setTimeout(res, 5));
    assert.equal((await add(album, [c, a])).status, 200, 're-adding is a no-op');
    const items = await all(album, '', 100);
    assert.equal(items.length, 3);
    assert.equal(items[0]!.id, c.id, 'default: creation (added) time, newest first');
    assert.ok(items.every((i) => i.addTime && i.ownerId === u.userId && i.thumbnailUrl.includes('/thumbnail?')));
    const meta = await albumItem(album);
    assert.equal(meta.itemCount, 3);
    assert.match(meta.coverImg!, new RegExp(`/files/(${a.id}|${b.id})/thumbnail`), 'the earliest-added image');
    const listed = await page(album);
    assert.equal(listed.body.total, 3);
    assert.equal(listed.body.nextPageCursor, '');
  });

  test('every sort type in both directions, paged, each row once, ties on file ID', async () => {
    const album = await manual('Sorts');
    const files = [];
    for (let i = 0; i < 7; i++) files.push(await image(`s${i}.png`, 'root', `2020-01-0${(i % 3) + 1}T00:00:00.000Z`));
    await add(album, files.slice(0, 4));
    await new Promise((res) => setTimeout(res, 3));
    await add(album, files.slice(4));
    for (const sortType of [1, 2, 3]) {
      for (const dir of [1, 2]) {
        const rows = await all(album, `sortType=${sortType}&sortDirection=${dir}`, 2);
        assert.equal(rows.length, 7);
        assert.equal(new Set(rows.map((r) => r.id)).size, 7);
        const key = (i: Item) => Date.parse(sortType === 1 ? i.takeTime : sortType === 2 ? i.addTime! : i.editedTime);
        for (let k = 1; k < rows.length; k++) {
          const [x, y] = [rows[k - 1]!, rows[k]!];
          const cmp = key(x) === key(y) ? (x.id < y.id ? -1 : 1) : key(x) < key(y) ? -1 : 1;
          assert.equal(cmp, dir === 1 ? -1 : 1, `sort ${sortType}/${dir}`);
        }
      }
    }
  });

  test('remove: absent IDs ignored, files stay, both paths, cover moves on', async () => {
    const a = await image('ra.png');
    const b = await image('rb.png');
    const album = await manual('Rem');
    await add(album, [a]);
    await new Promise((res) => setTimeout(res, 3));
    await add(album, [b]);
    assert.match((await albumItem(album)).coverImg!, new RegExp(a.id));
    assert.deepEqual((await remove(album, [a.id, 'Fnotthere'])).body, { code: 0, msg: 'Success.' });
    assert.match((await albumItem(album)).coverImg!, new RegExp(b.id), 'the next earliest image');
    assert.equal((await remove(album, [b.id], true)).status, 200, '/album/{id}/batchDelete alias');
    const meta = await albumItem(album);
    assert.equal(meta.itemCount, 0);
    assert.equal(meta.coverImg, '');
    const still = await api.call('POST', `/koodrive/ose/v1/files/${a.id}/detail`, { containerId: u.containerId });
    assert.equal(still.status, 200, 'the file stays');
  });

  test('recycled files vanish from listing, count and cover, and come back on restore; deleted ones leave', async () => {
    const a = await image('va.png');
    const b = await image('vb.png');
    const album = await manual('Vis');
    await add(album, [a, b]);
    await api.job(2, [a.id]);
    assert.deepEqual((await all(album, '', 10)).map((i) => i.id), [b.id]);
    assert.equal((await albumItem(album)).itemCount, 1);
    assert.match((await albumItem(album)).coverImg!, new RegExp(b.id));
    expectError(await add(album, [a]), 400, 13000306);
    await api.job(4, [a.id]);
    assert.equal((await all(album, '', 10)).length, 2);
    assert.equal((await albumItem(album)).itemCount, 2);
    await api.job(2, [a.id], { actionType: 202 });
    assert.deepEqual((await all(album, '', 10)).map((i) => i.id), [b.id]);
    assert.equal((await albumItem(album)).itemCount, 1);
  });

  test('add failures: all or nothing with a failList', async () => {
    const a = await image('fa.png');
    const text = (await api.upload('doc.txt', 'words')).body as unknown as Up;
    const v = await t.newUser();
    const theirs = (await client(t, v).upload('t.png', await png(3))).body as unknown as Up;
    const album = await manual('Fail');
    const r = await api.call('POST', `/koodrive/ose/v1/album/${album}/add`, {
      fileIds: [
        { fileId: a.id, ownerId: a.ownerId },
        { fileId: text.id, ownerId: text.ownerId },
        { fileId: theirs.id, ownerId: theirs.ownerId },
        { fileId: a.id, ownerId: v.userId },
        { fileId: 'Fnope', ownerId: u.userId },
      ],
    });
    expectError(r, 400, 13001103);
    assert.deepEqual(
      (r.body.failList as { fileId: string; code: number }[]).map((f) => [f.fileId, f.code]),
      [[text.id, 13001103], [theirs.id, 13000309], [a.id, 13000309], ['Fnope', 13000309]],
    );
    assert.equal((await albumItem(album)).itemCount, 0, 'nothing was added');
    expectError(await api.call('POST', `/koodrive/ose/v1/album/${album}/add`, { fileIds: [] }), 400, 13000102);
    expectError(await api.call('POST', `/koodrive/ose/v1/album/${album}/add`, { fileIds: Array.from({ length: 101 }, (_, i) => ({ fileId: `F${i}`, ownerId: u.userId })) }), 400, 13000102);
    expectError(await api.call('POST', `/koodrive/ose/v1/album/${album}/add`, { fileIds: [{ fileId: 'F'.repeat(65), ownerId: u.userId }] }), 400, 13000102);
    expectError(await remove(album, []), 400, 13000102);
    expectError(await remove(album, Array.from({ length: 1001 }, (_, i) => `F${i}`)), 400, 13000102);
    const foreignAlbum = (await client(t, v).createAlbum({ name: 'theirs', type: 2, albumKind: 1 })).body.albumId as string;
    expectError(await add(foreignAlbum, [a]), 400, 13000309);
    expectError(await remove(foreignAlbum, [a.id]), 400, 13000309);
    expectError(await page(foreignAlbum), 400, 13000309);
  });

  test('the per-album limit → 13001102', async () => {
    const small = await startTestApp({ ALBUMD_MAX_ALBUM_ITEMS: '2' });
    try {
      const w = await small.newUser();
      const c = client(small, w);
      const files: Up[] = [];
      for (let i = 0; i < 3; i++) files.push((await c.upload(`l${i}.png`, await png(i + 50))).body as unknown as Up);
      const album = (await c.createAlbum({ name: 'L', type: 2, albumKind: 1 })).body.albumId as string;
      const addTo = (fs: typeof files) => c.call('POST', `/koodrive/ose/v1/album/${album}/add`, { fileIds: fs.map((f) => ({ fileId: f.id, ownerId: f.ownerId })) });
      assert.equal((await addTo(files.slice(0, 2))).status, 200);
      assert.equal((await addTo(files.slice(0, 2))).status, 200, 're-adding members does not count');
      expectError(await addTo(files.slice(2)), 400, 13001102);
    } finally {
      await small.close();
    }
  });

  test('collection albums are live: uploads, moves, recycles, restores and scope updates show at once', async () => {
    const parent = await api.folder('Live');
    const d1 = await api.folder('d1', parent);
    const d2 = await api.folder('d2', parent);
    const d3 = await api.folder('d3', parent);
    const album = (await api.createAlbum({ type: 1, albumKind: 1, scopeParentFolderId: parent, scopeDir: [d1, d2], scopeKind: '1' })).body.albumId as string;
    expectError(await add(album, [await image('x.png')]), 400, 13001101);
    expectError(await remove(album, ['Fx']), 400, 13001101);
    const p1 = await image('p1.png', d1, '2020-05-01T00:00:00.000Z');
    const p2 = await image('p2.png', d2, '2021-05-01T00:00:00.000Z');
    await image('p3.png', d3);
    await api.upload('notes.txt', 'text', d1);
    const ids = async () => (await all(album, '', 10)).map((i) => i.id);
    assert.deepEqual(await ids(), [p2.id, p1.id], 'shooting time, newest first (no EXIF: createdTime)');
    assert.equal((await albumItem(album, 1)).itemCount, 2);
    assert.equal((await page(album)).body.total, 2);
    await api.job(3, [p1.id], {}, { dstFolderId: d3 });
    assert.deepEqual(await ids(), [p2.id]);
    assert.equal((await albumItem(album, 1)).itemCount, 1);
    await api.job(3, [p1.id], {}, { dstFolderId: d2 });
    assert.deepEqual((await ids()).sort(), [p1.id, p2.id].sort());
    await api.job(2, [d2]);
    assert.deepEqual(await ids(), [], 'a recycled scope folder contributes nothing');
    assert.equal((await albumItem(album, 1)).itemCount, 0);
    await api.job(4, [d2]);
    assert.equal((await ids()).length, 2);
    assert.equal((await albumItem(album, 1)).itemCount, 2);
    assert.equal((await api.updateAlbum(album, { scopeDirList: [d3] })).status, 200);
    assert.equal((await ids()).length, 1);
    assert.equal((await albumItem(album, 1)).itemCount, 1);
    assert.equal((await api.updateAlbum(album, { scopeDirList: [d1, d2, d3], scopeKind: '2' })).status, 200);
    assert.deepEqual(await ids(), [], 'videos only');
    assert.equal((await albumItem(album, 1)).itemCount, 0);
  });

  test('cursors: bound to album and sort, tampering refused; a stable row is seen once while others change', async () => {
    const album = await manual('Cur');
    const files = [];
    for (let i = 0; i < 6; i++) files.push(await image(`c${i}.png`));
    await add(album, files);
    const first = await page(album, 'pageSize=2');
    const cursor = first.body.nextPageCursor as string;
    const other = await manual('Other');
    expectError(await page(other, `pageSize=2&pageCursor=${encodeURIComponent(cursor)}`), 400, 13000102);
    expectError(await page(album, `pageSize=2&sortType=1&pageCursor=${encodeURIComponent(cursor)}`), 400, 13000102);
    expectError(await page(album, `pageSize=2&pageCursor=${encodeURIComponent(cursor.slice(0, -2))}xx`), 400, 13000102);
    const seen = (first.body.contentList as Item[]).map((i) => i.id);
    await add(album, [await image('late.png')]);
    await remove(album, [seen[0]!]);
    let next = cursor;
    while (next) {
      const r = await page(album, `pageSize=2&pageCursor=${encodeURIComponent(next)}`);
      seen.push(...(r.body.contentList as Item[]).map((i) => i.id));
      next = r.body.nextPageCursor as string;
    }
    const original = new Set(files.map((f) => f.id));
    assert.deepEqual(seen.filter((id) => original.has(id)).sort(), [...original].sort(), 'every original row once');
    assert.equal(new Set(seen).size, seen.length);
    for (const q of ['pageSize=0', 'pageSize=101', 'sortType=4', 'sortDirection=3']) expectError(await page(album, q), 400, 13000102);
  });
});
