import fs from 'node:fs';
import http from 'node:http';
import inspector from 'node:inspector/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { jsonReporter } from '../src/import/progress.js';
import { runImport, type ImportOptions } from '../src/import/run.js';
import { SIZE_NAMES } from '../src/media/thumbnails.js';
import { headersFor, runCli } from '../test/helpers/process.js';
import { startServer } from './server.js';

/**
 * `npm run bench -- import [--quick]`: 2,000 (--quick: 200) generated 12-MP JPEGs with EXIF over
 * 30 folders. In the same run: the baseline, one-shot uploads of the same files 4 at a time into a
 * fresh albumd (MB/s, files/s); then `albumd import` of the tree (--concurrency 4) into another fresh
 * albumd, as a ratio of the baseline, with the importer's CPU as a share of one core; for both, the
 * time until every thumbnail exists; then the same import again (all duplicates, files/s), with its
 * state and without.
 */
const quick = process.argv.includes('--quick');
const COUNT = quick ? 200 : 2000;
const FOLDERS = 30;
const CONCURRENCY = 4;
const PASSWORD = 'bench-password';
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'albumd-bench-import-'));
const library = path.join(work, 'Library');

/** A JPEG with its own bytes: a comment segment after the APPn headers (EXIF stays first). */
function unique(jpeg: Buffer, tag: string): Buffer {
  let at = 2;
  while (jpeg[at] === 0xff && jpeg[at + 1]! >= 0xe0 && jpeg[at + 1]! <= 0xef) at += 2 + jpeg.readUInt16BE(at + 2);
  const text = Buffer.from(`albumd bench ${tag}`);
  const segment = Buffer.alloc(4);
  segment.writeUInt16BE(0xfffe, 0);
  segment.writeUInt16BE(text.length + 2, 2);
  return Buffer.concat([jpeg.subarray(0, at), segment, text, jpeg.subarray(at)]);
}

async function makeLibrary(): Promise<{ files: string[]; bytes: number }> {
  // Camera-like: smooth detail (noise drawn small, scaled up) compresses to a few MB like a real photo.
  const bases: Buffer[] = [];
  for (let i = 0; i < 8; i++) {
    const small = await sharp({ create: { width: 1000, height: 750, channels: 3, background: { r: 30 * i, g: 120, b: 200 }, noise: { type: 'gaussian', mean: 128, sigma: 60 } } })
      .png()
      .toBuffer();
    const day = String(i + 1).padStart(2, '0');
    bases.push(
      await sharp(small)
        .resize(4000, 3000, { kernel: 'cubic' })
        .jpeg({ quality: 92 })
        .withExif({ IFD0: { Make: 'albumd', Model: 'bench camera', DateTime: `2024:05:${day} 10:00:00` }, IFD2: { DateTimeOriginal: `2024:05:${day} 10:00:00` } })
        .toBuffer(),
    );
  }
  const files: string[] = [];
  let bytes = 0;
  for (let i = 0; i < COUNT; i++) {
    const folder = path.join(library, `Trip ${String(i % FOLDERS).padStart(2, '0')}`);
    fs.mkdirSync(folder, { recursive: true });
    const file = path.join(folder, `IMG_${String(i).padStart(5, '0')}.jpg`);
    const body = unique(bases[i % bases.length]!, String(i));
    fs.writeFileSync(file, body);
    files.push(file);
    bytes += body.length;
  }
  return { files, bytes };
}

const thumbRoot = (dataDir: string) => path.join(dataDir, 'thumbs');
const LAST_SIZE = `-${SIZE_NAMES[SIZE_NAMES.length - 1]}.jpg`;
function thumbnailsDone(dataDir: string): number {
  let n = 0;
  const root = thumbRoot(dataDir);
  if (!fs.existsSync(root)) return 0;
  for (const shard of fs.readdirSync(root)) {
    for (const name of fs.readdirSync(path.join(root, shard))) if (name.endsWith(LAST_SIZE)) n += 1;
  }
  return n;
}
/** Seconds from `since` until every photo has its thumbnails. */
async function thumbnailsAt(dataDir: string, since: number): Promise<number> {
  const deadline = Date.now() + 30 * 60_000;
  while (thumbnailsDone(dataDir) < COUNT) {
    if (Date.now() > deadline) throw new Error('thumbnails did not finish within 30 min');
    await new Promise((r) => setTimeout(r, 250));
  }
  return (performance.now() - since) / 1000;
}

async function fresh(name: string): Promise<{ dataDir: string; url: string; user: Record<string, unknown>; stop: () => void }> {
  const dataDir = path.join(work, name);
  const env = { ALBUMD_DATA_DIR: dataDir, ALBUMD_RATE_LIMIT: '0', ALBUMD_LOGIN_RATE_LIMIT: '0', LOG_LEVEL: 'warn' };
  const user = await runCli(['user', 'add', '--phone', '+8613700000001', '--password', PASSWORD], env);
  const { child, url } = await startServer(env);
  return { dataDir, url, user, stop: () => child.kill('SIGTERM') };
}

function oneShot(url: string, headers: Record<string, string>, containerId: string, file: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const size = fs.statSync(file).size;
    const req = http.request(
      `${url}/koodrive/ose/v1/files/upload?fileName=${encodeURIComponent(path.basename(file))}&containerId=${containerId}&renameMode=2`,
      { method: 'POST', headers: { ...headers, 'content-type': 'application/octet-stream', 'content-length': String(size) } },
      (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`${res.statusCode} ${body}`))));
      },
    );
    req.on('error', reject);
    fs.createReadStream(file).pipe(req);
  });
}

async function pool<T>(items: T[], n: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: n }, async () => {
    while (next < items.length) await fn(items[next++]!);
  }));
}

/** BENCH_PROFILE=file.cpuprofile: the importer's CPU profile (open it in Chrome's DevTools). */
async function profiler(file: string | undefined): Promise<{ stop: () => Promise<void> }> {
  if (!file) return { stop: async () => undefined };
  const session = new inspector.Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return {
    stop: async () => {
      const { profile } = await session.post('Profiler.stop');
      fs.writeFileSync(file, JSON.stringify(profile));
      session.disconnect();
    },
  };
}

const t0 = performance.now();
const { files, bytes } = await makeLibrary();
const mb = bytes / 1e6;
console.log(`import: ${COUNT} photos (${(mb / COUNT).toFixed(1)} MB each, ${mb.toFixed(0)} MB) over ${FOLDERS} folders, made in ${((performance.now() - t0) / 1000).toFixed(0)} s`);

try {
  // The baseline: one-shot uploads of the same files.
  const a = await fresh('one-shot');
  let baseline: { seconds: number; thumbs: number };
  try {
    const headers = headersFor(a.user);
    const start = performance.now();
    await pool(files, CONCURRENCY, (file) => oneShot(a.url, headers, String(a.user.containerId), file));
    const seconds = (performance.now() - start) / 1000;
    baseline = { seconds, thumbs: await thumbnailsAt(a.dataDir, start) };
  } finally {
    a.stop();
  }
  fs.rmSync(a.dataDir, { recursive: true, force: true });

  const b = await fresh('import');
  try {
    const options: ImportOptions = {
      dir: library,
      server: b.url,
      credentials: { phone: '+8613700000001', password: PASSWORD },
      albums: 'none',
      concurrency: CONCURRENCY,
      dryRun: false,
      exclude: [],
      stateFile: path.join(work, 'state.jsonl'),
    };
    const quiet = jsonReporter(() => undefined);
    const profile = await profiler(process.env.BENCH_PROFILE);
    const cpu0 = process.cpuUsage();
    const start = performance.now();
    const first = await runImport(options, quiet);
    const seconds = (performance.now() - start) / 1000;
    const cpu = process.cpuUsage(cpu0);
    await profile.stop();
    if (first.imported !== COUNT || first.failed.length > 0) throw new Error(`import: ${JSON.stringify(first)}`);
    const thumbs = await thumbnailsAt(b.dataDir, start);

    const r0 = performance.now();
    const again = await runImport(options, quiet);
    const rerun = (performance.now() - r0) / 1000;
    fs.rmSync(options.stateFile!);
    const s0 = performance.now();
    const stateless = await runImport(options, quiet);
    const noState = (performance.now() - s0) / 1000;
    if (again.duplicates !== COUNT || stateless.duplicates !== COUNT || again.bytesSent + stateless.bytesSent !== 0) {
      throw new Error(`rerun: ${JSON.stringify({ again, stateless })}`);
    }

    const rate = (s: number) => `${(mb / s).toFixed(1)} MB/s, ${(COUNT / s).toFixed(0)} files/s`;
    console.log(`import: one-shot uploads (baseline) ${rate(baseline.seconds)}; every thumbnail after ${baseline.thumbs.toFixed(1)} s`);
    console.log(`import: albumd import ${rate(seconds)} = ${(baseline.seconds / seconds).toFixed(2)}× the baseline (goal ≥ 0.7); every thumbnail after ${thumbs.toFixed(1)} s (${(thumbs / baseline.thumbs).toFixed(2)}× the baseline's)`);
    console.log(`import: importer CPU ${((100 * (cpu.user + cpu.system)) / 1e6 / seconds).toFixed(0)}% of one core (goal < 25%)`);
    console.log(`import: rerun (all duplicates) ${(COUNT / rerun).toFixed(0)} files/s with its state, ${(COUNT / noState).toFixed(0)} files/s without (goal ≥ 200)`);
  } finally {
    b.stop();
  }
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
