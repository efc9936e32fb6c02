import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { client, expectError, type TestApp, type TestUser, appForSuite, type Api } from './helpers/app.js';

type F = { id: string; fileName: string; size: number; createdTime: string; editedTime: string; recycled: boolean; parentFolder: string[] };

describe('listing, rename, move, recycle, restore, delete', () => {
  let t: TestApp;
  let u: TestUser;
  let api: Api;
  appForSuite((s) => ({ t, u, api } = s));

  async function all(type: 0 | 1, body: Record<string, unknown>, pageSize: number): Promise<F[]> {
    const seen: F[] = [];
    let cursor = '';
    for (let i = 0; i < 100; i++) {
      const r = await api.list(type, { ...body, pageInfo: { pageSize, pageCursor: cursor } });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      seen.push(...(r.body.files as F[]));
      cursor = r.body.nextPageCursor as string;
      if (cursor === '') return seen;
    }
    throw new Error('no end');
  }

  test('a folder lists in four orders, paged by cursor, each row once', async () => {
    const dir = await api.folder('Listing');
    const names = ['b.txt', 'a.txt', 'd.txt', 'c.txt', 'e.txt', 'B.txt', 'aa.txt'];
    for (const [i, n] of names.entries()) await api.upload(n, 'x'.repeat(i % 3), dir, { createdTime: `2020-01-0${(i % 5) + 1}T00:00:00.000Z` });
    await api.folder('sub', dir);
    const byName = await all(0, { parentFileId: dir, sortInfo: { sortType: 1, sortDirection: 1 } }, 3);
    assert.deepEqual(byName.map((f) => f.fileName), ['B.txt', 'a.txt', 'aa.txt', 'b.txt', 'c.txt', 'd.txt', 'e.txt', 'sub'].sort());
    const byNameDesc = await all(0, { parentFileId: dir, sortInfo: { sortType: 1, sortDirection: 2 } }, 2);
    assert.deepEqual(byNameDesc.map((f) => f.fileName), byName.map((f) => f.fileName).reverse());
    for (const sortType of [2, 3, 4]) {
      for (const sortDirection of [1, 2]) {
        const rows = await all(0, { parentFileId: dir, sortInfo: { sortType, sortDirection } }, 3);
        assert.equal(rows.length, 8);
        assert.equal(new Set(rows.map((r) => r.id)).size, 8, 'each row once');
        const key = (f: F) => (sortType === 2 ? f.size : sortType === 3 ? Date.parse(f.createdTime) : Date.parse(f.editedTime));
        for (let i = 1; i < rows.length; i++) {
          const [a, b] = [rows[i - 1]!, rows[i]!];
          const cmp = key(a) === key(b) ? (a.id < b.id ? -1 : 1) : key(a) < key(b) ? -1 : 1;
          assert.equal(cmp, sortDirection === 1 ? -1 : 1, `sort ${sortType}/${sortDirection} at ${i}`);
        }
      }
    }
    const images = await api.list(0, { parentFileId: dir, fileType: '10' });
    assert.deepEqual((images.body.files as F[]).map((f) => f.fileName), ['sub']);
    const last = await api.list(0, { parentFileId: dir, pageInfo: { pageSize: 8 } });
    assert.equal(last.body.nextPageCursor, '', 'a full last page has no next cursor');
  });

  test('cursors are bound to their listing', async () => {
    const a = await api.folder('CurA');
    const b = await api.folder('CurB');
    for (const n of ['1', '2', '3']) {
      await api.upload(`${n}.txt`, n, a);
      await api.upload(`${n}.txt`, n, b);
    }
    const first = await api.list(0, { parentFileId: a, pageInfo: { pageSize: 1 }, sortInfo: { sortType: 1 } });
    const cursor = first.body.nextPageCursor as string;
    assert.notEqual(cursor, '');
    expectError(await api.list(0, { parentFileId: b, pageInfo: { pageSize: 1, pageCursor: cursor }, sortInfo: { sortType: 1 } }), 400, 13000102);
    expectError(await api.list(0, { parentFileId: a, pageInfo: { pageSize: 1, pageCursor: cursor }, sortInfo: { sortType: 2 } }), 400, 13000102);
    const tampered = `${cursor.slice(0, 5)}${cursor[5] === 'A' ? 'B' : 'A'}${cursor.slice(6)}`;
    expectError(await api.list(0, { parentFileId: a, pageInfo: { pageSize: 1, pageCursor: tampered }, sortInfo: { sortType: 1 } }), 400, 13000102);
    expectError(await api.list(0, { parentFileId: a, pageInfo: { pageSize: 1, pageCursor: 'garbage' } }), 400, 13000102);
    const v = await t.newUser();
    expectError(await client(t, v).list(0, { parentFileId: a }), 400, 13000309);
    expectError(await api.list(0, { pageInfo: { pageSize: 101 } }), 400, 13000102);
    const five = await api.call('POST', '/koodrive/ose/v1/files/5', { containerId: u.containerId });
    assert.equal(five.status, 404, 'only 0 and 1 are listings');
  });

  test('rename: renameMode 3 refuses a taken name, 2 picks a free one; bad names refused', async () => {
    const dir = await api.folder('Renames');
    const a = (await api.upload('a.jpg', 'a', dir)).body;
    await api.upload('b.jpg', 'b', dir);
    const rename = (id: string, body: Record<string, unknown>) => api.call('POST', `/koodrive/ose/v1/files/rename/${id}`, { containerId: u.containerId, ...body });
    const r = await rename(a.id as string, { name: 'c.jpg' });
    assert.equal(r.status, 200);
    assert.equal(r.body.fileName, 'c.jpg');
    assert.ok(Date.parse(r.body.editedTime as string) >= Date.parse(a.editedTime as string));
    expectError(await rename(a.id as string, { name: 'b.jpg' }), 400, 13000405);
    assert.equal((await rename(a.id as string, { name: 'b.jpg', renameMode: 2 })).body.fileName, 'b (1).jpg');
    expectError(await rename(a.id as string, { name: 'x/y' }), 400, 13000102);
    expectError(await rename('Fnope', { name: 'z' }), 400, 13000309);
  });

  test('recycle a folder with its content, list the bin, restore it', async () => {
    const dir = await api.folder('Trip');
    const photo = (await api.upload('p.jpg', 'photo', dir)).body;
    const r = await api.job(2, [dir]);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.match(r.body.jobId as string, /^\d{19}$/);
    assert.equal(r.body.status, 2);
    const rootList = await all(0, {}, 100);
    assert.ok(!rootList.some((f) => f.id === dir), 'gone from its folder');
    const bin = await all(1, {}, 100);
    assert.deepEqual(bin.map((f) => f.id), [dir], 'only what was recycled directly');
    assert.equal(bin[0]!.recycled, true);
    const inBin = await api.call('POST', `/koodrive/ose/v1/files/${photo.id}/detail`, { containerId: u.containerId });
    assert.equal(inBin.body.recycled, true, 'what was inside is recycled with it');
    expectError(await api.job(2, [dir]), 400, 13000306);
    await api.folder('Trip');
    const restored = await api.job(4, [dir]);
    assert.equal(restored.status, 200);
    const back = await all(0, {}, 100);
    const again = back.find((f) => f.id === dir)!;
    assert.equal(again.fileName, 'Trip (1)', 'a taken name on restore becomes a free one');
    const inside = await all(0, { parentFileId: dir }, 100);
    assert.deepEqual(inside.map((f) => f.id), [photo.id], 'the content came back with it');
    assert.deepEqual(await all(1, {}, 100), []);
    expectError(await api.job(4, [dir]), 400, 13000102);
  });

  test('restore goes to the root when the original folder is gone', async () => {
    const dir = await api.folder('Gone');
    const file = (await api.upload('orphan.txt', 'o', dir)).body;
    await api.job(2, [file.id as string]);
    await api.job(2, [dir], { actionType: 202 });
    await api.job(4, [file.id as string]);
    const rootList = await all(0, {}, 100);
    const back = rootList.find((f) => f.id === file.id)!;
    assert.ok(back, 'restored into the root');
  });

  test('move: into a folder, refusals for cycles, taken names and recycled files', async () => {
    const a = await api.folder('MoveA');
    const b = await api.folder('MoveB', a);
    const f = (await api.upload('m.txt', 'm', 'root')).body;
    const moved = await api.job(3, [f.id as string], {}, { dstFolderId: b });
    assert.equal(moved.status, 200, JSON.stringify(moved.body));
    assert.deepEqual((await all(0, { parentFileId: b }, 100)).map((x) => x.id), [f.id]);
    const viaPath = await api.job(3, [f.id as string], {}, { newFilePath: 'root' });
    assert.equal(viaPath.status, 200, 'newFilePath holds a folder ID or root');
    const cycle = await api.job(3, [a], {}, { dstFolderId: b });
    expectError(cycle, 400, 13000102);
    assert.deepEqual(cycle.body.failList, [{ fileId: a, code: 13000102, msg: 'Verify parameters failed.' }]);
    await api.upload('m.txt', 'other', b);
    const clash = await api.job(3, [f.id as string], {}, { dstFolderId: b });
    expectError(clash, 400, 13000405);
    const mixed = await api.job(3, [f.id as string, 'Fnope'], {}, { dstFolderId: a });
    expectError(mixed, 400, 13000309);
    assert.equal((mixed.body.failList as unknown[]).length, 1);
    assert.ok((await all(0, {}, 100)).some((x) => x.id === f.id), 'all or nothing: nothing moved');
    expectError(await api.job(3, [f.id as string], {}, { dstFolderId: 'Fnope' }), 400, 13000309);
  });

  test('permanent delete and emptying the bin release the content', async () => {
    const bytes = `content ${Date.now()}`;
    const f = (await api.upload('del.txt', bytes)).body;
    const g = (await api.upload('bin.txt', `${bytes}!`)).body;
    assert.equal((await t.store.read.blobs.find(f.sha256 as string))?.ref_count, 1);
    assert.equal((await api.job(2, [f.id as string], { actionType: 202 })).status, 200);
    assert.equal((await t.store.read.blobs.find(f.sha256 as string))?.ref_count, 0);
    expectError(await api.call('POST', `/koodrive/ose/v1/files/${f.id}/detail`, { containerId: u.containerId }), 400, 13000309);
    await api.job(2, [g.id as string]);
    const empty = await api.call('POST', '/koodrive/ose/v1/jobs', { taskType: 7, taskInfo: { srcContainerId: u.containerId }, dstContainerId: u.containerId });
    assert.equal(empty.status, 200, JSON.stringify(empty.body));
    assert.deepEqual(await all(1, {}, 100), []);
    assert.equal((await t.store.read.blobs.find(g.sha256 as string))?.ref_count, 0);
    const report = await t.domain.sweeper.sweep(0);
    assert.ok(report.unreferencedRemoved >= 2);
  });

  test('job validation and listing', async () => {
    expectError(await api.job(1, ['Fx']), 400, 13000102);
    expectError(await api.job(2, []), 400, 13000102);
    expectError(await api.job(2, ['Fa', 'Fa']), 400, 13000102);
    expectError(await api.job(2, ['Fx'], { actionType: 205 }), 400, 13000102);
    expectError(await api.job(3, ['Fx']), 400, 13000102);
    const v = await t.newUser();
    const theirs = (await client(t, v).upload('t.txt', 't')).body;
    const r = await api.job(2, [theirs.id as string]);
    expectError(r, 400, 13000309);
    expectError(await api.job(2, ['Fx'], {}, { srcContainerId: v.containerId }), 400, 13000301);
    const jobs = await api.call('GET', '/koodrive/ose/v1/jobs?offset=0&limit=5');
    assert.equal(jobs.status, 200);
    assert.ok((jobs.body.jobs as unknown[]).length <= 5);
    assert.ok((jobs.body.total as number) >= 5);
    const deletes = await api.call('GET', '/koodrive/ose/v1/jobs?type=2&offset=0&limit=100');
    assert.ok((deletes.body.jobs as { taskType: number }[]).every((j) => j.taskType === 2));
    assert.deepEqual((await client(t, v).call('GET', '/koodrive/ose/v1/jobs?offset=0&limit=10')).body.jobs, [], "another user's jobs are not listed");
  });
});
