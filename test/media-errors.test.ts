import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { appForSuite, type Api, type TestApp, type TestUser } from './helpers/app.js';
import { pngClaiming } from './helpers/media.js';
import { MEDIA_REASONS, MediaError, mediaReason } from '../src/media/errors.js';

const FIXTURES = path.resolve(import.meta.dirname, 'fixtures');
const fixture = (name: string) => fs.readFileSync(path.join(FIXTURES, name));
const REASONS: readonly string[] = Object.values(MEDIA_REASONS);

/** What must never reach a client: a path, a temporary name, a UUID or a content hash. */
function assertClientSafe(reason: unknown, what: string): void {
  assert.equal(typeof reason, 'string', `${what}: mediaError is set`);
  const text = reason as string;
  assert.ok(REASONS.includes(text), `${what}: "${text}" is one of the short reasons`);
  assert.doesNotMatch(text, /\//, `${what}: no path`);
  assert.doesNotMatch(text, /tmp|blobs|data/i, `${what}: no storage words`);
  assert.doesNotMatch(text, /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}/i, `${what}: no uuid`);
  assert.doesNotMatch(text, /[0-9a-f]{16}/i, `${what}: no hash`);
  assert.doesNotMatch(text, /\n|\bat\s/, `${what}: no stack`);
}

/**
 * A PNG whose compressed pixels are damaged from their first bytes (the header stays valid): nothing
 * of the image decodes. (Damage further in leaves the rows before it, which are shown.)
 */
async function corruptPng(): Promise<Buffer> {
  const png = await sharp({ create: { width: 400, height: 300, channels: 3, background: '#3366aa', noise: { type: 'gaussian', mean: 128, sigma: 50 } } })
    .png()
    .toBuffer();
  const idat = png.indexOf('IDAT');
  const bad = Buffer.from(png);
  for (let i = idat + 4; i < idat + 600; i++) bad[i] = bad[i]! ^ 0x5a;
  return bad;
}

describe('mediaError is a short reason, never a decoder message', () => {
  let t: TestApp;
  let u: TestUser;
  let api: Api;
  appForSuite((s) => ({ t, u, api } = s));

  const cases: [string, string, () => Promise<Buffer> | Buffer][] = [
    // Cut before its image data (a cut inside it still shows the rows before the cut: no error).
    ['truncated.jpg', MEDIA_REASONS.corrupt, () => fixture('sample.jpg').subarray(0, 500)],
    ['corrupt.png', MEDIA_REASONS.corrupt, corruptPng],
    ['truncated.heic', MEDIA_REASONS.corrupt, () => fixture('sample.heic').subarray(0, 1200)],
    // ftyp and the start of moov: the container says MP4, but its movie header is cut off.
    ['truncated.mp4', MEDIA_REASONS.video, () => fixture('sample.mp4').subarray(0, 600)],
  ];

  for (const [name, expected, make] of cases) {
    test(`${name}: "${expected}", on upload and after thumbnailing`, async () => {
      const up = await api.upload(name, await make());
      assert.equal(up.status, 200, JSON.stringify(up.body));
      assert.ok(['15', '20'].includes(up.body.fileType as string), `${name} is still media by its bytes`);
      if (up.body.mediaError !== undefined) assertClientSafe(up.body.mediaError, `${name} upload`);
      await t.domain.thumbnails.idle();
      const detail = await api.call('POST', `/koodrive/ose/v1/files/${up.body.id}/detail`, { containerId: u.containerId });
      assertClientSafe(detail.body.mediaError, `${name} detail`);
      assert.equal(detail.body.mediaError, expected);
    });
  }

  test('an image over the pixel limit is refused from its header: reason, size kept, placeholder', async () => {
    // 20000×16000 = 320 MP, over 16383².
    const up = await api.upload('huge.png', await pngClaiming(20000, 16000));
    assert.equal(up.body.mediaError, MEDIA_REASONS.tooLarge);
    assert.deepEqual([up.body.width, up.body.height], [20000, 16000]);
    await t.domain.thumbnails.idle();
    const thumb = new URL(up.body.thumbnailUrl as string);
    const res = await t.app.inject({ method: 'GET', url: thumb.pathname + thumb.search });
    assert.equal(res.statusCode, 200);
    const { data } = await sharp(res.rawPayload).raw().toBuffer({ resolveWithObject: true });
    [0x3a, 0x3f, 0x44].forEach((c, i) => assert.ok(Math.abs(data[i]! - c) <= 4, `the grey placeholder, not ${[...data.subarray(0, 3)]}`));
  });
});

describe('mediaReason', () => {
  test('decoder messages with paths map to short reasons', () => {
    const tmp = '/srv/albumd/data/blobs/tmp/0f8c2a4e-6b1d-4c1e-9a55-3c1f0e2d7b9a';
    assert.equal(mediaReason(new Error(`Input file has corrupt header: ${tmp}: bad seek to 1234`), 'image'), MEDIA_REASONS.corrupt);
    assert.equal(mediaReason(new Error(`Input file contains unsupported image format`), 'image'), MEDIA_REASONS.unsupported);
    assert.equal(mediaReason(new Error('Input image exceeds pixel limit'), 'image'), MEDIA_REASONS.tooLarge);
    assert.equal(mediaReason(new Error('decode: Unsupported feature: Unsupported codec'), 'heic'), MEDIA_REASONS.heicVariant);
    assert.equal(mediaReason(new Error('read: Invalid input: Unexpected end of file'), 'heic'), MEDIA_REASONS.corrupt);
    assert.equal(mediaReason(new Error(`ENOENT: no such file or directory, open '${tmp}'`), 'video'), MEDIA_REASONS.video);
    assert.equal(mediaReason('a string', 'image'), MEDIA_REASONS.corrupt);
    assert.equal(mediaReason(new MediaError(MEDIA_REASONS.timeout), 'video'), MEDIA_REASONS.timeout);
  });
});
