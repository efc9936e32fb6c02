import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { startTestApp, client } from '../test/helpers/app.js';
import { THUMBNAIL_SIZES } from '../src/media/thumbnails.js';

/**
 * Thumbnails per second over 12-megapixel JPEGs through albumd's queue (s, m and l from each)
 * against a bare sharp loop making the same three sizes from the same files, in the same run; and
 * the rate over HEIC files (decoded in the worker).
 */
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

async function bareLoop(): Promise<number> {
  const t0 = performance.now();
  for (const file of files) {
    for (const edge of Object.values(THUMBNAIL_SIZES)) {
      await sharp(file).rotate().resize({ width: edge, height: edge, fit: 'inside', withoutEnlargement: true }).jpeg({ quality: 80 }).toBuffer();
    }
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
  for (let round = 0; round < (quick ? 1 : 2); round++) {
    base.push(await bareLoop());
    ours.push(await regenerate(ids));
  }
  const heicRate = await regenerate(heicIds);
  const best = (xs: number[]) => Math.max(...xs);
  const report = {
    benchmark: `thumbnails (s, m, l) of ${COUNT} 12-MP JPEGs: albumd's queue vs a bare sharp loop`,
    bareSharpImagesPerSecond: Number(best(base).toFixed(2)),
    albumdImagesPerSecond: Number(best(ours).toFixed(2)),
    ratio: Number((best(ours) / best(base)).toFixed(3)),
    goal: 0.8,
    heicImagesPerSecond: Number(heicRate.toFixed(2)),
    heicNote: 'the 320×240 fixture with a distinct trailing byte per file, decoded in the worker thread',
  };
  console.log(JSON.stringify(report, null, 2));
  console.log(`Thumbnails: ${report.albumdImagesPerSecond}/s vs bare sharp ${report.bareSharpImagesPerSecond}/s → ratio ${report.ratio} (goal ≥ 0.8); HEIC ${report.heicImagesPerSecond}/s`);
} finally {
  await t.close();
  fs.rmSync(dir, { recursive: true, force: true });
}
