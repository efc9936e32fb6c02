import fs from 'node:fs';
import http from 'node:http';
import { formatXDate } from '../src/domain/auth/credentials.js';

/**
 * The measuring half of `npm run bench -- albums`, in its own small process: p50/p99 over HTTP of
 * album listings, ListAlbums pages and add/remove turns against the seeded server in the plan.
 */
const plan = JSON.parse(fs.readFileSync(process.argv[2]!, 'utf8')) as {
  url: string;
  user: Record<string, unknown>;
  manualId: string;
  collectionId: string;
  spare: string[];
  groupId: string;
  requests: number;
  deep: number;
  files: number;
  albums: number;
  items: number;
  seedSeconds: number;
};
const { manualId, collectionId, spare } = plan;
const userId = String(plan.user.userId);
const REQUESTS = plan.requests;
const DEEP = plan.deep;
const server = { url: plan.url };
// X-Date is made per request: the run takes longer than the 15 minutes one date is good for.
const headers = (): Record<string, string> => ({
  authorization: `Bearer+${String(plan.user.accessToken)}`,
  'x-user-id': userId,
  'x-date': formatXDate(Date.now()),
  'content-type': 'application/json',
});
// One kept-alive connection and node:http: a lean client, so the figures are the server's.
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const request = (method: string, url: string, body?: string): Promise<{ status: number; body: Record<string, unknown> }> =>
  new Promise((resolve, reject) => {
    const h = body === undefined ? headers() : { ...headers(), 'content-length': String(Buffer.byteLength(body)) };
    const req = http.request(`${server.url}${url}`, { method, agent, headers: h }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown> }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
const get = async (url: string) => {
  const res = await request('GET', url);
  if (res.status !== 200) throw new Error(`${url}: ${JSON.stringify(res.body)}`);
  return res.body;
};
const summary = (times: number[]): { p50: number; p99: number } => {
  times.sort((a, b) => a - b);
  const at = (q: number) => Number(times[Math.min(times.length - 1, Math.floor(q * times.length))]!.toFixed(2));
  return { p50: at(0.5), p99: at(0.99) };
};
/** p50/p99 of each of these requests, taken in turn so that every one meets the same moments of the machine. */
const timedTogether = async (...fns: (() => Promise<unknown>)[]): Promise<{ p50: number; p99: number }[]> => {
  for (let i = 0; i < 20; i++) for (const fn of fns) await fn();
  const times = fns.map((): number[] => []);
  for (let i = 0; i < REQUESTS; i++) {
    for (const [k, fn] of fns.entries()) {
      const s = performance.now();
      await fn();
      times[k]!.push(performance.now() - s);
    }
  }
  return times.map(summary);
};
const timed = async (fn: () => Promise<unknown>): Promise<{ p50: number; p99: number }> => (await timedTogether(fn))[0]!;

const results: Record<string, { p50: number; p99: number }> = {};
for (const [label, albumId] of [['manual', manualId], ['collection', collectionId]] as const) {
  for (const sortType of [1, 2, 3]) {
    const base = `/koodrive/ose/v1/album/${albumId}/list?sortType=${sortType}&pageSize=100`;
    let cursor = '';
    for (let p = 1; p < DEEP; p++) cursor = String((await get(`${base}${cursor ? `&pageCursor=${encodeURIComponent(cursor)}` : ''}`)).nextPageCursor);
    const deep = `${base}&pageCursor=${encodeURIComponent(cursor)}`;
    // First and deep page in turn: their ratio compares like with like on a noisy machine.
    const [first, deepPage] = await timedTogether(() => get(base), () => get(deep));
    results[`${label} sort ${sortType} first page`] = first!;
    results[`${label} sort ${sortType} page ${DEEP}`] = deepPage!;
  }
}
let pageNum = 1;
results['ListAlbums pages'] = await timed(() => get(`/koodrive/ose/v1/album/list?albumKind=1&albumType=2&pageSize=100&pageNum=${(pageNum++ % 100) + 1}`));
let sharedPage = 0;
results['ListAlbums shared pages (family of 10, 1,000 albums)'] = await timed(() => get(`/koodrive/ose/v1/album/list?albumKind=2&albumType=2&pageSize=100&pageNum=${(sharedPage++ % 10) + 1}`));
results['ListAlbums shared pages by groupId'] = await timed(() => get(`/koodrive/ose/v1/album/list?albumKind=2&albumType=2&pageSize=100&groupId=${plan.groupId}&pageNum=${(sharedPage++ % 10) + 1}`));
let adding = true;
results['add 100 / remove 100'] = await timed(async () => {
  const res = adding
    ? await request('POST', `/koodrive/ose/v1/album/${manualId}/add`, JSON.stringify({ fileIds: spare.map((fileId) => ({ fileId, ownerId: userId })) }))
    : await request('DELETE', `/koodrive/ose/v1/${manualId}/batchDelete`, JSON.stringify({ ids: spare }));
  if (res.status !== 200) throw new Error(JSON.stringify(res.body));
  adding = !adding;
});
const worstListing = Math.max(...Object.entries(results).filter(([k]) => k.includes('page') && !k.startsWith('ListAlbums')).map(([, v]) => v.p99));
const personalList = results['ListAlbums pages']!.p99;
const sharedList = Math.max(results['ListAlbums shared pages (family of 10, 1,000 albums)']!.p99, results['ListAlbums shared pages by groupId']!.p99);
const ratios = [1, 2, 3].flatMap((s) => ['manual', 'collection'].map((a) => results[`${a} sort ${s} page ${DEEP}`]!.p99 / results[`${a} sort ${s} first page`]!.p99));
console.log(JSON.stringify({ benchmark: 'album content at scale', files: plan.files, albums: plan.albums, manualItems: plan.items, seedSeconds: Number(plan.seedSeconds.toFixed(1)), requestsEach: REQUESTS, results }, null, 2));
console.log(`Album content: worst listing p99 ${worstListing} ms (goal ≤ 10), worst deep/first p99 ratio ${Math.max(...ratios).toFixed(2)} (goal ≤ 1.5), add/remove 100 p99 ${results['add 100 / remove 100']!.p99} ms (goal ≤ 20)`);
console.log(`ListAlbums: personal p99 ${personalList} ms, shared p99 ${sharedList} ms (goal ≤ 10; shared/personal ${(sharedList / personalList).toFixed(2)})`);
