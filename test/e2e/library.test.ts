import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { client, startTestApp, tempDir, type TestApp, type TestUser } from '../helpers/app.js';
import { familyClient } from '../helpers/family.js';
import { seedLibrary } from '../../bench/seed.js';
import { hasChromium, launch, withPage } from './browser.js';

/**
 * The library view in real Chromium against a real albumd: spaces and folders, the grid, uploads
 * through the file picker (one PUT, 8 MiB parts, rapid upload), multi-select into an album, and
 * refusals in words. Everything goes through the public API the page calls.
 */

const PASSWORD = 'correct horse battery';
const FIXTURES = path.resolve(import.meta.dirname, '../fixtures');
const fixture = (name: string) => path.join(FIXTURES, name);
const JPEG = fs.readFileSync(fixture('sample.jpg'));
const UPLOAD = 'Upload photos or videos';

/** A JPEG with content of its own (bytes after the end marker are ignored by decoders). */
const photo = (tag: string, size = JPEG.length + 64): Buffer => {
  const pad = crypto.randomBytes(size - JPEG.length);
  pad.write(tag);
  return Buffer.concat([JPEG, pad]);
};

describe('the library', { skip: hasChromium ? false : 'Chromium is not installed (apt-get install chromium)' }, () => {
  let t: TestApp;
  let origin: string;
  let browser: Browser;
  let scratch: string;

  before(async () => {
    t = await startTestApp();
    origin = await t.app.listen({ port: 0, host: '127.0.0.1' });
    browser = await launch();
    scratch = tempDir('albumd-library-');
  });
  after(async () => {
    await browser?.close();
    await t?.close();
  });

  const signIn = async (page: Page, u: TestUser, hash = '#/library') => {
    await page.goto(`${origin}/${hash}`);
    await page.getByLabel('Phone number').fill(u.phone);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('navigation', { name: 'Spaces' }).waitFor();
  };

  const open = (page: Page, hash: string) => page.evaluate((h) => (location.hash = h), hash);

  /** Waits until every upload has ended, then tells how each did: [name, state, words]. */
  const uploadsEnded = async (page: Page, count: number) => {
    await page.waitForFunction(
      (n) => {
        const rows = [...document.querySelectorAll('.upload')];
        return rows.length === n && rows.every((r) => ['done', 'rapid', 'failed', 'cancelled'].includes(r.getAttribute('data-state') ?? ''));
      },
      count,
      { timeout: 30_000 },
    );
    return page.locator('.upload').evaluateAll((rows) => rows.map((r) => [r.querySelector('.name')?.textContent, r.getAttribute('data-state'), r.querySelector('.state')?.textContent]));
  };

  const cellNames = (page: Page) => page.locator('.cell').evaluateAll((cells) => cells.map((c) => c.getAttribute('aria-label')));

  const fileRequests = (page: Page) => {
    const seen: { method: string; path: string; body: string | null }[] = [];
    page.on('request', (r) => {
      const url = new URL(r.url());
      if (url.pathname.includes('/files/')) seen.push({ method: r.method(), path: url.pathname.replace('/koodrive/ose/v1', '').replace(/\/F[\w-]{32}\//, '/<id>/'), body: r.method() === 'POST' ? r.postData() : null });
    });
    return seen;
  };

  test('sign in, make a folder, upload a JPEG, a HEIC and an MP4 through the picker: three cells, each done, and the viewer opens', async (ctx) => {
    const u = await t.newUser('Ann');
    await withPage(ctx, browser, async (page) => {
      await page.goto(origin);
      await page.getByLabel('Phone number').fill(u.phone);
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('link', { name: 'Library' }).click();
      assert.equal(await page.getByRole('link', { name: 'My library' }).first().getAttribute('aria-current'), 'page');

      await page.getByLabel('New folder name').fill('Holiday');
      await page.getByRole('button', { name: 'Create folder' }).click();
      await page.getByRole('status').filter({ hasText: 'Folder “Holiday” created.' }).waitFor();
      await page.getByRole('navigation', { name: 'Folders' }).getByRole('link', { name: 'Holiday' }).click();
      const crumbs = page.getByRole('navigation', { name: 'Folder path' });
      await crumbs.getByRole('link', { name: 'Holiday' }).waitFor();
      assert.equal(await crumbs.getByRole('link', { name: 'Holiday' }).getAttribute('aria-current'), 'page');

      await page.getByLabel(UPLOAD).setInputFiles([fixture('sample.jpg'), fixture('sample.heic'), fixture('sample.mp4')]);
      assert.deepEqual(await uploadsEnded(page, 3), [
        ['sample.jpg', 'done', 'Done'],
        ['sample.heic', 'done', 'Done'],
        ['sample.mp4', 'done', 'Done'],
      ]);
      // Each bar full, and the one over them all.
      const bars = await page.locator('.uploads progress').evaluateAll((ps) => ps.map((p) => [(p as HTMLProgressElement).value, (p as HTMLProgressElement).max]));
      assert.equal(bars.length, 4);
      for (const [value, max] of bars) assert.equal(value, max);

      // The grid reads the folder again: three cells, the video badged, thumbnails at grid size.
      await page.waitForFunction(() => document.querySelectorAll('.cell').length === 3);
      assert.deepEqual(await cellNames(page), ['sample.heic', 'sample.jpg', 'sample.mp4']);
      assert.equal(await page.locator('.cell[aria-label="sample.mp4"] .badge').count(), 1);
      assert.equal(await page.locator('.cell[aria-label="sample.jpg"] .badge').count(), 0);
      await page.waitForFunction(() => [...document.querySelectorAll<HTMLImageElement>('.cell img')].length === 3 && [...document.querySelectorAll<HTMLImageElement>('.cell img')].every((i) => i.complete && i.naturalWidth > 0), null, { timeout: 30_000 });
      for (const src of await page.locator('.cell img').evaluateAll((is) => is.map((i) => i.getAttribute('src')))) assert.match(src ?? '', /[?&]size=s(&|$)/);
      for (const lazy of await page.locator('.cell img').evaluateAll((is) => is.map((i) => i.getAttribute('loading')))) assert.equal(lazy, 'lazy');

      // Keyboard: Enter on a cell opens the viewer at it, with the large thumbnail.
      await page.locator('.cell[aria-label="sample.jpg"]').focus();
      await page.keyboard.press('Enter');
      const viewer = page.getByRole('dialog');
      await viewer.waitFor();
      assert.equal(await viewer.getAttribute('aria-label'), 'sample.jpg');
      assert.match((await viewer.locator('img').getAttribute('src')) ?? '', /[?&]size=l(&|$)/);
      assert.match(await viewer.innerText(), /320 × 240/);
      await page.keyboard.press('ArrowRight');
      await page.waitForFunction(() => document.querySelector('[role=dialog]')?.getAttribute('aria-label') === 'sample.mp4');
      await page.keyboard.press('Escape');
      await viewer.waitFor({ state: 'detached' });
    });
  });

  test('the same photo uploaded again into another folder is a rapid upload: shown as such, no bytes sent', async (ctx) => {
    const u = await t.newUser();
    const api = client(t, u);
    const first = await api.folder('First');
    const second = await api.folder('Second');
    await withPage(ctx, browser, async (page) => {
      await signIn(page, u, `#/library/personal/${first}`);
      await page.getByLabel(UPLOAD).setInputFiles(fixture('sample.jpg'));
      assert.deepEqual(await uploadsEnded(page, 1), [['sample.jpg', 'done', 'Done']]);

      await page.getByRole('button', { name: 'Clear finished' }).click();
      await open(page, `#/library/personal/${second}`);
      await page.getByRole('navigation', { name: 'Folder path' }).getByRole('link', { name: 'Second' }).waitFor();
      const requests = fileRequests(page);
      await page.getByLabel(UPLOAD).setInputFiles(fixture('sample.jpg'));
      assert.deepEqual(await uploadsEnded(page, 1), [['sample.jpg', 'rapid', 'Already stored (rapid upload — no bytes sent)']]);
      assert.deepEqual(
        requests.filter((r) => r.path !== '/files/0').map((r) => `${r.method} ${r.path}`),
        ['POST /files/create'],
        'one create, no part sent, nothing to complete',
      );
      await page.waitForFunction(() => document.querySelectorAll('.cell').length === 1);
      assert.deepEqual(await cellNames(page), ['sample.jpg']);
    });
  });

  test('a file above 8 MiB goes create → parts → complete and its progress reaches 100 %; the threshold can be lowered', async (ctx) => {
    const u = await t.newUser();
    const big = path.join(scratch, 'big.jpg');
    const bytes = photo('big', 9 * 1024 * 1024);
    fs.writeFileSync(big, bytes);
    await withPage(ctx, browser, async (page) => {
      await signIn(page, u, '#/library/personal/root');
      const requests = fileRequests(page);
      // The bar's value, sampled every frame while it sends: it must grow, and end full. (A string:
      // tsx would wrap a named function in a helper the page does not have.)
      await page.evaluate(`
        window.samples = [];
        (function tick() {
          const bar = document.querySelector('.upload progress');
          if (bar && document.querySelector('.upload')?.getAttribute('data-state') === 'sending') window.samples.push(bar.value / bar.max);
          requestAnimationFrame(tick);
        })();
      `);
      await page.getByLabel(UPLOAD).setInputFiles(big);
      assert.deepEqual(await uploadsEnded(page, 1), [['big.jpg', 'done', 'Done']]);
      const sent = requests.filter((r) => r.path !== '/files/0').map((r) => `${r.method} ${r.path}`);
      assert.deepEqual(sent, ['POST /files/create', 'PUT /files/<id>/part', 'PUT /files/<id>/part', 'POST /files/complete']);
      const create = JSON.parse(requests.find((r) => r.path === '/files/create')!.body ?? '{}') as Record<string, unknown>;
      assert.equal(create.uploadMode, 'multipart');
      assert.equal(create.length, bytes.length);
      assert.equal(create.sha256, crypto.createHash('sha256').update(bytes).digest('hex'));
      const [value, max] = await page.locator('.upload progress').evaluate((p) => [(p as HTMLProgressElement).value, (p as HTMLProgressElement).max]);
      assert.equal(max, bytes.length);
      assert.equal(value, max, 'the bar ends full');
      const samples = await page.evaluate(() => (window as unknown as { samples: number[] }).samples);
      assert.ok(samples.length > 0, 'the bar was seen while sending');
      assert.deepEqual([...samples].sort((a, b) => a - b), samples, 'it never went back');
      await page.waitForFunction(() => document.querySelector('.cell')?.getAttribute('aria-label') === 'big.jpg');
      const listed = await client(t, u).list(0, { parentFileId: 'root' });
      assert.deepEqual((listed.body.files as { fileName: string; size: number }[]).map((f) => [f.fileName, f.size]), [['big.jpg', bytes.length]]);

      // A lowered threshold (a setting for slow links, and for this test) sends a small video in parts too.
      await page.getByRole('button', { name: 'Clear finished' }).click();
      await page.evaluate(() => localStorage.setItem('albumd.multipartAbove', '1000'));
      requests.length = 0;
      await page.getByLabel(UPLOAD).setInputFiles(fixture('sample.mov'));
      assert.deepEqual(await uploadsEnded(page, 1), [['sample.mov', 'done', 'Done']]);
      const small = JSON.parse(requests.find((r) => r.path === '/files/create')!.body ?? '{}') as Record<string, unknown>;
      assert.equal(small.uploadMode, 'multipart');
    });
  });

  test('select two photos with shift-click and add them to a new album: the album shows those two', async (ctx) => {
    const u = await t.newUser();
    const api = client(t, u);
    const folder = await api.folder('Pick');
    for (const n of [1, 2, 3, 4]) await api.upload(`p${n}.jpg`, photo(`pick-${n}`), folder);
    await withPage(ctx, browser, async (page) => {
      await signIn(page, u, `#/library/personal/${folder}`);
      await page.waitForFunction(() => document.querySelectorAll('.cell').length === 4);
      await page.getByRole('button', { name: 'Select', exact: true }).click();
      await page.locator('.cell[data-index="1"]').click();
      await page.locator('.cell[data-index="2"]').click({ modifiers: ['Shift'] });
      assert.deepEqual(await page.locator('.cell').evaluateAll((cs) => cs.map((c) => c.getAttribute('aria-pressed'))), ['false', 'true', 'true', 'false']);
      await page.getByText('2 selected').waitFor();
      await page.getByRole('button', { name: 'Add to album' }).click();
      const dialog = page.getByRole('dialog', { name: 'Add 2 items to an album' });
      await dialog.getByLabel('Or a new album named').fill('Picked');
      await dialog.getByRole('button', { name: 'Add to album' }).click();
      await page.getByRole('status').filter({ hasText: 'Added 2 items to “Picked”.' }).waitFor();
      await dialog.waitFor({ state: 'detached' });

      const albums = await api.listAlbums('albumKind=1&albumType=2');
      const picked = (albums.body.albumList as { id: string; name: string }[]).find((a) => a.name === 'Picked');
      assert.ok(picked, 'the album was made');
      await open(page, `#/album/${picked.id}`);
      await page.getByText('2 items').waitFor();
      await page.waitForFunction(() => document.querySelectorAll('.cell').length === 2);
      assert.deepEqual((await cellNames(page)).sort(), ['p2.jpg', 'p3.jpg']);
    });
  });

  test('refusals are shown in words: a taken folder name, an upload into a folder deleted meanwhile', async (ctx) => {
    const u = await t.newUser();
    const api = client(t, u);
    await api.folder('Taken');
    const doomed = await api.folder('Doomed');
    await withPage(ctx, browser, async (page) => {
      await signIn(page, u, '#/library/personal/root');
      await page.getByLabel('New folder name').fill('Taken');
      await page.getByRole('button', { name: 'Create folder' }).click();
      const alert = page.getByRole('alert');
      await alert.waitFor();
      assert.equal(await alert.innerText(), 'Duplicate file name.');
      assert.equal(await page.getByLabel('New folder name').getAttribute('aria-invalid'), 'true');

      await open(page, `#/library/personal/${doomed}`);
      await page.getByRole('navigation', { name: 'Folder path' }).getByRole('link', { name: 'Doomed' }).waitFor();
      const gone = await api.job(2, [doomed], { actionType: 202 });
      assert.equal(gone.status, 200, JSON.stringify(gone.body));
      await page.getByLabel(UPLOAD).setInputFiles(fixture('sample.jpg'));
      assert.deepEqual(await uploadsEnded(page, 1), [['sample.jpg', 'failed', 'Resource does not exist.']]);
      await page.getByRole('button', { name: 'Try again: sample.jpg' }).waitFor();
    });
  });

  test('files dropped onto the folder are uploaded into it', async (ctx) => {
    const u = await t.newUser();
    const folder = await client(t, u).folder('Dropped');
    await withPage(ctx, browser, async (page) => {
      await signIn(page, u, `#/library/personal/${folder}`);
      await page.getByRole('navigation', { name: 'Folder path' }).getByRole('link', { name: 'Dropped' }).waitFor();
      const files = [
        { name: 'one.jpg', base64: photo('drop-1').toString('base64') },
        { name: 'two.jpg', base64: photo('drop-2').toString('base64') },
      ];
      const dataTransfer = await page.evaluateHandle((list) => {
        const dt = new DataTransfer();
        for (const f of list) dt.items.add(new File([Uint8Array.from(atob(f.base64), (c) => c.charCodeAt(0))], f.name, { type: 'image/jpeg' }));
        return dt;
      }, files);
      await page.dispatchEvent('.library', 'dragenter', { dataTransfer });
      await page.dispatchEvent('.library', 'dragover', { dataTransfer });
      assert.equal(await page.locator('.library.dragging').count(), 1, 'the drop area shows it will take the files');
      await page.dispatchEvent('.library', 'drop', { dataTransfer });
      assert.deepEqual(await uploadsEnded(page, 2), [
        ['one.jpg', 'done', 'Done'],
        ['two.jpg', 'done', 'Done'],
      ]);
      await page.waitForFunction(() => document.querySelectorAll('.cell').length === 2);
      assert.deepEqual(await cellNames(page), ['one.jpg', 'two.jpg']);
      assert.equal(await page.locator('.library.dragging').count(), 0);
    });
  });

  test('a family space: chosen among the spaces, uploads land in it', async (ctx) => {
    const u = await t.newUser();
    const fam = familyClient(t, u);
    const family = await fam.createFamily('Home');
    await withPage(ctx, browser, async (page) => {
      await signIn(page, u);
      await page.getByRole('navigation', { name: 'Spaces' }).getByRole('link', { name: 'Home' }).click();
      await page.getByRole('navigation', { name: 'Folder path' }).getByRole('link', { name: 'Home', exact: true }).waitFor();
      await page.getByLabel(UPLOAD).setInputFiles(fixture('sample.jpg'));
      assert.deepEqual(await uploadsEnded(page, 1), [['sample.jpg', 'done', 'Done']]);
      await page.waitForFunction(() => document.querySelectorAll('.cell').length === 1);
      const listed = await fam.call('POST', '/koodrive/ose/v1/files/0', { containerId: family.containerId, parentFileId: 'root' }, { 'x-hw-share-folder-id': family.id });
      assert.deepEqual((listed.body.files as { fileName: string }[]).map((f) => f.fileName), ['sample.jpg']);
      assert.deepEqual((await client(t, u).list(0, { parentFileId: 'root' })).body.files, [], 'nothing in the personal space');
    });
  });

  test('on a 360 px wide screen the upload control and the grid are usable', async (ctx) => {
    const u = await t.newUser();
    const api = client(t, u);
    for (const n of [1, 2, 3, 4, 5]) await api.upload(`m${n}.jpg`, photo(`mobile-${n}`));
    await withPage(
      ctx,
      browser,
      async (page) => {
        await signIn(page, u, '#/library/personal/root');
        await page.waitForFunction(() => document.querySelectorAll('.cell').length === 5);
        const picker = page.locator('label', { hasText: UPLOAD });
        const box = (await picker.boundingBox())!;
        assert.ok(box.x >= 0 && box.x + box.width <= 360, `the upload control is on screen: ${JSON.stringify(box)}`);
        assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 360), 'nothing overflows sideways');
        const cell = (await page.locator('.cell').first().boundingBox())!;
        assert.ok(cell.width >= 100 && cell.x + cell.width * 3 <= 361, `three cells of ${cell.width} px a row`);

        await page.getByLabel(UPLOAD).setInputFiles(fixture('sample.heic'));
        assert.deepEqual(await uploadsEnded(page, 1), [['sample.heic', 'done', 'Done']]);
        await page.waitForFunction(() => document.querySelectorAll('.cell').length === 6);
        await page.locator('.cell[aria-label="sample.heic"]').click();
        await page.getByRole('dialog', { name: 'sample.heic' }).waitFor();
      },
      { viewport: { width: 360, height: 740 } },
    );
  });

  test('a folder of 2,000 files scrolled to its end reads every page once, with few cells alive', async (ctx) => {
    const u = await t.newUser();
    const root = (await t.store.read.containers.findById(u.containerId))!.root_folder_id;
    const { folderIds } = await seedLibrary(t.store, { containerId: u.containerId, rootFolderId: root, userId: u.userId }, { files: 2000, folders: 1 });
    await withPage(ctx, browser, async (page) => {
      const pages: string[] = [];
      page.on('request', (r) => {
        const body = r.url().endsWith('/files/0') ? (JSON.parse(r.postData() ?? '{}') as { fileType?: string; parentFileId?: string; pageInfo?: { pageCursor?: string } }) : undefined;
        if (body && body.parentFileId === folderIds[0] && !body.fileType) pages.push(body.pageInfo?.pageCursor ?? '');
      });
      await signIn(page, u, `#/library/personal/${folderIds[0]}`);
      await page.locator('.cell').first().waitFor();
      let most = 0;
      for (let i = 0; i < 300; i++) {
        const state = await page.evaluate(() => {
          scrollTo(0, document.documentElement.scrollHeight);
          return { cells: document.querySelectorAll('.cell').length, last: document.querySelector('.cell[data-index="1999"]') !== null };
        });
        most = Math.max(most, state.cells);
        if (state.last) break;
        await page.waitForTimeout(50);
      }
      assert.ok(await page.locator('.cell[data-index="1999"]').count(), 'the last file is reached');
      assert.equal(pages.length, 20, `20 pages of 100: ${pages.length}`);
      assert.equal(new Set(pages).size, pages.length, 'no page twice');
      assert.ok(most < 300, `${most} cells alive at most`);
      await page.getByText('2000 photos and videos').waitFor();
    });
  });
});
