import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../src/config.js';
import { createStore } from '../src/db/database.js';
import { runCli } from '../test/helpers/process.js';
import { seedLibrary } from './seed.js';
import { seedFamily } from './seed-family.js';
import { startServer } from './server.js';
import { benchDatabaseEnv, benchDialect } from './database.js';

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
const env = { ALBUMD_DATA_DIR: dataDir, ALBUMD_RATE_LIMIT: '0', LOG_LEVEL: 'warn', ALBUMD_MAX_ALBUMS: '100000000', ALBUMD_MAX_ALBUM_ITEMS: String(ITEMS + 100), ...(await benchDatabaseEnv()) };
console.log(`albums: on ${benchDialect()}`);
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
  await repos.albums.setItemCount(collectionId, await repos.files.countInFolders(containerId, folderIds.slice(0, 30), ['15', '20']));
});
// A family of 10 with 1,000 shared albums: ListAlbums albumKind=2 should cost what personal albums do.
const family = await seedFamily(store, { userId }, { members: 10, albums: 1000 }, nextId);
await store.close();
const seedSeconds = (performance.now() - t0) / 1000;
// The seeding leaves about a gigabyte of dirty pages; their write-back would otherwise slow the
// first measurements (every fsync waits behind it) and charge the server for the bulk load.
execFileSync('sync');

const server = await startServer(env);
// The measuring client runs in a process of its own: this one carries the seeding's heap, whose
// garbage collections would show up as latency that the server never had.
const plan = path.join(dataDir, 'plan.json');
fs.writeFileSync(plan, JSON.stringify({ url: server.url, user, manualId, collectionId, spare, groupId: family.groupId, requests: REQUESTS, deep: DEEP, files: FILES, albums: ALBUMS, items: ITEMS, seedSeconds }));
try {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./album-measure.ts', import.meta.url)), plan], { stdio: 'inherit' });
  const code = await new Promise<number | null>((r) => child.on('exit', r));
  if (code !== 0) throw new Error(`album-measure exited with ${code}`);
} finally {
  server.child.kill('SIGTERM');
  await new Promise((r) => server.child.on('exit', r));
  fs.rmSync(dataDir, { recursive: true, force: true });
}
