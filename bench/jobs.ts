/**
 * `npm run bench -- jobs`: jobs of 1,000 files (move, recycle, restore, delete for good) on SQLite
 * and, when BENCH_PG_URL names a server, on PostgreSQL in the same run: each job's time and its
 * cost per file, and PostgreSQL ÷ SQLite. A job resolves every item against the state the earlier
 * ones left, so what matters on PostgreSQL is how many round trips an item costs.
 */
import { client, startTestApp, type Api, type TestApp } from '../test/helpers/app.js';

const quick = process.argv.includes('--quick');
const FILES = 1000;
const ROUNDS = quick ? 2 : 5;

interface Figures {
  [job: string]: number[];
}

async function seed(api: Api): Promise<{ files: string[]; a: string; b: string }> {
  const a = await api.folder('A');
  const b = await api.folder('B');
  const files: string[] = [];
  for (let i = 0; i < FILES; i++) {
    const r = await api.upload(`f${i}.txt`, `file ${i}`, a);
    if (r.status !== 200) throw new Error(JSON.stringify(r.body));
    files.push(r.body.id as string);
  }
  return { files, a, b };
}

async function timed(figures: Figures, name: string, run: () => Promise<{ status: number; body: unknown }>): Promise<void> {
  const start = process.hrtime.bigint();
  const r = await run();
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 200) throw new Error(`${name}: ${JSON.stringify(r.body)}`);
  (figures[name] ??= []).push(ms);
}

async function measure(dialect: 'sqlite' | 'postgres'): Promise<Figures> {
  process.env.ALBUMD_TEST_DATABASE = dialect;
  if (dialect === 'postgres') process.env.ALBUMD_TEST_PG_URL = process.env.BENCH_PG_URL;
  const t: TestApp = await startTestApp();
  try {
    const api = client(t, await t.newUser());
    const { files, a, b } = await seed(api);
    const figures: Figures = {};
    for (let round = 0; round < ROUNDS; round++) {
      await timed(figures, 'move 1,000 files', () => api.job(3, files, {}, { dstFolderId: b }));
      await api.job(3, files, {}, { dstFolderId: a });
      await timed(figures, 'recycle 1,000 files', () => api.job(2, files, { actionType: 201 }));
      await timed(figures, 'restore 1,000 files', () => api.job(4, files));
    }
    const copies: string[] = [];
    for (let i = 0; i < FILES; i++) copies.push((await api.upload(`g${i}.txt`, `copy ${i}`, b)).body.id as string);
    await timed(figures, 'delete 1,000 files for good', () => api.job(2, copies, { actionType: 202 }));
    return figures;
  } finally {
    await t.close();
  }
}

const median = (xs: number[]): number => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;

const results: Record<string, Figures> = { SQLite: await measure('sqlite') };
if (process.env.BENCH_PG_URL) results.PostgreSQL = await measure('postgres');
else console.log('jobs: BENCH_PG_URL not set, SQLite only');

console.log(`\njobs of ${FILES.toLocaleString('en')} files, median of ${ROUNDS} (one kept for delete for good)`);
const names = Object.keys(results.SQLite!);
const header = ['job', ...Object.keys(results).map((d) => `${d} ms (µs/file)`), ...(results.PostgreSQL ? ['PostgreSQL ÷ SQLite'] : [])];
console.log(header.join(' | '));
for (const name of names) {
  const cells = Object.values(results).map((f) => {
    const m = median(f[name]!);
    return `${m.toFixed(0)} (${((m * 1000) / FILES).toFixed(0)})`;
  });
  const ratio = results.PostgreSQL ? [(median(results.PostgreSQL[name]!) / median(results.SQLite![name]!)).toFixed(2)] : [];
  console.log([name, ...cells, ...ratio].join(' | '));
}
