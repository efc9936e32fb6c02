import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import type { Browser } from 'playwright-core';
import { client, startTestApp, type Api, type TestApp, type TestUser } from '../helpers/app.js';
import { seedLibrary } from '../../bench/seed.js';
import { hasChromium, launch, withPage } from './browser.js';

/**
 * The web gallery in real Chromium against a real albumd on a real SQLite file: it is a client of
 * the public API only.
 */

const PASSWORD = 'correct horse battery';

describe('the web gallery', { skip: hasChromium ? false : 'Chromium is not installed (apt-get install chromium)' }, () => {
  let t: TestApp;
  let u: TestUser;
  let api: Api;
  let origin: string;
  let browser: Browser;
  const ids: Record<string, string> = {};

  const png = (colour: string) => sharp({ create: { width: 64, height: 48, channels: 3, background: colour } }).png().toBuffer();

  before(async () => {
    t = await startTestApp();
    u = await t.newUser('Ann');
    api = client(t, u);
    origin = await t.app.listen({ port: 0, host: '127.0.0.1' });
    // Two photos: "older" was taken later but added first.
    const folder = await api.folder('Trip');
    ids.later = String((await api.upload('later.png', await png('#c0392b'), folder, { createdTime: '2021-05-01T10:00:00Z' })).body.id);
    ids.earlier = String((await api.upload('earlier.png', await png('#2980b9'), folder, { createdTime: '2020-05-01T10:00:00Z' })).body.id);
    ids.manual = String((await api.createAlbum({ type: 2, albumKind: 1, name: 'Best of' })).body.albumId);
    for (const id of [ids.later, ids.earlier]) {
      await api.call('POST', `/koodrive/ose/v1/album/${ids.manual}/add`, { fileIds: [{ fileId: id, ownerId: u.userId }] });
      await new Promise((r) => setTimeout(r, 5));
    }
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
    await t?.close();
  });

  const signIn = async (page: import('playwright-core').Page, password = PASSWORD) => {
    await page.goto(origin);
    await page.getByLabel('Phone number').fill(u.phone);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
  };
  const cellNames = (page: import('playwright-core').Page) => page.locator('.cell').evaluateAll((cells) => cells.map((c) => c.getAttribute('aria-label')));

  test('a wrong password is shown in words', async (ctx) => {
    await withPage(ctx, browser, async (page) => {
      await signIn(page, 'not the password');
      await page.getByRole('alert').waitFor();
      assert.match(await page.getByRole('alert').innerText(), /Authentication failed/);
    });
  });

  test('sign in, open an album, see its photos in order, change the sort, step through the viewer', async (ctx) => {
    await withPage(ctx, browser, async (page) => {
      await signIn(page);
      await page.getByRole('link', { name: /Best of/ }).click();
      await page.locator('.cell').nth(1).waitFor();
      // Manual albums open newest-added first.
      assert.deepEqual(await cellNames(page), ['earlier.png', 'later.png']);
      // The thumbnails are real images from albumd.
      await page.waitForFunction(() => [...document.querySelectorAll<HTMLImageElement>('.cell img')].every((i) => i.complete && i.naturalWidth > 0));
      await page.getByLabel('Sort by').selectOption({ label: 'Shooting time' });
      await page.waitForFunction(() => document.querySelector('.cell')?.getAttribute('aria-label') === 'later.png');
      assert.deepEqual(await cellNames(page), ['later.png', 'earlier.png']);

      await page.locator('.cell').first().click();
      const dialog = page.getByRole('dialog');
      await dialog.waitFor();
      assert.equal(await dialog.getAttribute('aria-label'), 'later.png');
      await page.keyboard.press('ArrowRight');
      await page.waitForFunction(() => document.querySelector('[role=dialog]')?.getAttribute('aria-label') === 'earlier.png');
      assert.match(await dialog.innerText(), /64 × 48/);
      await page.keyboard.press('ArrowLeft');
      await page.waitForFunction(() => document.querySelector('[role=dialog]')?.getAttribute('aria-label') === 'later.png');
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'detached' });
    });
  });

  test('a 2,000-item album scrolled to its end loads every page once, with few cells alive', async (ctx) => {
    const root = (await t.store.read.containers.findById(u.containerId))!.root_folder_id;
    const { folderIds } = await seedLibrary(t.store, { containerId: u.containerId, rootFolderId: root, userId: u.userId }, { files: 2000, folders: 1 });
    const album = String((await api.createAlbum({ type: 1, albumKind: 1, name: 'Big', scopeParentFolderId: 'root', scopeDir: folderIds, scopeKind: '1,2' })).body.albumId);
    await withPage(ctx, browser, async (page) => {
      const pages: string[] = [];
      page.on('request', (r) => {
        // The grid's pages (the album card's mosaic asks for 4 items apart).
        const url = new URL(r.url());
        if (url.pathname.endsWith(`/album/${album}/list`) && url.searchParams.get('pageSize') === '100') pages.push(url.searchParams.get('pageCursor') ?? '');
      });
      await signIn(page);
      await page.getByRole('link', { name: /Big/ }).click();
      await page.locator('.cell').first().waitFor();
      let most = 0;
      for (let i = 0; i < 200; i++) {
        const state = await page.locator('.scroller').evaluate((s) => {
          s.scrollTop = s.scrollHeight;
          return { cells: s.querySelectorAll('.cell').length, last: s.querySelector('.cell[data-index="1999"]') !== null };
        });
        most = Math.max(most, state.cells);
        if (state.last) break;
        await page.waitForTimeout(50);
      }
      assert.ok(await page.locator('.cell[data-index="1999"]').count(), 'the last item is reached');
      assert.equal(pages.length, 20, `20 pages of 100: ${pages.length}`);
      assert.equal(new Set(pages).size, pages.length, 'no page twice');
      assert.ok(most < 300, `${most} cells alive at most`);
    });
  });
});
