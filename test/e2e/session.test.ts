import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import type { Browser, Page } from 'playwright-core';
import { client, startTestApp, type TestApp, type TestUser } from '../helpers/app.js';
import { formatXDate } from '../../src/domain/auth/credentials.js';
import { hasChromium, launch, withPage } from './browser.js';

/**
 * Sessions in the gallery, with access tokens that live 10 seconds: the page refreshes them on its
 * own, and a session ended elsewhere brings back the sign-in form and then the page the person was on.
 */

const PASSWORD = 'correct horse battery';

describe('gallery sessions', { skip: hasChromium ? false : 'Chromium is not installed (apt-get install chromium)' }, () => {
  let t: TestApp;
  let u: TestUser;
  let origin: string;
  let browser: Browser;
  let albumId: string;

  before(async () => {
    t = await startTestApp({ ALBUMD_ACCESS_TOKEN_TTL: '10' });
    u = await t.newUser('Cy');
    const api = client(t, u);
    origin = await t.app.listen({ port: 0, host: '127.0.0.1' });
    const folder = await api.folder('Home');
    for (const [i, colour] of ['#8e44ad', '#16a085'].entries()) {
      const png = await sharp({ create: { width: 32, height: 32, channels: 3, background: colour } }).png().toBuffer();
      await api.upload(`h${i}.png`, png, folder, { createdTime: `202${i}-03-03T03:03:03Z` });
    }
    albumId = String((await api.createAlbum({ type: 1, albumKind: 1, name: 'Home', scopeParentFolderId: 'root', scopeDir: [folder], scopeKind: '1' })).body.albumId);
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
    await t?.close();
  });

  const signIn = async (page: Page) => {
    await page.getByLabel('Phone number').fill(u.phone);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
  };
  const cellNames = (page: Page) => page.locator('.cell').evaluateAll((cells) => cells.map((c) => c.getAttribute('aria-label')));

  test('the session outlives its access token: the page refreshes it and goes on', async (ctx) => {
    await withPage(ctx, browser, async (page) => {
      const calls: { path: string; status: number }[] = [];
      page.on('response', (r) => calls.push({ path: new URL(r.url()).pathname, status: r.status() }));
      await page.goto(`${origin}/#/album/${albumId}`);
      await signIn(page);
      await page.waitForFunction(() => document.querySelectorAll('.cell').length === 2);
      // Past the first token's life (10 s).
      await page.waitForTimeout(11_000);
      await page.getByLabel('Sort by').selectOption({ label: 'Update time' });
      await page.getByLabel('Order').selectOption({ label: 'Oldest first' });
      await page.waitForFunction(() => document.querySelector('.cell')?.getAttribute('aria-label') === 'h0.png');
      assert.deepEqual(await cellNames(page), ['h0.png', 'h1.png']);
      const refreshes = calls.filter((c) => c.path.endsWith('/auth/refreshToken'));
      assert.ok(refreshes.length >= 1 && refreshes.every((c) => c.status === 200), JSON.stringify(refreshes));
      assert.equal(calls.filter((c) => c.status === 401).length, 0, 'no call was refused on the way');
      assert.equal(await page.getByLabel('Password').count(), 0);
    });
  });

  test('a session ended elsewhere brings back the sign-in form, then the page the person was on', async (ctx) => {
    await withPage(ctx, browser, async (page) => {
      await page.goto(`${origin}/#/album/${albumId}`);
      await signIn(page);
      await page.waitForFunction(() => document.querySelectorAll('.cell').length === 2);
      // Signed out from another device: the page's own tokens are revoked.
      const session = JSON.parse((await page.evaluate(() => localStorage.getItem('albumd.session'))) ?? '{}') as { userId: string; accessToken: string };
      const out = await fetch(`${origin}/koodrive/ose/v1/auth/logout`, {
        method: 'POST',
        headers: { authorization: `Bearer+${session.accessToken}`, 'x-user-id': session.userId, 'x-date': formatXDate(Date.now()), 'content-type': 'application/json' },
        body: JSON.stringify({ userId: session.userId, accessToken: session.accessToken }),
      });
      assert.equal(out.status, 200);

      await page.getByLabel('Sort by').selectOption({ label: 'Update time' });
      await page.getByRole('status').filter({ hasText: 'Your session has ended. Please sign in again.' }).waitFor();
      assert.match(page.url(), new RegExp(`#/album/${albumId}$`));
      await signIn(page);
      await page.waitForFunction(() => document.querySelectorAll('.cell').length === 2);
      assert.match(page.url(), new RegExp(`#/album/${albumId}$`));
    });
  });
});
