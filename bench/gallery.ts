import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import sharp from 'sharp';
import { loadConfig } from '../src/config.js';
import { createStore } from '../src/db/database.js';
import { createThumbStore } from '../src/storage/thumb-store.js';
import { formatXDate } from '../src/domain/auth/credentials.js';
import { runCli, ROOT } from '../test/helpers/process.js';
import { CHROMIUM, hasChromium, launch } from '../test/e2e/browser.js';
import { seedLibrary } from './seed.js';
import { startServer } from './server.js';

/**
 * The web gallery at scale, in Chromium: from navigation to the first 60 thumbnails painted in a
 * 100,000-item collection album (out of 1,000,000 files), against a bare static page showing the
 * same 60 thumbnail URLs in the same run; then 20 pages scrolled, with the main thread's long tasks
 * (> 50 ms) recorded. Every run uses a fresh browser context (nothing cached).
 */
const quick = process.argv.includes('--quick');
const FILES = quick ? 200_000 : 1_000_000;
const SCOPE_FILES = 100_000;
const RUNS = quick ? 3 : 7;
const SHOWN = 60;

if (!hasChromium) {
  console.log(`gallery: skipped, no Chromium at ${CHROMIUM} (apt-get install chromium)`);
  process.exit(0);
}

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'albumd-bench-gallery-'));
const env = { ALBUMD_DATA_DIR: dataDir, ALBUMD_RATE_LIMIT: '0', LOG_LEVEL: 'warn' };
const phone = '+8613700000003';
const password = 'bench-password';
const user = await runCli(['user', 'add', '--phone', phone, '--password', password], env);
const userId = String(user.userId);
const containerId = String(user.containerId);

const t0 = performance.now();
const store = createStore(loadConfig(env).database);
await store.migrate();
const root = (await store.read.containers.findById(containerId))!.root_folder_id;
const { folderIds } = await seedLibrary(store, { containerId, rootFolderId: root, userId }, { files: FILES, folders: 1000, heavyFolders: 30, heavyFiles: SCOPE_FILES });
const albumId = (BigInt(Date.now() - 1288834974657) << 22n).toString();
await store.write(async (repos) => {
  const now = Date.now();
  await repos.albums.insert({ id: albumId, owner_id: userId, creator_id: userId, album_type: 1, album_kind: 1, name: 'Big collection', scope_parent_folder_id: 'root', scope_kind: '1,2', container_id: containerId, group_id: null, share_folder_id: null, cover_file_id: null, create_time: now, update_time: now }, folderIds.slice(0, 30));
  await repos.users.adjustAlbumCount(userId, 1);
  await repos.albums.setItemCount(albumId, await repos.files.countInFolders(containerId, folderIds.slice(0, 30), ['15', '20']));
});
await store.close();
// Seeded rows share one content: its thumbnails are made once, at every size, as uploads make them.
const thumbs = createThumbStore(dataDir);
const photo = sharp({ create: { width: 1600, height: 1200, channels: 3, background: '#3b82f6' } }).jpeg({ quality: 80 });
for (const [size, edge] of [['s', 256], ['m', 720], ['l', 1440]] as const) await thumbs.write('a'.repeat(64), size, await photo.clone().resize(edge, edge, { fit: 'inside' }).toBuffer());
console.log(`gallery: seeded ${FILES} files in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
execFileSync('sync');

// The gallery as `npm start` serves it (or one built elsewhere, with ALBUMD_GALLERY_DIR).
const galleryDir = process.env.ALBUMD_GALLERY_DIR ?? path.join(ROOT, 'dist/web');
if (!process.env.ALBUMD_GALLERY_DIR) execFileSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'], { cwd: ROOT, stdio: 'inherit' });
const assets = path.join(galleryDir, 'assets');
const bundle = fs
  .readdirSync(assets)
  .filter((f) => f.endsWith('.js'))
  .reduce((sum, f) => sum + zlib.gzipSync(fs.readFileSync(path.join(assets, f)), { level: 9 }).length, 0);

const server = await startServer(env);
const login = (await (
  await fetch(`${server.url}/koodrive/ose/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ account: phone, authType: '1', password }) })
).json()) as { data: { sessionInfo: { accessToken: string; refreshToken: string } } };
const session = { userId, name: 'bench', accessToken: login.data.sessionInfo.accessToken, refreshToken: login.data.sessionInfo.refreshToken, refreshAt: Date.now() + 20 * 60_000 };
const firstPage = (await (
  await fetch(`${server.url}/koodrive/ose/v1/album/${albumId}/list?pageSize=${SHOWN}`, {
    headers: { authorization: `Bearer+${session.accessToken}`, 'x-user-id': userId, 'x-date': formatXDate(Date.now()) },
  })
).json()) as { contentList: { thumbnailUrl: string }[]; total: number };
const urls = firstPage.contentList.map((c) => c.thumbnailUrl);
const bare = `<!doctype html><meta charset="utf-8"><title>bare</title><style>body{margin:0;display:grid;grid-template-columns:repeat(8,150px);gap:2px}img{width:150px;height:150px;object-fit:cover}</style>${urls.map((u) => `<img src="${u}" alt="">`).join('')}`;

const browser = await launch();
// A function, not a string: the gallery's CSP allows no eval.
const allPainted = (n: number): number => ([...document.querySelectorAll('img')].filter((i) => i.complete && i.naturalWidth > 0).length >= n ? performance.now() : 0);

async function galleryRun(): Promise<{ first: number; scroll: number; longest: number; longTasks: number; pages: number }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.addInitScript((s) => localStorage.setItem('albumd.session', s), JSON.stringify(session));
  const page = await context.newPage();
  let pages = 0;
  page.on('request', (r) => {
    if (r.url().includes(`/album/${albumId}/list`) && r.url().includes('pageSize=100')) pages += 1;
  });
  await page.goto(`${server.url}/#/album/${albumId}`);
  const first = Number(await (await page.waitForFunction(allPainted, SHOWN, { polling: 'raf', timeout: 60_000 })).jsonValue());
  // Scroll a screen at a time, as fast as the grid fills what comes into view (a screen per frame
  // at most), until the 20th page's last item is shown; long tasks observed meanwhile.
  const scrolled = await page.evaluate(async (lastIndex) => {
    const tasks: number[] = [];
    new PerformanceObserver((list) => list.getEntries().forEach((e) => tasks.push(e.duration))).observe({ type: 'longtask' });
    const scroller = document.querySelector<HTMLElement>('.scroller')!;
    const cell = document.querySelector<HTMLElement>('.cell')!.offsetHeight;
    const columns = Math.round(scroller.clientWidth / cell);
    const start = performance.now();
    while (!document.querySelector(`.cell[data-index="${lastIndex}"]`)) {
      const wanted = Math.min(lastIndex, Math.floor((scroller.scrollTop + scroller.clientHeight) / cell) * columns);
      // (No named helper here: the bundler would wrap it in a function the page does not have.)
      const shown = Math.max(-1, ...[...document.querySelectorAll('.cell')].map((c) => Number(c.getAttribute('data-index'))));
      if (shown >= wanted) scroller.scrollTop += scroller.clientHeight;
      await new Promise((r) => requestAnimationFrame(r));
      if (performance.now() - start > 120_000) throw new Error('scrolling did not reach the 20th page');
    }
    await new Promise((r) => setTimeout(r, 200));
    return { ms: performance.now() - start, tasks };
  }, 20 * 100 - 1);
  await context.close();
  return { first, scroll: scrolled.ms, longest: Math.max(0, ...scrolled.tasks), longTasks: scrolled.tasks.length, pages };
}

// The bare page comes from a server of its own (no request interception, which would slow every
// image); its images come from albumd, as the gallery's do.
const bareServer = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(bare));
await new Promise<void>((r) => bareServer.listen(0, '127.0.0.1', r));
const bareUrl = `http://127.0.0.1:${(bareServer.address() as AddressInfo).port}/`;

async function bareRun(): Promise<number> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.goto(bareUrl);
  const t = Number(await (await page.waitForFunction(allPainted, SHOWN, { polling: 'raf', timeout: 60_000 })).jsonValue());
  await context.close();
  return t;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
try {
  // Warm both paths once (the server's first reads, Chromium's first start), then alternate.
  await bareRun();
  await galleryRun();
  const g: Awaited<ReturnType<typeof galleryRun>>[] = [];
  const b: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    b.push(await bareRun());
    g.push(await galleryRun());
  }
  const gFirst = median(g.map((r) => r.first));
  const bFirst = median(b);
  console.log(`gallery: album of ${firstPage.total} items (of ${FILES} files), ${RUNS} runs each, fresh context per run`);
  console.log(`  first ${SHOWN} thumbnails painted: gallery ${gFirst.toFixed(0)} ms, bare page ${bFirst.toFixed(0)} ms → ratio ${(gFirst / bFirst).toFixed(2)} (goal ≤ 1 s and ≤ 2×)`);
  console.log(`  20 pages scrolled: median ${median(g.map((r) => r.scroll)).toFixed(0)} ms; pages requested ${g.map((r) => r.pages).join(',')}`);
  console.log(`  long tasks while scrolling: ${g.map((r) => r.longTasks).join(',')}; longest ${Math.max(...g.map((r) => r.longest)).toFixed(0)} ms (goal: none over 50 ms)`);
  console.log(`  JavaScript bundle: ${(bundle / 1024).toFixed(1)} kB gzipped (goal < 150 kB)`);
} finally {
  await browser.close();
  bareServer.close();
  server.child.kill('SIGTERM');
  await new Promise((r) => server.child.on('exit', r));
  fs.rmSync(dataDir, { recursive: true, force: true });
}
