import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import sharp from 'sharp';
import { startTestApp, client } from './helpers/app.js';
import { assertConsistent } from './helpers/integrity.js';

/**
 * Random sequences of uploads, moves, recycles, restores, permanent deletes, adds, removes and scope
 * updates, interleaved with paging, against an in-memory model of what each album must show.
 */
const RUNS = Number(process.env.ALBUMD_PROPERTY_RUNS ?? 12);

type Op =
  | { kind: 'upload'; folder: number }
  | { kind: 'move'; file: number; folder: number }
  | { kind: 'recycle'; file: number }
  | { kind: 'restore'; file: number }
  | { kind: 'delete'; file: number }
  | { kind: 'add'; files: number[] }
  | { kind: 'remove'; files: number[] }
  | { kind: 'scope'; folders: number[] }
  | { kind: 'page'; album: 'manual' | 'collection'; sortType: number; dir: number; pageSize: number; churn: boolean };

const op: fc.Arbitrary<Op> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant('upload' as const), folder: fc.nat(3) }), weight: 4 },
  fc.record({ kind: fc.constant('move' as const), file: fc.nat(50), folder: fc.nat(3) }),
  fc.record({ kind: fc.constant('recycle' as const), file: fc.nat(50) }),
  fc.record({ kind: fc.constant('restore' as const), file: fc.nat(50) }),
  fc.record({ kind: fc.constant('delete' as const), file: fc.nat(50) }),
  { arbitrary: fc.record({ kind: fc.constant('add' as const), files: fc.array(fc.nat(50), { minLength: 1, maxLength: 5 }) }), weight: 2 },
  fc.record({ kind: fc.constant('remove' as const), files: fc.array(fc.nat(50), { minLength: 1, maxLength: 3 }) }),
  fc.record({ kind: fc.constant('scope' as const), folders: fc.uniqueArray(fc.nat(3), { minLength: 1, maxLength: 4 }) }),
  {
    arbitrary: fc.record({
      kind: fc.constant('page' as const),
      album: fc.constantFrom('manual' as const, 'collection' as const),
      sortType: fc.integer({ min: 1, max: 3 }),
      dir: fc.integer({ min: 1, max: 2 }),
      pageSize: fc.integer({ min: 1, max: 4 }),
      churn: fc.boolean(),
    }),
    weight: 3,
  },
);

test('album listings, totals and counts match a model through random changes', async () => {
  const t = await startTestApp();
  const base = await sharp({ create: { width: 4, height: 4, channels: 3, background: { r: 1, g: 2, b: 3 } } }).png().toBuffer();
  let serial = 0;
  try {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 5, maxLength: 25 }), async (ops) => {
        const u = await t.newUser();
        const api = client(t, u);
        const folders = [await api.folder('f0'), await api.folder('f1'), await api.folder('f2'), await api.folder('f3')];
        const files: { id: string; folder: number; visible: boolean; gone: boolean }[] = [];
        const members = new Set<string>();
        let scope = [0, 1];
        const manual = (await api.createAlbum({ name: 'm', type: 2, albumKind: 1 })).body.albumId as string;
        const collection = (await api.createAlbum({ type: 1, albumKind: 1, scopeParentFolderId: 'root', scopeDir: scope.map((i) => folders[i]), scopeKind: '1,2' })).body.albumId as string;
        const upload = async (folder: number) => {
          const bytes = Buffer.concat([base, Buffer.from(`#${serial++}`)]);
          const r = await api.upload(`p${serial}.png`, bytes, folders[folder]);
          assert.equal(r.status, 200, JSON.stringify(r.body));
          files.push({ id: r.body.id as string, folder, visible: true, gone: false });
        };
        const pick = (i: number) => (files.length === 0 ? undefined : files[i % files.length]);
        const expected = (album: 'manual' | 'collection') =>
          new Set(files.filter((f) => !f.gone && f.visible && (album === 'manual' ? members.has(f.id) : scope.includes(f.folder))).map((f) => f.id));
        const churn = async () => {
          await upload(scope[0]!);
          const f = files[files.length - 1]!;
          await api.call('POST', `/koodrive/ose/v1/album/${manual}/add`, { fileIds: [{ fileId: f.id, ownerId: u.userId }] });
          members.add(f.id);
        };

        for (const o of ops) {
          if (o.kind === 'upload') await upload(o.folder);
          else if (o.kind === 'move') {
            const f = pick(o.file);
            if (!f || f.gone || !f.visible || f.folder === o.folder) continue;
            const r = await api.job(3, [f.id], {}, { dstFolderId: folders[o.folder] });
            assert.equal(r.status, 200, JSON.stringify(r.body));
            f.folder = o.folder;
          } else if (o.kind === 'recycle') {
            const f = pick(o.file);
            if (!f || f.gone || !f.visible) continue;
            assert.equal((await api.job(2, [f.id])).status, 200);
            f.visible = false;
          } else if (o.kind === 'restore') {
            const f = pick(o.file);
            if (!f || f.gone || f.visible) continue;
            assert.equal((await api.job(4, [f.id])).status, 200);
            f.visible = true;
          } else if (o.kind === 'delete') {
            const f = pick(o.file);
            if (!f || f.gone) continue;
            assert.equal((await api.job(2, [f.id], { actionType: 202 })).status, 200);
            f.gone = true;
            members.delete(f.id);
          } else if (o.kind === 'add') {
            const chosen = [...new Set(o.files.map(pick).filter((f) => f && !f.gone && f.visible))] as typeof files;
            if (chosen.length === 0) continue;
            const r = await api.call('POST', `/koodrive/ose/v1/album/${manual}/add`, { fileIds: chosen.map((f) => ({ fileId: f.id, ownerId: u.userId })) });
            assert.equal(r.status, 200, JSON.stringify(r.body));
            chosen.forEach((f) => members.add(f.id));
          } else if (o.kind === 'remove') {
            const chosen = o.files.map(pick).filter(Boolean) as typeof files;
            if (chosen.length === 0) continue;
            assert.equal((await api.call('DELETE', `/koodrive/ose/v1/${manual}/batchDelete`, { ids: chosen.map((f) => f.id) })).status, 200);
            chosen.forEach((f) => members.delete(f.id));
          } else if (o.kind === 'scope') {
            assert.equal((await api.updateAlbum(collection, { scopeDirList: o.folders.map((i) => folders[i]) })).status, 200);
            scope = o.folders;
          } else {
            const albumId = o.album === 'manual' ? manual : collection;
            const before = expected(o.album);
            const seen: { id: string; key: number }[] = [];
            let cursor = '';
            let total = -1;
            let expectedTotal = -1;
            for (let guard = 0; guard < 200; guard++) {
              const r = await api.call('GET', `/koodrive/ose/v1/album/${albumId}/list?sortType=${o.sortType}&sortDirection=${o.dir}&pageSize=${o.pageSize}${cursor ? `&pageCursor=${encodeURIComponent(cursor)}` : ''}`);
              assert.equal(r.status, 200, JSON.stringify(r.body));
              total = r.body.total as number;
              expectedTotal = expected(o.album).size;
              for (const item of r.body.contentList as { id: string; takeTime: string; addTime?: string; createdTime: string; editedTime: string }[]) {
                const v = o.sortType === 1 ? item.takeTime : o.sortType === 2 ? (o.album === 'manual' ? item.addTime! : item.createdTime) : item.editedTime;
                seen.push({ id: item.id, key: Date.parse(v) });
              }
              cursor = r.body.nextPageCursor as string;
              if (!cursor) break;
              // A few changes while paging (new rows land after an ascending cursor: keep it finite).
              if (o.churn && guard < 3) await churn();
            }
            const after = expected(o.album);
            const ids = seen.map((s) => s.id);
            assert.equal(new Set(ids).size, ids.length, 'no row twice');
            for (const id of before) if (after.has(id)) assert.ok(ids.includes(id), 'a row present throughout is seen');
            for (const id of ids) assert.ok(before.has(id) || after.has(id), 'no row that was never there');
            for (let i = 1; i < seen.length; i++) {
              const [a, b] = [seen[i - 1]!, seen[i]!];
              const ordered = a.key === b.key ? (o.dir === 1 ? a.id < b.id : a.id > b.id) : o.dir === 1 ? a.key < b.key : a.key > b.key;
              assert.ok(ordered, `order at ${i} (sort ${o.sortType}, dir ${o.dir})`);
            }
            assert.equal(total, expectedTotal, 'total is exact');
            if (!o.churn) assert.deepEqual(new Set(ids), after, 'exactly the visible members');
          }
        }
        for (const [albumId, type, album] of [[manual, 2, 'manual'], [collection, 1, 'collection']] as const) {
          const list = await api.listAlbums(`albumKind=1&albumType=${type}&pageSize=100`);
          const item = (list.body.albumList as { id: string; itemCount: number }[]).find((a) => a.id === albumId)!;
          assert.equal(item.itemCount, expected(album).size, `${album} itemCount`);
        }
        await assertConsistent(t);
      }),
      { numRuns: RUNS, seed: process.env.SEED ? Number(process.env.SEED) : undefined, path: process.env.FC_PATH },
    );
  } catch (error) {
    console.error(String((error as { cause?: unknown }).cause ?? error).slice(0, 2000));
    throw error;
  } finally {
    await t.close();
  }
});
