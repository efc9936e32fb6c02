/**
 * The README's screenshots of the gallery: `node --import tsx scripts/screenshots.ts` makes a library
 * of generated photos in a throw-away albumd, then photographs the album list, an album's grid and
 * the viewer at desktop and phone widths into docs/screenshots/.
 */
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import type { Page } from 'playwright-core';
import { client, startTestApp } from '../test/helpers/app.js';
import { launch } from '../test/e2e/browser.js';

const OUT = path.resolve(import.meta.dirname, '../docs/screenshots');
fs.mkdirSync(OUT, { recursive: true });

/** A landscape of two hues: sky, sun and hills, so the grid looks like photos, not swatches. */
function landscape(i: number): Promise<Buffer> {
  const hue = (i * 47) % 360;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="${i % 3 === 0 ? 1600 : 900}">
    <defs><linearGradient id="sky" x1="0" y1="0" x2="0" y2="1">
      <stop offset="0" stop-color="hsl(${hue},70%,55%)"/><stop offset="1" stop-color="hsl(${(hue + 40) % 360},80%,85%)"/>
    </linearGradient></defs>
    <rect width="100%" height="100%" fill="url(#sky)"/>
    <circle cx="${300 + ((i * 137) % 600)}" cy="260" r="${90 + (i % 4) * 20}" fill="hsl(${(hue + 180) % 360},90%,70%)" opacity="0.9"/>
    <path d="M0 700 Q300 ${480 + (i % 5) * 40} 600 650 T1200 620 V2000 H0 Z" fill="hsl(${(hue + 120) % 360},45%,35%)"/>
    <path d="M0 820 Q400 ${640 + (i % 3) * 50} 800 780 T1200 760 V2000 H0 Z" fill="hsl(${(hue + 140) % 360},40%,22%)"/>
  </svg>`;
  return sharp(Buffer.from(svg)).jpeg({ quality: 85 }).toBuffer();
}

const t = await startTestApp();
const u = await t.newUser('Ann');
const api = client(t, u);
const origin = await t.app.listen({ port: 0, host: '127.0.0.1' });
const summer = await api.folder('Summer');
const ids: string[] = [];
for (let i = 0; i < 30; i++) {
  const r = await api.upload(`IMG_${2400 + i}.jpg`, await landscape(i), summer, { createdTime: new Date(Date.UTC(2025, 6, 1 + i, 9 + (i % 8))).toISOString() });
  ids.push(String(r.body.id));
}
const collection = String((await api.createAlbum({ type: 1, albumKind: 1, name: 'Summer 2025', scopeParentFolderId: 'root', scopeDir: [summer], scopeKind: '1,2' })).body.albumId);
for (const [name, picks] of [['Favourites', [3, 7, 11, 20]], ['Beach', [1, 5, 9]], ['Hills', [2, 14, 22, 27]]] as const) {
  const album = String((await api.createAlbum({ type: 2, albumKind: 1, name })).body.albumId);
  await api.call('POST', `/koodrive/ose/v1/album/${album}/add`, { fileIds: picks.map((p) => ({ fileId: ids[p]!, ownerId: u.userId })) });
}

const browser = await launch();
const settle = (page: Page) => page.waitForFunction(() => [...document.querySelectorAll('img')].every((i) => i.complete && i.naturalWidth > 0));

async function shoot(width: number, height: number, suffix: string): Promise<void> {
  const context = await browser.newContext({ viewport: { width, height }, deviceScaleFactor: 1, locale: 'en-US', colorScheme: 'light' });
  const page = await context.newPage();
  await page.goto(origin);
  await page.getByLabel('Phone number').fill(u.phone);
  await page.getByLabel('Password').fill('correct horse battery');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('link', { name: /Summer 2025/ }).waitFor();
  await settle(page);
  await page.screenshot({ path: path.join(OUT, `albums-${suffix}.png`) });
  await page.goto(`${origin}/#/album/${collection}`);
  await page.locator('.cell').nth(10).waitFor();
  await settle(page);
  await page.screenshot({ path: path.join(OUT, `album-${suffix}.png`) });
  await page.locator('.cell').nth(4).click();
  await page.getByRole('dialog').waitFor();
  await settle(page);
  await page.screenshot({ path: path.join(OUT, `viewer-${suffix}.png`) });
  await context.close();
}

try {
  await shoot(1280, 800, 'desktop');
  await shoot(360, 740, 'phone');
  console.log(`screenshots in ${OUT}`);
} finally {
  await browser.close();
  await t.close();
}
