import { describe, test, before, after, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { MEDIA_REASONS, MediaError } from '../src/media/errors.js';
import { HeicDecoder } from '../src/media/heic-pool.js';
import { DECODE_BUDGET, PIXEL_LIMIT, decodeCost } from '../src/media/limits.js';
import { createRenderer } from '../src/media/thumbnails.js';
import { peakRss, pngClaiming, resetPeak } from './helpers/media.js';

/**
 * Peak memory of the real thumbnail renderer on the worst images it accepts, each in a child
 * process of its own (this file, run with ALBUMD_RENDER_CHILD), so one measure cannot hide in
 * another's peak. Each must stay within what limits.ts estimated for it (never more than the
 * decode budget) plus a margin for what Node and libvips allocate around a decode.
 */
const MB = 2 ** 20;
const MARGIN = 64 * MB;

interface ChildReport {
  outcome: string;
  /** What decodeCost estimated (0 when it refused the image). */
  estimate: number;
  baseline: number;
  peak: number;
}

async function renderInChild(): Promise<void> {
  const { file, mime } = JSON.parse(process.env.ALBUMD_RENDER_CHILD!) as { file: string; mime: string };
  const estimate = await decodeCost(file, mime, await sharp(file, { limitInputPixels: false }).metadata()).catch(() => 0);
  const renderer = createRenderer(new HeicDecoder(PIXEL_LIMIT), undefined);
  // As in a running server: sharp loaded and libvips' threads started before the measure.
  await renderer.placeholder();
  const baseline = process.memoryUsage().rss;
  resetPeak();
  let outcome: string;
  try {
    const out = await renderer.render(file, mime);
    outcome = out.l.length > 0 ? 'ok' : 'empty';
  } catch (error) {
    outcome = error instanceof MediaError ? error.reason : `crash: ${String(error)}`;
  }
  await renderer.close();
  const report: ChildReport = { outcome, estimate, baseline, peak: peakRss() };
  process.stdout.write(JSON.stringify(report));
}

function measure(file: string, mime: string): Promise<ChildReport> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', import.meta.filename],
      { env: { ...process.env, ALBUMD_RENDER_CHILD: JSON.stringify({ file, mime }) }, timeout: 120_000 },
      (error, stdout, stderr) => (error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(JSON.parse(stdout) as ChildReport)),
    );
  });
}

if (process.env.ALBUMD_RENDER_CHILD) {
  await renderInChild();
} else {
  describe('thumbnailing memory stays under the bound', () => {
    let dir: string;
    before(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'albumd-memory-'));
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    const check = async (t: TestContext, name: string, mime: string, bytes: Buffer, expected: string) => {
      const file = path.join(dir, name);
      fs.writeFileSync(file, bytes);
      const report = await measure(file, mime);
      const grew = report.peak - report.baseline;
      const bound = report.estimate + MARGIN;
      t.diagnostic(`${name}: ${report.outcome}, RSS ${Math.round(report.baseline / MB)} → ${Math.round(report.peak / MB)} MB (+${Math.round(grew / MB)}, bound ${Math.round(bound / MB)})`);
      assert.equal(report.outcome, expected, name);
      assert.ok(report.estimate <= DECODE_BUDGET, `${name}: estimated within the budget`);
      assert.ok(grew < bound, `${name}: peak RSS grew ${Math.round(grew / MB)} MB, over ${Math.round(bound / MB)} MB`);
    };

    test('the widest PNG under the pixel limit: 65535×4095 (268 MP in a ~1 MB file)', async (t) => {
      // Solid colour, so it compresses to under a megabyte; decoding it still touches every pixel.
      const png = await sharp({ create: { width: 65535, height: 4095, channels: 3, background: '#c83c1e' }, limitInputPixels: false })
        .png({ compressionLevel: 9 })
        .toBuffer();
      await check(t, 'wide.png', 'image/png', png, 'ok');
    });

    test('a progressive JPEG at its own limit (139 MP, 4:2:0: every coefficient is held)', async (t) => {
      const jpeg = await sharp({ create: { width: 11800, height: 11800, channels: 3, background: '#c83c1e' }, limitInputPixels: false })
        .jpeg({ quality: 50, progressive: true })
        .toBuffer();
      await check(t, 'progressive.jpg', 'image/jpeg', jpeg, 'ok');
    });

    test('over the limits: refused from the header, cleanly, without decoding', async (t) => {
      await check(t, 'bomb.png', 'image/png', await pngClaiming(65535, 65535), MEDIA_REASONS.tooLarge);
      // Under the pixel limit but Adam7-interlaced, which must be decoded whole: over the budget.
      await check(t, 'interlaced.png', 'image/png', await pngClaiming(16000, 16000, true), MEDIA_REASONS.tooLarge);
    });
  });
}
