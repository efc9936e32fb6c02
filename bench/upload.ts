import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { headersFor, runCli } from '../test/helpers/process.js';
import { startServer } from './server.js';

/**
 * One-shot upload of a large file over HTTP (streamed to the blob store, hashed, fsynced, probed)
 * against a raw write of the same bytes to the same disk with one fsync, in the same run; and the
 * server's peak RSS while it happens.
 */
const quick = process.argv.includes('--quick');
const SIZE = (quick ? 256 : 1024) * 1024 * 1024;
const CHUNK = randomBytes(8 * 1024 * 1024);

function source(): Readable {
  let sent = 0;
  return new Readable({
    read() {
      if (sent >= SIZE) return this.push(null);
      const n = Math.min(CHUNK.length, SIZE - sent);
      sent += n;
      this.push(n === CHUNK.length ? CHUNK : CHUNK.subarray(0, n));
    },
  });
}

function peakRssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = /VmHWM:\s+(\d+) kB/.exec(status);
  return m ? Number(m[1]) / 1024 : NaN;
}

async function rawWrite(dir: string): Promise<number> {
  const target = path.join(dir, 'raw.bin');
  const t0 = performance.now();
  await pipeline(source(), fs.createWriteStream(target));
  const fd = fs.openSync(target, 'r');
  fs.fsyncSync(fd);
  fs.closeSync(fd);
  const seconds = (performance.now() - t0) / 1000;
  fs.rmSync(target);
  return SIZE / 1e6 / seconds;
}

async function upload(url: string, headers: Record<string, string>, containerId: string, name: string): Promise<number> {
  const t0 = performance.now();
  await new Promise<void>((resolve, reject) => {
    const req = http.request(
      `${url}/koodrive/ose/v1/files/upload?fileName=${name}&containerId=${containerId}`,
      { method: 'POST', headers: { ...headers, 'content-type': 'application/octet-stream', 'content-length': String(SIZE) } },
      (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`${res.statusCode} ${body}`))));
      },
    );
    req.on('error', reject);
    source().pipe(req);
  });
  return SIZE / 1e6 / ((performance.now() - t0) / 1000);
}

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'albumd-bench-upload-'));
const env = { ALBUMD_DATA_DIR: dataDir, ALBUMD_RATE_LIMIT: '0', LOG_LEVEL: 'warn' };
const user = await runCli(['user', 'add', '--phone', '+8613700000001', '--password', 'bench-password'], env);
const { child: server, url } = await startServer(env);
try {
  const baseline: number[] = [];
  const ours: number[] = [];
  for (let round = 0; round < (quick ? 1 : 2); round++) {
    baseline.push(await rawWrite(dataDir));
    ours.push(await upload(url, headersFor(user), String(user.containerId), `big-${round}.bin`));
  }
  const best = (xs: number[]) => Math.max(...xs);
  const rss = peakRssMb(server.pid!);
  const report = {
    benchmark: `one-shot upload of ${SIZE / 1024 ** 2} MiB vs a raw write of the same bytes`,
    rawWriteMBps: Number(best(baseline).toFixed(1)),
    uploadMBps: Number(best(ours).toFixed(1)),
    ratio: Number((best(ours) / best(baseline)).toFixed(3)),
    goal: 0.5,
    serverPeakRssMB: Number(rss.toFixed(1)),
    rssGoalMB: 200,
  };
  console.log(JSON.stringify(report, null, 2));
  console.log(`Upload: ${report.uploadMBps} MB/s vs raw write ${report.rawWriteMBps} MB/s → ratio ${report.ratio} (goal ≥ 0.5); server peak RSS ${report.serverPeakRssMB} MB (goal < 200)`);
} finally {
  server.kill('SIGTERM');
  await new Promise((r) => server.on('exit', r));
  fs.rmSync(dataDir, { recursive: true, force: true });
}
