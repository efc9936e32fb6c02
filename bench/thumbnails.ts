import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp, { type Sharp } from 'sharp';
import { MediaError } from '../src/media/errors.js';
import { HeicDecoder } from '../src/media/heic-pool.js';
import { DECODE_BUDGET, PIXEL_LIMIT } from '../src/media/limits.js';
import { createRenderer, THUMBNAIL_SIZES } from '../src/media/thumbnails.js';
import { peakRss, resetPeak } from '../test/helpers/media.js';

/**
 * Thumbnails per second over 12-megapixel JPEGs through albumd's queue (s, m and l from each)
 * against a bare sharp loop making the same three sizes from the same files, in the same run; the
 * rate over HEIC files (decoded in the worker); and the peak memory of the renderer on the worst
 * image each format may be (each in a process of its own), against the stated bound.
 */
if (process.env.ALBUMD_RENDER_CHILD) {
  // One render in this process, reporting how far its RSS rose above the warmed-up renderer's.
  const { file, mime } = JSON.parse(process.env.ALBUMD_RENDER_CHILD) as { file: string; mime: string };
  const renderer = createRenderer(new HeicDecoder(PIXEL_LIMIT), undefined);
  await renderer.placeholder();
  const baseline = process.memoryUsage().rss;
  resetPeak();
  const t0 = performance.now();
  const outcome = await renderer.render(file, mime).then(
    () => 'ok',
    (error: unknown) => (error instanceof MediaError ? error.reason : `crash: ${String(error)}`),
  );
  const ms = Math.round(performance.now() - t0);
  await renderer.close();
  const mb = (bytes: number) => Math.round(bytes / 2 ** 20);
  process.stdout.write(JSON.stringify({ outcome, ms, baselineMB: mb(baseline), grewMB: mb(peakRss() - baseline) }));
  process.exit(0);
}

// Loaded here, not above: a child measuring memory must not carry the whole app in its peak.
const { startTestApp, client } = await import('../test/helpers/app.js');
const quick = process.argv.includes('--quick');
const COUNT = quick ? 4 : 12;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'albumd-bench-thumbs-'));
const FIXTURE_HEIC = path.resolve(import.meta.dirname, '../test/fixtures/sample.heic');

const files: string[] = [];
for (let i = 0; i < COUNT; i++) {
  const file = path.join(dir, `photo-${i}.jpg`);
  await sharp({ create: { width: 4000, height: 3000, channels: 3, background: { r: 40 + i, g: 120, b: 200 }, noise: { type: 'gaussian', mean: 128, sigma: 40 } } })
    .jpeg({ quality: 90 })
    .toFile(file);
  files.push(file);
}

const fit = (edge: number) => ({ width: edge, height: edge, fit: 'inside' as const, withoutEnlargement: true });

/**
 * The baseline: the same work as albumd with nothing around it (one decode shrunk to the largest
 * size, the three sizes made from that). `threeDecodes` is how albumd did it before: each size
 * decoded from the file again.
 */
async function bareLoop(threeDecodes = false): Promise<number> {
  const t0 = performance.now();
  for (const file of files) {
    if (threeDecodes) {
      for (const edge of Object.values(THUMBNAIL_SIZES)) await sharp(file).rotate().resize(fit(edge)).jpeg({ quality: 80 }).toBuffer();
      continue;
    }
    const { data, info } = await sharp(file).rotate().resize(fit(THUMBNAIL_SIZES.l)).raw().toBuffer({ resolveWithObject: true });
    const raw = { width: info.width, height: info.height, channels: info.channels };
    for (const edge of Object.values(THUMBNAIL_SIZES)) await sharp(data, { raw }).resize(fit(edge)).jpeg({ quality: 80 }).toBuffer();
  }
  return files.length / ((performance.now() - t0) / 1000);
}

const t = await startTestApp();
try {
  const u = await t.newUser();
  const api = client(t, u);
  const ids: string[] = [];
  for (const file of files) ids.push((await api.upload(path.basename(file), fs.readFileSync(file))).body.id as string);
  const heicBytes = fs.readFileSync(FIXTURE_HEIC);
  const heicIds: string[] = [];
  // Distinct contents (a trailing byte) so each is decoded, not deduplicated.
  for (let i = 0; i < COUNT * 4; i++) heicIds.push((await api.upload(`h${i}.heic`, Buffer.concat([heicBytes, Buffer.from([i])]))).body.id as string);
  await t.domain.thumbnails.idle();

  const regenerate = async (which: string[]): Promise<number> => {
    fs.rmSync(path.join(t.dataDir, 'thumbs'), { recursive: true, force: true });
    const t0 = performance.now();
    await Promise.all(
      which.map(async (id) => {
        const { stream } = await t.domain.thumbnails.open(id, 'm', { userId: u.userId });
        for await (const _chunk of stream) void _chunk;
      }),
    );
    return which.length / ((performance.now() - t0) / 1000);
  };

  const base: number[] = [];
  const ours: number[] = [];
  const naive: number[] = [];
  for (let round = 0; round < (quick ? 1 : 2); round++) {
    base.push(await bareLoop());
    ours.push(await regenerate(ids));
    naive.push(await bareLoop(true));
  }
  const heicRate = await regenerate(heicIds);
  const best = (xs: number[]) => Math.max(...xs);
  const report = {
    benchmark: `thumbnails (s, m, l) of ${COUNT} 12-MP JPEGs: albumd's queue vs a bare sharp loop`,
    bareSharpImagesPerSecond: Number(best(base).toFixed(2)),
    albumdImagesPerSecond: Number(best(ours).toFixed(2)),
    ratio: Number((best(ours) / best(base)).toFixed(3)),
    goal: 0.8,
    bareThreeDecodesImagesPerSecond: Number(best(naive).toFixed(2)),
    heicImagesPerSecond: Number(heicRate.toFixed(2)),
    heicNote: 'the 320×240 fixture with a distinct trailing byte per file, decoded in the worker thread',
  };
  console.log(JSON.stringify(report, null, 2));
  console.log(`Thumbnails: ${report.albumdImagesPerSecond}/s vs bare sharp ${report.bareSharpImagesPerSecond}/s → ratio ${report.ratio} (goal ≥ 0.8); HEIC ${report.heicImagesPerSecond}/s`);
} finally {
  await t.close();
  fs.rmSync(dir, { recursive: true, force: true });
}

/**
 * Peak RSS of the renderer on the worst image each decoder path accepts (the limits of
 * src/media/limits.ts), each in a child process, against the bound DECODE_BUDGET + 64 MiB. Solid
 * colours keep the files small; decoding still touches every pixel. HEIC is not here: nothing in
 * the project encodes HEVC (with Debian's libheif-examples, `heif-enc` makes one to try by hand).
 */
const solid = (width: number, height: number, channels: 3 | 4 = 3) =>
  sharp({ create: { width, height, channels, background: { r: 200, g: 60, b: 30, alpha: 0.8 } }, limitInputPixels: false });
const worst: [string, string, () => Sharp][] = [
  ['65535×4095 RGBA PNG (streamed)', 'image/png', () => solid(65535, 4095, 4).png({ compressionLevel: 9 })],
  ['65500×4097 baseline JPEG', 'image/jpeg', () => solid(65500, 4097).jpeg({ quality: 50 })],
  ['11800×11800 progressive JPEG', 'image/jpeg', () => solid(11800, 11800).jpeg({ quality: 50, progressive: true })],
  ['10570×10580 interlaced PNG', 'image/png', () => solid(10570, 10580).png({ compressionLevel: 9, progressive: true })],
  ['9150×9160 GIF', 'image/gif', () => solid(9150, 9160).gif({ effort: 1 })],
  ['9650×9650 TIFF, 4096² tiles', 'image/tiff', () => solid(9650, 9650).tiff({ compression: 'deflate', tile: true, tileWidth: 4096, tileHeight: 4096 })],
  ['4575×4580 AVIF', 'image/avif', () => solid(4575, 4580).avif({ quality: 30, effort: 0 })],
  ['16383×12000 lossy WebP', 'image/webp', () => solid(16383, 12000).webp({ quality: 50, effort: 0 })],
];

interface ChildReport {
  outcome: string;
  ms: number;
  baselineMB: number;
  grewMB: number;
}

function renderInChild(file: string, mime: string): Promise<ChildReport> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--import', 'tsx', import.meta.filename], { env: { ...process.env, ALBUMD_RENDER_CHILD: JSON.stringify({ file, mime }) }, timeout: 300_000 }, (error, stdout, stderr) =>
      error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(JSON.parse(stdout) as ChildReport),
    );
  });
}

const memDir = fs.mkdtempSync(path.join(os.tmpdir(), 'albumd-bench-memory-'));
try {
  const boundMB = DECODE_BUDGET / 2 ** 20 + 64;
  const rows: ({ image: string } & ChildReport)[] = [];
  for (const [image, mime, make] of quick ? worst.slice(0, 3) : worst) {
    const file = path.join(memDir, 'worst');
    await make().toFile(file);
    rows.push({ image, ...(await renderInChild(file, mime)) });
    fs.rmSync(file);
  }
  const peak = Math.max(...rows.map((r) => r.grewMB));
  console.log(JSON.stringify({ benchmark: 'thumbnail renderer peak RSS over idle, worst accepted image per decoder', boundMB, rows }, null, 2));
  console.log(`Thumbnail memory: worst +${peak} MB over idle (bound ${boundMB} MB)${rows.every((r) => r.outcome === 'ok') ? '' : '; NOT ALL DECODED'}`);
} finally {
  fs.rmSync(memDir, { recursive: true, force: true });
}
