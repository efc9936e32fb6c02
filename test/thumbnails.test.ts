import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { startTestApp, authHeaders, client, type TestApp, type TestUser, appForSuite, type Api } from './helpers/app.js';

const FIXTURES = path.resolve(import.meta.dirname, 'fixtures');
const fixture = (name: string) => fs.readFileSync(path.join(FIXTURES, name));

async function jpeg(width: number, height: number, orientation?: number): Promise<Buffer> {
  const img = sharp({ create: { width, height, channels: 3, background: { r: 200, g: 60, b: 30 } } }).jpeg({ quality: 85 });
  return orientation ? img.withMetadata({ orientation }).toBuffer() : img.toBuffer();
}

describe('thumbnails', () => {
  let t: TestApp;
  let u: TestUser;
  let api: Api;
  appForSuite((s) => ({ t, u, api } = s));

  const fetchThumb = async (url: string) => {
    const parsed = new URL(url);
    const res = await t.app.inject({ method: 'GET', url: parsed.pathname + parsed.search });
    return res;
  };

  test('s, m and l by long edge, in the background, after EXIF orientation', async () => {
    const big = await jpeg(3000, 2000, 6);
    const up = await api.upload('rotated.jpg', big);
    assert.equal(up.body.width, 2000, 'width after orientation');
    assert.equal(up.body.height, 3000);
    await t.domain.thumbnails.idle();
    for (const [size, edge] of [['s', 256], ['m', 720], ['l', 1440]] as const) {
      const url = new URL(up.body.thumbnailUrl as string);
      url.searchParams.set('size', size);
      const res = await fetchThumb(url.toString());
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.headers['content-type'], 'image/jpeg');
      assert.match(String(res.headers['cache-control']), /private/);
      const meta = await sharp(res.rawPayload).metadata();
      assert.equal(Math.max(meta.width!, meta.height!), edge);
      assert.ok(meta.height! > meta.width!, 'portrait after rotation');
    }
  });

  test('the fixtures: HEIC decoded in a worker, videos get a frame or the placeholder', async () => {
    for (const name of ['sample.jpg', 'sample.heic', 'sample.mp4', 'sample.mov']) {
      const up = await api.upload(name, fixture(name));
      const res = await fetchThumb(up.body.thumbnailUrl as string);
      assert.equal(res.statusCode, 200, `${name}: ${res.body}`);
      const meta = await sharp(res.rawPayload).metadata();
      assert.equal(meta.format, 'jpeg');
      if (name === 'sample.jpg' || name === 'sample.heic') assert.deepEqual([meta.width, meta.height], [320, 240], 'never enlarged');
    }
  });

  test('with the auth headers instead of a signature; refusals', async () => {
    const up = await api.upload('small.jpg', await jpeg(100, 50));
    const withHeaders = await t.app.inject({ method: 'GET', url: `/koodrive/ose/v1/files/${up.body.id}/thumbnail?size=s`, headers: authHeaders(u) });
    assert.equal(withHeaders.statusCode, 200);
    const v = await t.newUser();
    const foreign = await t.app.inject({ method: 'GET', url: `/koodrive/ose/v1/files/${up.body.id}/thumbnail`, headers: authHeaders(v) });
    assert.equal(foreign.json().code, 13000309);
    const none = await t.app.inject({ method: 'GET', url: `/koodrive/ose/v1/files/${up.body.id}/thumbnail` });
    assert.equal(none.json().code, 13001001);
    const forged = new URL(up.body.thumbnailUrl as string);
    forged.searchParams.set('uid', v.userId);
    assert.equal((await fetchThumb(forged.toString())).statusCode, 401);
    const bad = await t.app.inject({ method: 'GET', url: `/koodrive/ose/v1/files/${up.body.id}/thumbnail?size=xl`, headers: authHeaders(u) });
    assert.equal(bad.json().code, 13000102);
    const text = await api.upload('t.txt', 'text');
    const notMedia = await t.app.inject({ method: 'GET', url: `/koodrive/ose/v1/files/${text.body.id}/thumbnail`, headers: authHeaders(u) });
    assert.equal(notMedia.json().code, 13000309);
    await api.job(2, [up.body.id as string]);
    assert.equal((await fetchThumb(up.body.thumbnailUrl as string)).statusCode, 400, 'a recycled file has no thumbnail');
  });

  test('a truncated JPEG is stored with mediaError, gets the placeholder, and the queue goes on', async () => {
    const whole = await jpeg(800, 600);
    const truncated = whole.subarray(0, Math.floor(whole.length / 2));
    const bad = await api.upload('broken.jpg', truncated);
    assert.equal(bad.status, 200);
    assert.equal(bad.body.fileType, '15');
    const good = await api.upload('fine.jpg', await jpeg(640, 480));
    await t.domain.thumbnails.idle();
    const detail = await api.call('POST', `/koodrive/ose/v1/files/${bad.body.id}/detail`, { containerId: u.containerId });
    assert.equal(typeof detail.body.mediaError, 'string');
    assert.equal((await fetchThumb(bad.body.thumbnailUrl as string)).statusCode, 200, 'the placeholder');
    const fine = await fetchThumb(good.body.thumbnailUrl as string);
    assert.equal(fine.statusCode, 200);
    const goodDetail = await api.call('POST', `/koodrive/ose/v1/files/${good.body.id}/detail`, { containerId: u.containerId });
    assert.equal(goodDetail.body.mediaError, undefined);
  });

  test('a missing thumbnail is made on demand', async () => {
    const up = await api.upload('ondemand.jpg', await jpeg(500, 400));
    await t.domain.thumbnails.idle();
    const sha = up.body.sha256 as string;
    for (const s of ['s', 'm', 'l']) fs.rmSync(path.join(t.dataDir, 'thumbs', sha.slice(0, 2), `${sha}-${s}.jpg`));
    const res = await fetchThumb(up.body.thumbnailUrl as string);
    assert.equal(res.statusCode, 200);
    assert.ok(fs.existsSync(path.join(t.dataDir, 'thumbs', sha.slice(0, 2), `${sha}-m.jpg`)));
  });
});

test('thumbnails and downloads are not counted by the request limit', async () => {
  const t = await startTestApp({ ALBUMD_RATE_LIMIT: '5' });
  try {
    const u = await t.newUser();
    const api = client(t, u);
    const up = await api.upload('gallery.jpg', await jpeg(64, 48));
    const url = new URL(up.body.thumbnailUrl as string);
    for (let i = 0; i < 12; i++) {
      const res = await t.app.inject({ method: 'GET', url: url.pathname + url.search });
      assert.equal(res.statusCode, 200, `thumbnail ${i}`);
    }
    let limited = 0;
    for (let i = 0; i < 8; i++) if ((await api.listAlbums('albumKind=1&albumType=2')).status === 429) limited += 1;
    assert.ok(limited > 0, 'API requests are still limited');
  } finally {
    await t.close();
  }
});
