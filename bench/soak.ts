/**
 * `npm run bench -- soak [--quick]`: a mixed workload (logins, uploads, album creates and adds,
 * listings, downloads, thumbnails, recycles and restores) at ~70% of the capacity measured first in
 * the same run, for 10 minutes (--quick: 2). Then: RSS growth over the last 80% of the run (goal
 * < 10%), errors and 5xx (goal 0), each operation's p99 in the last minute against the first (goal
 * ≤ 1.5×), open file descriptors (flat), and `bin/albumd check` (clean).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { headersFor, runCli } from '../test/helpers/process.js';
import { startServer } from './server.js';

const quick = process.argv.includes('--quick');
const MINUTES = quick ? 2 : 10;
const WINDOW_MS = quick ? 30_000 : 60_000;
const USERS = 4;
const PASSWORD = 'soak-password';
const V1 = '/koodrive/ose/v1';

type Op = 'login' | 'upload' | 'createAlbum' | 'addToAlbum' | 'listAlbums' | 'albumPage' | 'download' | 'thumbnail' | 'recycle';
const MIX: [Op, number][] = [
  ['login', 3],
  ['upload', 12],
  ['createAlbum', 4],
  ['addToAlbum', 10],
  ['listAlbums', 15],
  ['albumPage', 20],
  ['download', 14],
  ['thumbnail', 17],
  ['recycle', 5],
];

interface Person {
  phone: string;
  userId: string;
  containerId: string;
  headers: () => Record<string, string>;
  files: string[];
  albums: string[];
}

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'albumd-soak-'));
const env = { ALBUMD_DATA_DIR: dataDir, ALBUMD_RATE_LIMIT: '0', ALBUMD_LOGIN_RATE_LIMIT: '0', LOG_LEVEL: 'warn' };
const people: Person[] = [];
for (let i = 0; i < USERS; i++) {
  const phone = `+86137100000${String(i).padStart(2, '0')}`;
  const u = await runCli(['user', 'add', '--phone', phone, '--password', PASSWORD], env);
  const person: Person = { phone, userId: String(u.userId), containerId: String(u.containerId), headers: () => headersFor(u), files: [], albums: [] };
  people.push(person);
}
const server = await startServer(env);
const base = server.url;
const photo = await sharp({ create: { width: 1600, height: 1200, channels: 3, background: '#4477aa', noise: { type: 'gaussian', mean: 128, sigma: 40 } } }).jpeg({ quality: 80 }).toBuffer();
let serial = 0;

async function call(method: string, url: string, person: Person, body?: unknown, raw?: Buffer): Promise<{ status: number; json: Record<string, unknown> }> {
  const headers = { ...person.headers(), ...(raw ? { 'content-type': 'application/octet-stream' } : {}) };
  const res = await fetch(`${base}${url}`, { method, headers, body: raw ? new Uint8Array(raw) : body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // Bytes (a download, a thumbnail).
  }
  return { status: res.status, json };
}

const pick = <T>(xs: T[]): T | undefined => xs[Math.floor(Math.random() * xs.length)];

async function run(op: Op, p: Person): Promise<number> {
  switch (op) {
    case 'login': {
      const res = await fetch(`${base}${V1}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ account: p.phone, authType: '1', password: PASSWORD }) });
      await res.text();
      return res.status;
    }
    case 'upload': {
      const body = Buffer.concat([photo, Buffer.from(`soak ${(serial += 1)}`)]);
      const r = await call('POST', `${V1}/files/upload?fileName=p${serial}.jpg&containerId=${p.containerId}&renameMode=2`, p, undefined, body);
      if (r.status === 200) p.files.push(String(r.json.id));
      return r.status;
    }
    case 'createAlbum': {
      const r = await call('POST', `${V1}/album/create`, p, { name: `soak ${(serial += 1) % 1000}`, type: 2, albumKind: 1 });
      if (r.status === 200) p.albums.push(String(r.json.albumId));
      return r.status;
    }
    case 'addToAlbum': {
      const album = pick(p.albums);
      const files = p.files.slice(-20);
      if (!album || files.length === 0) return run('createAlbum', p);
      return (await call('POST', `${V1}/album/${album}/add`, p, { fileIds: files.map((fileId) => ({ fileId, ownerId: p.userId })) })).status;
    }
    case 'listAlbums':
      return (await call('GET', `${V1}/album/list?albumKind=1&albumType=2&pageSize=50`, p)).status;
    case 'albumPage': {
      const album = pick(p.albums);
      if (!album) return run('createAlbum', p);
      return (await call('GET', `${V1}/album/${album}/list?pageSize=60`, p)).status;
    }
    case 'download':
    case 'thumbnail': {
      const file = pick(p.files);
      if (!file) return run('upload', p);
      if (op === 'thumbnail') return (await call('GET', `${V1}/files/${file}/thumbnail?size=s`, p)).status;
      const link = await call('POST', `${V1}/files/download`, p, { containerId: p.containerId, fileIds: [file] });
      const url = (link.json.downloads as { url: string }[] | undefined)?.[0]?.url;
      if (!url) return link.status;
      const res = await fetch(url);
      await res.arrayBuffer();
      return res.status;
    }
    case 'recycle': {
      const file = p.files.shift();
      if (!file) return run('upload', p);
      const r = await call('POST', `${V1}/jobs`, p, { taskType: 2, taskInfo: { fileInfo: [{ fileId: file }], srcContainerId: p.containerId }, dstContainerId: p.containerId });
      if (r.status !== 200) return r.status;
      const back = await call('POST', `${V1}/jobs`, p, { taskType: 4, taskInfo: { fileInfo: [{ fileId: file }], srcContainerId: p.containerId }, dstContainerId: p.containerId });
      if (back.status === 200) p.files.push(file);
      return back.status;
    }
  }
}

const total = MIX.reduce((n, [, w]) => n + w, 0);
function chooseOp(): Op {
  let r = Math.random() * total;
  for (const [op, w] of MIX) if ((r -= w) < 0) return op;
  return 'listAlbums';
}

interface Sample {
  op: Op;
  at: number;
  ms: number;
  status: number;
}

async function one(samples: Sample[]): Promise<void> {
  const op = chooseOp();
  const p = people[Math.floor(Math.random() * people.length)]!;
  const start = performance.now();
  // 0: no answer at all (the connection failed).
  const status = await run(op, p).catch(() => 0);
  samples.push({ op, at: Date.now(), ms: performance.now() - start, status });
}

/** Thumbnails queued in the background (made after their uploads answered). */
async function thumbnailBacklog(): Promise<number> {
  const text = await (await fetch(`${base}/metrics`)).text();
  return Number(/albumd_thumbnail_queue_depth\{state="waiting"\} (\d+)/.exec(text)?.[1] ?? 0);
}

// Capacity: 16 workers back to back for 15 s, and the time the thumbnails of their uploads took
// after that (work the answers left behind is part of what the server can sustain).
const probe: Sample[] = [];
const probeStart = Date.now();
const probeEnd = probeStart + 15_000;
await Promise.all(Array.from({ length: 16 }, async () => {
  while (Date.now() < probeEnd) await one(probe);
}));
while ((await thumbnailBacklog()) > 0) await new Promise((r) => setTimeout(r, 200));
const capacity = probe.length / ((Date.now() - probeStart) / 1000);
const rate = capacity * 0.7;
console.log(`soak: capacity ${capacity.toFixed(0)} ops/s, running ${rate.toFixed(0)} ops/s for ${MINUTES} min`);

function processStats(): { rss: number; fds: number } {
  const status = fs.readFileSync(`/proc/${server.child.pid}/status`, 'utf8');
  const rss = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) * 1024;
  return { rss, fds: fs.readdirSync(`/proc/${server.child.pid}/fd`).length };
}
const backlog: number[] = [];

const samples: Sample[] = [];
const stats: { at: number; rss: number; fds: number }[] = [];
const started = Date.now();
const end = started + MINUTES * 60_000;
const inFlight = new Set<Promise<void>>();
const sampler = setInterval(() => {
  stats.push({ at: Date.now(), ...processStats() });
  void thumbnailBacklog().then((n) => backlog.push(n), () => undefined);
}, 5000);
let sent = 0;
while (Date.now() < end) {
  // Open loop: requests leave on schedule whatever the answers' pace (so a slowdown shows as latency).
  const due = Math.floor(((Date.now() - started) / 1000) * rate);
  while (sent < due && inFlight.size < 256) {
    sent += 1;
    const job = one(samples).finally(() => inFlight.delete(job));
    inFlight.add(job);
  }
  await new Promise((r) => setTimeout(r, 5));
}
await Promise.all(inFlight);
clearInterval(sampler);
stats.push({ at: Date.now(), ...processStats() });

const p99 = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * 0.99))] ?? 0;
};
const first = samples.filter((s) => s.at < started + WINDOW_MS);
const last = samples.filter((s) => s.at >= end - WINDOW_MS);
const perOp = MIX.map(([op]) => {
  const a = p99(first.filter((s) => s.op === op).map((s) => s.ms));
  const b = p99(last.filter((s) => s.op === op).map((s) => s.ms));
  return { op, firstP99: Number(a.toFixed(1)), lastP99: Number(b.toFixed(1)), ratio: Number((b / Math.max(a, 0.001)).toFixed(2)) };
});
const steady = stats.filter((s) => s.at >= started + (end - started) * 0.2);
const rssGrowth = steady.length > 1 ? (steady.at(-1)!.rss - steady[0]!.rss) / steady[0]!.rss : 0;
const errors = samples.filter((s) => s.status !== 200 && s.status !== 206).length;
const fiveXX = samples.filter((s) => s.status >= 500 || s.status === 0).length;
server.child.kill('SIGTERM');
await new Promise((r) => server.child.once('exit', r));
const check = await runCli(['check', '--json'], env).then(
  (r) => ({ ok: r.ok === true, findings: (r.findings as unknown[]).length }),
  (e: unknown) => ({ ok: false, error: String(e).slice(0, 500) }),
);
const report = {
  benchmark: 'soak: mixed workload at 70% of measured capacity',
  minutes: MINUTES,
  capacityOpsPerSecond: Number(capacity.toFixed(1)),
  operations: samples.length,
  errors,
  fiveXX,
  rssMiB: { first: Number((steady[0]!.rss / 2 ** 20).toFixed(1)), last: Number((steady.at(-1)!.rss / 2 ** 20).toFixed(1)), growth: Number((rssGrowth * 100).toFixed(1)) },
  fds: { first: stats[0]!.fds, max: Math.max(...stats.map((s) => s.fds)), last: stats.at(-1)!.fds },
  thumbnailBacklog: { max: Math.max(0, ...backlog), last: backlog.at(-1) ?? 0 },
  p99: perOp,
  check,
};
console.log(JSON.stringify(report, null, 2));
const worst = Math.max(...perOp.map((o) => o.ratio));
console.log(
  `soak: ${samples.length} ops, ${errors} errors, ${fiveXX} 5xx; RSS ${report.rssMiB.first} → ${report.rssMiB.last} MiB (${report.rssMiB.growth}%, goal < 10%); worst last/first p99 ${worst} (goal ≤ 1.5); fds ${report.fds.first} → ${report.fds.last}; check ${check.ok ? 'clean' : 'NOT clean'}`,
);
fs.rmSync(dataDir, { recursive: true, force: true });
