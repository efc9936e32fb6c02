import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import type { Browser, Page } from 'playwright-core';
import { client, startTestApp, type Api, type TestApp, type TestUser } from '../helpers/app.js';
import { hasChromium, launch, withPage } from './browser.js';

/**
 * Album management in the gallery, in real Chromium against a real albumd: a collection album made
 * in the folder picker fills itself (and takes a photo uploaded later), a manual album is filled by
 * shift-click selection from another album, then emptied, renamed and deleted.
 */

const PASSWORD = 'correct horse battery';

describe('managing albums in the gallery', { skip: hasChromium ? false : 'Chromium is not installed (apt-get install chromium)' }, () => {
  let t: TestApp;
  let u: TestUser;
  let api: Api;
  let origin: string;
  let browser: Browser;
  let trip: string;

  const png = (colour: string) => sharp({ create: { width: 40, height: 30, channels: 3, background: colour } }).png().toBuffer();

  before(async () => {
    t = await startTestApp();
    u = await t.newUser('Bea');
    api = client(t, u);
    origin = await t.app.listen({ port: 0, host: '127.0.0.1' });
    trip = await api.folder('Trip');
    await api.folder('Work');
    const colours = ['#e74c3c', '#27ae60', '#2980b9'];
    for (const [i, colour] of colours.entries()) {
      await api.upload(`p${i + 1}.png`, await png(colour), trip, { createdTime: `202${i}-01-01T10:00:00Z` });
    }
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
    await t?.close();
  });

  const signIn = async (page: Page) => {
    await page.goto(origin);
    await page.getByLabel('Phone number').fill(u.phone);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('navigation').waitFor();
  };
  const cellNames = (page: Page) => page.locator('.cell').evaluateAll((cells) => cells.map((c) => c.getAttribute('aria-label')));
  const waitForCells = (page: Page, n: number) => page.waitForFunction((count) => document.querySelectorAll('.cell').length === count, n);

  test('a collection album made in the folder picker, then a manual album filled, emptied, renamed and deleted', async (ctx) => {
    await withPage(ctx, browser, async (page) => {
      await signIn(page);

      // A collection album over Trip, photos only.
      await page.getByRole('button', { name: /New collection album/ }).click();
      const form = page.getByRole('dialog');
      await form.getByLabel('Name').fill('Trip photos');
      await form.getByRole('checkbox', { name: 'Trip' }).check();
      await form.getByRole('checkbox', { name: 'Videos' }).uncheck();
      await form.getByRole('button', { name: 'Create' }).click();
      await page.waitForURL(/#\/album\//);
      const collectionId = decodeURIComponent(new URL(page.url()).hash.split('/')[2] ?? '');
      await waitForCells(page, 3);
      // Collection albums open newest shooting time first.
      assert.deepEqual(await cellNames(page), ['p3.png', 'p2.png', 'p1.png']);
      const listed = await api.listAlbums('albumKind=1&albumType=1');
      const made = (listed.body.albumList as { id: string; scopeDir: string[]; scopeKind: string }[]).find((a) => a.id === collectionId);
      assert.deepEqual(made && { scopeDir: made.scopeDir, scopeKind: made.scopeKind }, { scopeDir: [trip], scopeKind: '1' });

      // It is live: a photo uploaded into Trip later is in it when the album is opened again.
      await api.upload('p4.png', await png('#f1c40f'), trip, { createdTime: '2024-01-01T10:00:00Z' });
      await page.reload();
      await waitForCells(page, 4);
      assert.equal((await cellNames(page))[0], 'p4.png');

      // A new manual album, empty.
      await page.getByRole('link', { name: /Back to albums/ }).click();
      await page.getByRole('button', { name: /New album/ }).click();
      await page.getByRole('dialog').getByLabel('Name').fill('Picks');
      await page.getByRole('dialog').getByRole('button', { name: 'Create' }).click();
      await page.getByText('This album is empty.').waitFor();
      const manualUrl = page.url();

      // Back in the collection: select p4, shift-click p2 (p4, p3, p2), add them to Picks.
      await page.goto(`${origin}/#/album/${encodeURIComponent(collectionId)}`);
      await waitForCells(page, 4);
      await page.getByRole('button', { name: 'Select', exact: true }).click();
      await page.locator('.cell[aria-label="p4.png"]').click();
      await page.locator('.cell[aria-label="p2.png"]').click({ modifiers: ['Shift'] });
      await page.getByText('3 selected').first().waitFor();
      // A collection album's content is not removed by hand: no such button.
      assert.equal(await page.getByRole('button', { name: 'Remove from album' }).count(), 0);
      await page.getByRole('button', { name: 'Add to album' }).click();
      const add = page.getByRole('dialog');
      await add.getByLabel('Album', { exact: true }).selectOption({ label: 'Picks · 0 items' });
      await add.getByRole('button', { name: 'Add to album' }).click();
      await page.getByRole('status').filter({ hasText: 'Added 3 items to “Picks”.' }).waitFor();

      await page.goto(manualUrl);
      await waitForCells(page, 3);
      assert.deepEqual((await cellNames(page)).sort(), ['p2.png', 'p3.png', 'p4.png']);

      // Remove one by keyboard: Select, focus a cell, Space toggles it.
      await page.getByRole('button', { name: 'Select', exact: true }).click();
      await page.locator('.cell[aria-label="p3.png"]').focus();
      await page.keyboard.press('Space');
      await page.getByRole('button', { name: 'Remove from album' }).click();
      await page.getByRole('status').filter({ hasText: 'Removed 1 item.' }).waitFor();
      await waitForCells(page, 2);
      assert.deepEqual((await cellNames(page)).sort(), ['p2.png', 'p4.png']);

      // Rename.
      await page.getByRole('button', { name: 'Edit' }).click();
      await page.getByRole('dialog').getByLabel('Name').fill('Favourites');
      await page.getByRole('dialog').getByRole('button', { name: 'Save' }).click();
      await page.getByRole('heading', { name: 'Favourites' }).waitFor();

      // Delete, after confirming; the files stay.
      await page.getByRole('button', { name: 'Delete album' }).click();
      await page.getByRole('dialog').getByRole('button', { name: 'Delete album' }).click();
      await page.waitForURL(/#\/albums$/);
      await page.getByRole('link', { name: /Trip photos/ }).waitFor();
      assert.equal(await page.getByRole('link', { name: /Favourites/ }).count(), 0);
      const files = await api.list(0, { parentFileId: trip });
      assert.equal((files.body.files as unknown[]).length, 4);
    });
  });

  test('the Family tab chosen while the personal list is still on its way shows the family list, not the late personal one', async (ctx) => {
    const late = await api.createAlbum({ type: 2, albumKind: 1, name: 'Late one' });
    assert.equal(late.status, 200, JSON.stringify(late.body));
    await withPage(ctx, browser, async (page) => {
      await signIn(page);
      await page.getByRole('link', { name: /Late one/ }).waitFor();
      // The personal list answers late (as a busy database might), the family list at once.
      let held = 0;
      const personalList = /\/album\/list\?albumKind=1&/;
      await page.route(personalList, async (route) => {
        held++;
        await new Promise((r) => setTimeout(r, 1500));
        await route.continue();
      });
      await page.reload();
      await page.waitForFunction(() => document.querySelector('[role=tab]') !== null);
      await page.getByRole('tab', { name: 'Family' }).click();
      await page.getByText('No albums yet.').waitFor();
      await page.waitForTimeout(2000);
      assert.ok(held >= 1, 'the personal list was asked for');
      assert.equal(await page.getByRole('tab', { name: 'Family' }).getAttribute('aria-selected'), 'true');
      assert.equal(await page.locator('.card').count(), 0, 'the personal albums that arrived late are not shown under Family');
      await page.unroute(personalList);
      await page.getByRole('tab', { name: 'Personal' }).click();
      await page.getByRole('link', { name: /Late one/ }).waitFor();
    });
    assert.equal((await api.deleteAlbum(String(late.body.albumId))).status, 200);
  });

  test('a collection album with no folder chosen is not sent, and an API refusal is shown in words', async (ctx) => {
    await withPage(ctx, browser, async (page) => {
      await signIn(page);
      await page.getByRole('button', { name: /New collection album/ }).click();
      const form = page.getByRole('dialog');
      await form.getByRole('button', { name: 'Create' }).click();
      assert.equal(await form.getByRole('alert').innerText(), 'Choose at least one folder.');
      // A name the API refuses (over 20 characters cannot be typed; a name of spaces can).
      await page.keyboard.press('Escape');
      await page.getByRole('button', { name: /New album/ }).click();
      await page.getByRole('dialog').getByLabel('Name').fill('   ');
      await page.getByRole('dialog').getByRole('button', { name: 'Create' }).click();
      await page.getByRole('dialog').getByRole('alert').waitFor();
      assert.match(await page.getByRole('dialog').getByRole('alert').innerText(), /name/i);
    });
  });

  test('an address naming no album (malformed, a dot segment) says so, and asks the API for nothing else', async (ctx) => {
    await withPage(ctx, browser, async (page) => {
      const errors: string[] = [];
      const paths: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('request', (r) => paths.push(new URL(r.url()).pathname));
      await signIn(page);
      for (const hash of ['#/album/%E0', '#/album/..', '#/album/.', '#/library/%E0/root', '#/families/..']) {
        await page.goto(`${origin}/${hash}`);
        await page.getByRole('alert').first().waitFor();
        assert.match(await page.getByRole('alert').first().innerText(), /does not exist|not open to you/i, hash);
      }
      assert.deepEqual(errors, []);
      assert.ok(paths.every((p) => p === '/' || p.startsWith('/assets/') || /^\/koodrive\/ose\/v1\/(album|files|space|sharefolder|user|usergroupsInvite|auth)\//.test(p)), paths.join(' '));
    });
  });
});
