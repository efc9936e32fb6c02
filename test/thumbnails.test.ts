import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { startTestApp, authHeaders, client, type TestApp, type TestUser, appForSuite, type Api } from './helpers/app.js';
import { HeicDecoder } from '../src/media/heic-pool.js';
import { PIXEL_LIMIT } from '../src/media/limits.js';
import { createRenderer, findFfmpeg, SIZE_NAMES, type ThumbnailSize } from '../src/media/thumbnails.js';

const FIXTURES = path.resolve(import.meta.dirname, 'fixtures');
const fixture = (name: string) => fs.readFileSync(path.join(FIXTURES, name));

/** The placeholder as the real renderer makes it, each size. */
async function placeholderSizes(): Promise<Record<ThumbnailSize, Buffer>> {
  const renderer = createRenderer(new HeicDecoder(PIXEL_LIMIT), undefined);
  try {
    return await renderer.placeholder();
  } finally {
    await renderer.close();
  }
}

/** The colour at the top-left corner of a thumbnail, at its centre, and left of the centre (the placeholder's ring). */
async function colours(bytes: Buffer): Promise<{ width: number; height: number; corner: number[]; centre: number[]; ring: number[] }> {
  const { data, info } = await sharp(bytes).raw().toBuffer({ resolveWithObject: true });
  const at = (x: number, y: number) => [...data.subarray((y * info.width + x) * info.channels, (y * info.width + x) * info.channels + 3)];
  return { width: info.width, height: info.height, corner: at(0, 0), centre: at(info.width >> 1, info.height >> 1), ring: at(Math.round((info.width * 600) / 1440), info.height >> 1) };
}

const near = (actual: number[], expected: number[], what: string) =>
  expected.forEach((c, i) => assert.ok(Math.abs(actual[i]! - c) <= 6, `${what}: ${actual} is not near ${expected}`));

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
      // With ffmpeg, a frame at its displayed size, also of a video shorter than the usual 1 s seek.
      if (findFfmpeg() && name === 'sample.mp4') assert.deepEqual([meta.width, meta.height], [320, 240], `${name}: a frame`);
      if (findFfmpeg() && name === 'sample.mov') assert.deepEqual([meta.width, meta.height], [240, 320], `${name}: a frame, upright`);
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

  test('a truncated JPEG shows what decodes of it; one of which nothing decodes gets mediaError and the placeholder; the queue goes on', async () => {
    const whole = await jpeg(800, 600);
    // Cut in the middle of its image data: the top rows decode, as a browser shows them.
    const cut = await api.upload('cut.jpg', whole.subarray(0, Math.floor(whole.length / 2)));
    assert.equal(cut.status, 200);
    // Cut before its image data starts (at the start-of-scan marker): nothing decodes.
    const bad = await api.upload('broken.jpg', whole.subarray(0, whole.indexOf(Buffer.from([0xff, 0xda]))));
    assert.equal(bad.status, 200);
    assert.equal(bad.body.fileType, '15');
    const good = await api.upload('fine.jpg', await jpeg(640, 480));
    await t.domain.thumbnails.idle();
    const cutDetail = await api.call('POST', `/koodrive/ose/v1/files/${cut.body.id}/detail`, { containerId: u.containerId });
    assert.equal(cutDetail.body.mediaError, undefined, 'a partly decodable JPEG is no media error');
    const partial = await fetchThumb(cut.body.thumbnailUrl as string);
    assert.equal(partial.statusCode, 200);
    const shown = await colours(partial.rawPayload);
    assert.deepEqual([shown.width, shown.height], [720, 540]);
    near(shown.corner, [200, 60, 30], 'the top rows are the photo');
    const detail = await api.call('POST', `/koodrive/ose/v1/files/${bad.body.id}/detail`, { containerId: u.containerId });
    assert.equal(detail.body.mediaError, 'corrupt or truncated image');
    const placeholder = await placeholderSizes();
    for (const size of SIZE_NAMES) {
      const url = new URL(bad.body.thumbnailUrl as string);
      url.searchParams.set('size', size);
      const res = await fetchThumb(url.toString());
      assert.equal(res.statusCode, 200);
      assert.ok(res.rawPayload.equals(placeholder[size]), `${size}: the bytes are the placeholder's`);
    }
    // And the placeholder is what it claims to be: the grey 4:3 frame with a light play mark.
    const m = await colours(placeholder.m);
    assert.deepEqual([m.width, m.height], [720, 540]);
    near(m.corner, [0x3a, 0x3f, 0x44], 'grey background');
    near(m.ring, [0xff, 0xff, 0xff].map((c) => Math.round(c * 0.85 + 0x3f * 0.15)), 'light ring of the play mark');
    near(m.centre, [0x3a, 0x3f, 0x44], 'dark triangle of the play mark');

    const fine = await fetchThumb(good.body.thumbnailUrl as string);
    assert.equal(fine.statusCode, 200);
    assert.ok(!fine.rawPayload.equals(placeholder.m), 'a real photo is not the placeholder');
    const photo = await colours(fine.rawPayload);
    assert.deepEqual([photo.width, photo.height], [640, 480]);
    near(photo.centre, [200, 60, 30], 'the photo itself');
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
