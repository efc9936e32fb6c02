import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { headersFor, runCli } from '../test/helpers/process.js';
import { startServer } from './server.js';
import { benchDatabaseEnv, benchDialect } from './database.js';

/**
 * CreateAlbum over HTTP against a bare Fastify route, in the same run, alternating rounds so that
 * machine noise hits both. Figures are reported as ratios to the baseline.
 */
const quick = process.argv.includes('--quick');
const DURATION = quick ? 3 : 10;
const ROUNDS = quick ? 1 : 3;
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
// One user by default (every create counts against the same owner: the hardest case); BENCH_USERS spreads them.
const USERS = Number(process.env.BENCH_USERS ?? 1);
// PostgreSQL is across a socket and every write a SERIALIZABLE transaction: the goal there is lower.
const GOAL = process.env.BENCH_PG_URL ? 0.25 : 0.5;

interface Figures {
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
}

async function load(url: string, people: (() => Record<string, string>)[], seconds: number): Promise<Figures> {
  let i = 0;
  const result = await autocannon({
    url: `${url}/koodrive/ose/v1/album/create`,
    method: 'POST',
    connections: CONNECTIONS,
    duration: seconds,
    requests: [
      {
        setupRequest: (req) => {
          const n = i++;
          return { ...req, headers: { ...req.headers, ...people[n % people.length]!(), 'content-type': 'application/json' }, body: JSON.stringify({ name: `bench ${n % 100000}`, type: 2, albumKind: 1 }) };
        },
      },
    ],
  });
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, non2xx: result.non2xx };
}

const median = (xs: number[]): number => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'albumd-bench-'));
  // One user creates far more than the default 100,000 albums per owner here: lift that limit.
  const env = { ALBUMD_DATA_DIR: dataDir, ALBUMD_RATE_LIMIT: '0', LOG_LEVEL: 'warn', ALBUMD_MAX_ALBUMS: '100000000', ...(await benchDatabaseEnv()) };
  console.log(`create: on ${benchDialect()}`);
  const users: Record<string, unknown>[] = [];
  for (let u = 0; u < USERS; u++) users.push(await runCli(['user', 'add', '--phone', `+86137000${String(u).padStart(5, '0')}`, '--password', 'bench-password'], env));
  const baseline = await startServer({}, 'bench/baseline-server.ts');
  const albumd = await startServer(env);
  // Headers made per request: X-Date stays fresh however long the bench runs.
  const people = users.map((user) => () => headersFor(user));
  try {
    await load(baseline.url, people, 2);
    await load(albumd.url, people, 2);
    const base: Figures[] = [];
    const ours: Figures[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      base.push(await load(baseline.url, people, DURATION));
      ours.push(await load(albumd.url, people, DURATION));
    }
    const summary = (xs: Figures[]) => ({ rps: median(xs.map((x) => x.rps)), p50: median(xs.map((x) => x.p50)), p99: median(xs.map((x) => x.p99)), non2xx: xs.reduce((s, x) => s + x.non2xx, 0) });
    const b = summary(base);
    const o = summary(ours);
    const report = {
      benchmark: 'CreateAlbum vs bare Fastify POST with a body schema',
      connections: CONNECTIONS,
      users: USERS,
      seconds: DURATION,
      rounds: ROUNDS,
      baseline: b,
      albumd: o,
      ratio: Number((o.rps / b.rps).toFixed(3)),
      goal: GOAL,
      stretch: 0.8,
    };
    console.log(JSON.stringify(report, null, 2));
    console.log(
      `CreateAlbum: ${o.rps.toFixed(0)} req/s (p50 ${o.p50} ms, p99 ${o.p99} ms) vs baseline ${b.rps.toFixed(0)} req/s (p50 ${b.p50} ms, p99 ${b.p99} ms) → ratio ${report.ratio} (goal ≥ ${GOAL}, stretch 0.8)`,
    );
    if (o.non2xx > 0) console.log(`warning: ${o.non2xx} non-2xx answers from albumd`);
  } finally {
    baseline.child.kill('SIGTERM');
    albumd.child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 500));
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
