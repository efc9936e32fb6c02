import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../src/config.js';
import { createStore } from '../src/db/database.js';
import { headersFor, runCli } from '../test/helpers/process.js';
import { seedLibrary } from './seed.js';
import { seedFamily } from './seed-family.js';
import { startServer } from './server.js';

/**
 * Album content at scale: one user with 1,000,000 files over 1,000 folders, 10,000 albums, a manual
 * album of 100,000 items and a collection album over 30 folders holding about 100,000 files. Then,
 * over HTTP, p50/p99 of first and deep pages (page 500 by cursor) for each sort type, ListAlbums
 * pages, and adding then removing 100 files.
 */
const quick = process.argv.includes('--quick');
const FILES = quick ? 200_000 : 1_000_000;
const FOLDERS = quick ? 200 : 1000;
const ALBUMS = quick ? 2000 : 10_000;
const ITEMS = quick ? 20_000 : 100_000;
const SCOPE_FILES = quick ? 20_000 : 100_000;
const REQUESTS = quick ? 200 : 1000;
const DEEP = quick ? 100 : 500;

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'albumd-bench-scale-'));
// The manual album holds the default limit's 100,000 items; the add/remove turns need room for 100 more.
const env = { ALBUMD_DATA_DIR: dataDir, ALBUMD_RATE_LIMIT: '0', LOG_LEVEL: 'warn', ALBUMD_MAX_ALBUMS: '100000000', ALBUMD_MAX_ALBUM_ITEMS: String(ITEMS + 100) };
const user = await runCli(['user', 'add', '--phone', '+8613700000002', '--password', 'bench-password'], env);
const userId = String(user.userId);
const containerId = String(user.containerId);

const t0 = performance.now();
const store = createStore(loadConfig(env).database);
await store.migrate();
const root = (await store.read.containers.findById(containerId))!.root_folder_id;
const { folderIds } = await seedLibrary(store, { containerId, rootFolderId: root, userId }, { files: FILES, folders: FOLDERS, heavyFolders: 30, heavyFiles: SCOPE_FILES });
const now = Date.now();
let serial = BigInt(Date.now() - 1288834974657) << 22n;
const nextId = () => (serial += 1n).toString();
for (let done = 0; done < ALBUMS; done += 1000) {
  await store.write(async (repos) => {
    for (let i = done; i < Math.min(ALBUMS, done + 1000); i++) {
      await repos.albums.insert({ id: nextId(), owner_id: userId, creator_id: userId, album_type: 2, album_kind: 1, name: `album ${i}`, scope_parent_folder_id: null, scope_kind: null, container_id: containerId, group_id: null, share_folder_id: null, cover_file_id: null, create_time: now + i, update_time: now + i }, []);
    }
    await repos.users.adjustAlbumCount(userId, Math.min(1000, ALBUMS - done));
  });
}
const manualId = nextId();
const collectionId = nextId();
const outside = folderIds.slice(30);
const candidates: string[] = [];
for (const folder of outside) {
  if (candidates.length >= ITEMS + 100) break;
  const rows = await store.read.files.listChildren(folder, { sort: 'name', desc: false, limit: 5000 });
  candidates.push(...rows.map((r) => r.id));
}
const members = candidates.slice(0, ITEMS);
const spare = candidates.slice(ITEMS, ITEMS + 100);
await store.write(async (repos) => {
  await repos.albums.insert({ id: manualId, owner_id: userId, creator_id: userId, album_type: 2, album_kind: 1, name: 'Big manual', scope_parent_folder_id: null, scope_kind: null, container_id: containerId, group_id: null, share_folder_id: null, cover_file_id: null, create_time: now + ALBUMS, update_time: now + ALBUMS }, []);
  await repos.albums.insert({ id: collectionId, owner_id: userId, creator_id: userId, album_type: 1, album_kind: 1, name: 'Big collection', scope_parent_folder_id: 'root', scope_kind: '1,2', container_id: containerId, group_id: null, share_folder_id: null, cover_file_id: null, create_time: now + ALBUMS + 1, update_time: now + ALBUMS + 1 }, folderIds.slice(0, 30));
  await repos.users.adjustAlbumCount(userId, 2);
});
for (let i = 0; i < members.length; i += 5000) {
  await store.write(async (repos) => {
    const rows = await repos.files.findMany(members.slice(i, i + 5000));
    const added = await repos.albumItems.addMany(rows.map((r, k) => ({ album_id: manualId, file_id: r.id, add_time: now + i + k, take_time: Number(r.take_time), edited_time: Number(r.edited_time), file_type: r.file_type, visible: 1 })));
    await repos.albums.addCounts(manualId, added, added);
  });
}
await store.write(async (repos) => {
  await repos.albums.setCover(manualId, (await repos.albumItems.firstImage(manualId)) ?? null);
  await repos.albums.setItemCount(collectionId, await repos.files.countInFolders(folderIds.slice(0, 30), ['15', '20']));
});
// A family of 10 with 1,000 shared albums: ListAlbums albumKind=2 should cost what personal albums do.
const family = await seedFamily(store, { userId }, { members: 10, albums: 1000 }, nextId);
await store.close();
const seedSeconds = (performance.now() - t0) / 1000;

const server = await startServer(env);
const headers = headersFor(user);
const get = async (url: string) => {
  const res = await fetch(`${server.url}${url}`, { headers });
  const body = (await res.json()) as Record<string, unknown>;
  if (res.status !== 200) throw new Error(`${url}: ${JSON.stringify(body)}`);
  return body;
};
const timed = async (fn: () => Promise<unknown>): Promise<{ p50: number; p99: number }> => {
  for (let i = 0; i < 20; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < REQUESTS; i++) {
    const s = performance.now();
    await fn();
    times.push(performance.now() - s);
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => Number(times[Math.min(times.length - 1, Math.floor(q * times.length))]!.toFixed(2));
  return { p50: at(0.5), p99: at(0.99) };
};

const results: Record<string, { p50: number; p99: number }> = {};
try {
  for (const [label, albumId] of [['manual', manualId], ['collection', collectionId]] as const) {
    for (const sortType of [1, 2, 3]) {
      const base = `/koodrive/ose/v1/album/${albumId}/list?sortType=${sortType}&pageSize=100`;
      results[`${label} sort ${sortType} first page`] = await timed(() => get(base));
      let cursor = '';
      for (let p = 1; p < DEEP; p++) cursor = String((await get(`${base}${cursor ? `&pageCursor=${encodeURIComponent(cursor)}` : ''}`)).nextPageCursor);
      const deep = `${base}&pageCursor=${encodeURIComponent(cursor)}`;
      results[`${label} sort ${sortType} page ${DEEP}`] = await timed(() => get(deep));
    }
  }
  let pageNum = 1;
  results['ListAlbums pages'] = await timed(() => get(`/koodrive/ose/v1/album/list?albumKind=1&albumType=2&pageSize=100&pageNum=${(pageNum++ % 100) + 1}`));
  let sharedPage = 0;
  results['ListAlbums shared pages (family of 10, 1,000 albums)'] = await timed(() => get(`/koodrive/ose/v1/album/list?albumKind=2&albumType=2&pageSize=100&pageNum=${(sharedPage++ % 10) + 1}`));
  results['ListAlbums shared pages by groupId'] = await timed(() => get(`/koodrive/ose/v1/album/list?albumKind=2&albumType=2&pageSize=100&groupId=${family.groupId}&pageNum=${(sharedPage++ % 10) + 1}`));
  let adding = true;
  results['add 100 / remove 100'] = await timed(async () => {
    const res = adding
      ? await fetch(`${server.url}/koodrive/ose/v1/album/${manualId}/add`, { method: 'POST', headers, body: JSON.stringify({ fileIds: spare.map((fileId) => ({ fileId, ownerId: userId })) }) })
      : await fetch(`${server.url}/koodrive/ose/v1/${manualId}/batchDelete`, { method: 'DELETE', headers, body: JSON.stringify({ ids: spare }) });
    if (res.status !== 200) throw new Error(await res.text());
    await res.arrayBuffer();
    adding = !adding;
  });
  const worstListing = Math.max(...Object.entries(results).filter(([k]) => k.includes('page') && !k.startsWith('ListAlbums')).map(([, v]) => v.p99));
  const personalList = results['ListAlbums pages']!.p99;
  const sharedList = Math.max(results['ListAlbums shared pages (family of 10, 1,000 albums)']!.p99, results['ListAlbums shared pages by groupId']!.p99);
  const ratios = [1, 2, 3].flatMap((s) => ['manual', 'collection'].map((a) => results[`${a} sort ${s} page ${DEEP}`]!.p99 / results[`${a} sort ${s} first page`]!.p99));
  console.log(JSON.stringify({ benchmark: 'album content at scale', files: FILES, albums: ALBUMS, manualItems: ITEMS, seedSeconds: Number(seedSeconds.toFixed(1)), requestsEach: REQUESTS, results }, null, 2));
  console.log(`Album content: worst listing p99 ${worstListing} ms (goal ≤ 10), worst deep/first p99 ratio ${Math.max(...ratios).toFixed(2)} (goal ≤ 1.5), add/remove 100 p99 ${results['add 100 / remove 100']!.p99} ms (goal ≤ 20)`);
  console.log(`ListAlbums: personal p99 ${personalList} ms, shared p99 ${sharedList} ms (goal ≤ 10; shared/personal ${(sharedList / personalList).toFixed(2)})`);
} finally {
  server.child.kill('SIGTERM');
  await new Promise((r) => server.child.on('exit', r));
  fs.rmSync(dataDir, { recursive: true, force: true });
}
