import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { client, startTestApp, type TestApp, type TestUser } from '../helpers/app.js';
import { familyClient } from '../helpers/family.js';
import { hasChromium, launch, withPage } from './browser.js';

/**
 * Whole journeys across the gallery's parts, in real Chromium against a real albumd: a family member
 * uploads a photo into the family's library and adds it to a shared album, and the owner sees it;
 * a video plays in the viewer, streamed with Range requests.
 */

const PASSWORD = 'correct horse battery';
const fixture = (name: string): string => new URL(`../fixtures/${name}`, import.meta.url).pathname;

describe('gallery journeys', { skip: hasChromium ? false : 'Chromium is not installed (apt-get install chromium)' }, () => {
  let t: TestApp;
  let origin: string;
  let browser: Browser;

  before(async () => {
    t = await startTestApp();
    origin = await t.app.listen({ port: 0, host: '127.0.0.1' });
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
    await t?.close();
  });

  const signIn = async (page: Page, user: TestUser, hash = '') => {
    await page.goto(`${origin}/${hash}`);
    await page.getByLabel('Phone number').fill(user.phone);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('navigation', { name: 'Sections' }).waitFor();
  };

  test('a member adds a photo to a shared album from the family library; the owner sees it', async (ctx) => {
    const ann = await t.newUser('Ann');
    const bob = await t.newUser('Bob');
    const owner = familyClient(t, ann);
    const family = await owner.createFamily('Home');
    await familyClient(t, bob).join(owner, family);
    const albumId = String((await owner.sharedAlbum(family, { type: 2, name: 'Family trip' })).body.albumId);

    // Bob, in his own browser: the family's library, an upload, then into the shared album.
    await withPage(ctx, browser, async (page) => {
      await signIn(page, bob, '#/library');
      await page.getByRole('navigation', { name: 'Spaces' }).getByRole('link', { name: 'Home' }).click();
      await page.getByLabel('Upload photos or videos').setInputFiles(fixture('sample.jpg'));
      await page.waitForFunction(() => document.querySelectorAll('.cell').length === 1, null, { timeout: 30_000 });
      await page.getByRole('button', { name: 'Select', exact: true }).click();
      await page.locator('.cell').first().click();
      await page.getByRole('button', { name: 'Add to album' }).click();
      const dialog = page.getByRole('dialog', { name: 'Add 1 item to an album' });
      await dialog.getByLabel('Album', { exact: true }).selectOption({ label: 'Family trip · 0 items' });
      await dialog.getByRole('button', { name: 'Add to album' }).click();
      await page.getByRole('status').filter({ hasText: 'Added 1 item to “Family trip”.' }).waitFor();
    });

    // Ann, in hers: the Family tab shows the album with Bob's photo in it.
    await withPage(ctx, browser, async (page) => {
      await signIn(page, ann);
      await page.getByRole('tab', { name: 'Family' }).click();
      const card = page.getByRole('link', { name: /Family trip/ });
      await card.waitFor();
      assert.match(await card.innerText(), /1 item/);
      await card.click();
      await page.waitForFunction(() => document.querySelectorAll('.cell').length === 1);
      assert.equal(await page.locator('.cell').first().getAttribute('aria-label'), 'sample.jpg');
      await page.waitForFunction(() => {
        const img = document.querySelector<HTMLImageElement>('.cell img');
        return img !== null && img.complete && img.naturalWidth > 0;
      });
      assert.match(page.url(), new RegExp(`#/album/${albumId}$`));
      // The owner may manage a member's album; the album's files stay Bob's.
      await page.getByRole('button', { name: 'Edit' }).waitFor();
    });
  });

  test('a video plays in the viewer, its bytes asked for by Range', async (ctx) => {
    const cy = await t.newUser('Cy');
    const api = client(t, cy);
    const folder = await api.folder('Clips');
    await api.upload('clip.mp4', fs.readFileSync(fixture('sample.mp4')), folder);
    const albumId = String((await api.createAlbum({ type: 1, albumKind: 1, name: 'Clips', scopeParentFolderId: 'root', scopeDir: [folder], scopeKind: '2' })).body.albumId);
    await withPage(ctx, browser, async (page: Page, _context: BrowserContext) => {
      const ranges: { status: number; range: string | undefined }[] = [];
      page.on('response', async (r) => {
        if (new URL(r.url()).pathname.endsWith('/content')) ranges.push({ status: r.status(), range: (await r.request().allHeaders()).range });
      });
      await signIn(page, cy, `#/album/${albumId}`);
      await page.locator('.cell[aria-label="clip.mp4"]').click();
      const video = page.getByRole('dialog').locator('video');
      await video.waitFor();
      const played = await video.evaluate(async (v: HTMLVideoElement) => {
        v.muted = true;
        await v.play();
        const start = performance.now();
        while (v.currentTime === 0 && performance.now() - start < 10_000) await new Promise((r) => setTimeout(r, 50));
        return { time: v.currentTime, error: v.error?.message ?? null, width: v.videoWidth };
      });
      assert.equal(played.error, null);
      assert.ok(played.time > 0, `playback advanced: ${JSON.stringify(played)}`);
      assert.ok(played.width > 0);
      assert.ok(
        ranges.some((r) => r.status === 206 && r.range?.startsWith('bytes=')),
        `a Range request answered 206: ${JSON.stringify(ranges)}`,
      );
    });
  });
});
