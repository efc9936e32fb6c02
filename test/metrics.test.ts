import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startTestApp, client, makeTestStore, tempDir, type Api, type TestApp, type TestUser } from './helpers/app.js';
import { rawSql } from './helpers/raw-sql.js';
import { buildApp } from '../src/app.js';
import { ConfigError, loadConfig } from '../src/config.js';
import { Readiness } from '../src/metrics/readiness.js';

const V1 = '/koodrive/ose/v1';
const FIXTURES = path.resolve(import.meta.dirname, 'fixtures');

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The samples of a Prometheus text answer (comments skipped); every other line must parse. */
function parse(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    assert.ok(m, `a sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!;
    samples.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return samples;
}

/** The value of the sample with exactly these labels; 0 when there is none (a counter not yet counted). */
function value(samples: Sample[], name: string, labels: Record<string, string> = {}): number {
  const want = Object.entries(labels).sort();
  const found = samples.find((s) => s.name === name && JSON.stringify(Object.entries(s.labels).sort()) === JSON.stringify(want));
  return found?.value ?? 0;
}

function has(samples: Sample[], name: string): boolean {
  return samples.some((s) => s.name === name);
}

async function scrapeOf(t: TestApp, headers: Record<string, string> = {}): Promise<Sample[]> {
  const res = await t.app.inject({ method: 'GET', url: '/metrics', headers });
  assert.equal(res.statusCode, 200, res.body);
  assert.match(String(res.headers['content-type']), /^text\/plain; version=0\.0\.4/);
  return parse(res.body);
}

describe('GET /metrics', () => {
  let clock = Date.now();
  let t: TestApp;
  let u: TestUser;
  let api: Api;
  before(async () => {
    t = await startTestApp({}, { now: () => clock });
    u = await t.newUser();
    api = client(t, u, () => clock);
  });
  after(() => t.close());
  const scrape = () => scrapeOf(t);

  test('requests are counted and timed by route pattern, method and status; never by raw URL', async () => {
    const before = await scrape();
    for (let i = 0; i < 3; i++) assert.equal((await api.listAlbums('albumKind=1&albumType=2')).status, 200);
    assert.equal((await api.listAlbums('albumKind=9&albumType=2')).status, 400);
    const created = await api.createAlbum({ name: 'counted', type: 2, albumKind: 1 });
    const albumId = created.body.albumId as string;
    assert.equal((await api.deleteAlbum(albumId)).status, 200);
    assert.equal((await t.app.inject({ method: 'GET', url: '/no/such/route/1234567' })).statusCode, 404);
    assert.equal((await t.app.inject({ method: 'GET', url: '/other/unknown?x=1' })).statusCode, 404);
    const res = await t.app.inject({ method: 'GET', url: '/metrics' });
    const after = parse(res.body);

    const delta = (name: string, labels: Record<string, string>) => value(after, name, labels) - value(before, name, labels);
    const list = { method: 'GET', route: `${V1}/album/list`, status: '200' };
    assert.equal(delta('albumd_http_requests_total', list), 3);
    assert.equal(delta('albumd_http_request_duration_seconds_count', list), 3);
    assert.equal(delta('albumd_http_request_duration_seconds_bucket', { ...list, le: '+Inf' }), 3);
    assert.ok(delta('albumd_http_request_duration_seconds_sum', list) > 0);
    assert.equal(delta('albumd_http_requests_total', { ...list, status: '400' }), 1);
    assert.equal(delta('albumd_http_requests_total', { method: 'POST', route: `${V1}/album/create`, status: '200' }), 1);
    assert.equal(delta('albumd_http_requests_total', { method: 'DELETE', route: `${V1}/album/:albumId`, status: '200' }), 1);
    assert.equal(delta('albumd_http_requests_total', { method: 'GET', route: 'unmatched', status: '404' }), 2);
    assert.ok(value(after, 'albumd_http_requests_total', { method: 'GET', route: '/metrics', status: '200' }) >= 1, 'the scrapes themselves');
    for (const raw of [albumId, '1234567', 'albumKind=', 'unknown', '?']) {
      assert.ok(!after.some((s) => Object.values(s.labels).some((v) => v.includes(raw))), `no label holds "${raw}"`);
    }
  });

  test('each error envelope counts under its catalogue code', async () => {
    const before = await scrape();
    const noCredentials = await t.app.inject({ method: 'GET', url: `${V1}/album/list?albumKind=1&albumType=2` });
    assert.equal(noCredentials.json().code, 13001001);
    assert.equal((await api.listAlbums('albumKind=9&albumType=2')).body.code, 13000102);
    assert.equal((await api.listAlbums('albumKind=7&albumType=2')).body.code, 13000102);
    assert.equal((await t.app.inject({ method: 'DELETE', url: '/healthz' })).json().code, 13001005);
    const after = await scrape();
    const delta = (code: string) => value(after, 'albumd_errors_total', { code }) - value(before, 'albumd_errors_total', { code });
    assert.equal(delta('13001001'), 1);
    assert.equal(delta('13000102'), 2);
    assert.equal(delta('13001005'), 1);
    assert.equal(delta('13000201'), 0);
  });

  test('needs no KooDrive headers, ignores them when sent, and is not in the OpenAPI document', async () => {
    const plain = await t.app.inject({ method: 'GET', url: '/metrics' });
    assert.equal(plain.statusCode, 200);
    const odd = await t.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: 'Bearer nope', 'x-user-id': 'x', 'x-date': 'y', 'x-traceid': 'bad' } });
    assert.equal(odd.statusCode, 200, odd.body);
    assert.ok(has(parse(odd.body), 'process_cpu_user_seconds_total'), 'default process metrics');
    assert.ok(has(parse(odd.body), 'nodejs_eventloop_lag_seconds'));
    const doc = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json() as { paths: Record<string, unknown> };
    for (const p of ['/metrics', '/healthz', '/readyz']) assert.equal(doc.paths[p], undefined, p);
  });

  test('stored blob bytes and active sessions are those of the rows, counted when scraped (at most every 15 s)', async () => {
    // Counts are reused for 15 s: each look here is a little later than the last.
    const later = async () => {
      clock += 16_000;
      return scrape();
    };
    const db = await rawSql(t.config.database);
    try {
      const rowBytes = async () => Number((await db.get<{ b: number | null }>('select sum(size) b from blobs where ref_count > 0'))?.b ?? 0);
      const rowSessions = async () =>
        Number((await db.get<{ n: number }>("select count(*) n from tokens where kind = 'access' and revoked = 0 and expires_at > ?", clock))?.n);
      const start = await later();
      assert.equal(value(start, 'albumd_blob_stored_bytes'), await rowBytes());

      const jpeg = fs.readFileSync(path.join(FIXTURES, 'sample.jpg'));
      const one = await api.upload('one.jpg', jpeg);
      const two = await api.upload('two.jpg', jpeg);
      const text = await api.upload('notes.txt', 'metrics are counted when scraped');
      for (const r of [one, two, text]) assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(value(await scrape(), 'albumd_blob_stored_bytes'), value(start, 'albumd_blob_stored_bytes'), 'within 15 s: the count taken before');
      const grown = value(await later(), 'albumd_blob_stored_bytes');
      assert.equal(grown, value(start, 'albumd_blob_stored_bytes') + jpeg.length + 'metrics are counted when scraped'.length, 'one content counted once');
      assert.equal(grown, await rowBytes());

      // Deleted for good: the text's content has no file left; the photo's still has one.
      assert.equal((await api.job(2, [text.body.id as string, one.body.id as string], { actionType: 202 })).status, 200);
      const shrunk = value(await later(), 'albumd_blob_stored_bytes');
      assert.equal(shrunk, grown - 'metrics are counted when scraped'.length);
      assert.equal(shrunk, await rowBytes());

      // Sessions: the user's own, a login more, a logout less, and none once every token has expired.
      assert.equal(value(await later(), 'albumd_sessions_active'), await rowSessions());
      const base = await rowSessions();
      assert.ok(base >= 1);
      const login = await t.app.inject({ method: 'POST', url: `${V1}/auth/login`, payload: { account: u.phone, authType: '1', password: 'correct horse battery' } });
      assert.equal(login.statusCode, 200, login.body);
      assert.equal(value(await later(), 'albumd_sessions_active'), base + 1);
      const second = (login.json() as { data: { sessionInfo: { accessToken: string } } }).data.sessionInfo.accessToken;
      assert.equal((await api.call('POST', `${V1}/auth/logout`, { userId: u.userId, accessToken: second })).status, 200);
      assert.equal(value(await later(), 'albumd_sessions_active'), base);
      assert.equal(base, await rowSessions());
      clock += 31 * 60 * 1000;
      try {
        assert.equal(value(await later(), 'albumd_sessions_active'), 0);
        assert.equal(await rowSessions(), 0);
      } finally {
        clock -= 31 * 60 * 1000;
      }
    } finally {
      await db.close();
    }
  });

  test('the thumbnail queue: its depth, and media it could not decode', async () => {
    await t.domain.thumbnails.idle();
    const before = await scrape();
    // Its headers alone: nothing of the picture decodes, so the placeholder is stored.
    const truncated = fs.readFileSync(path.join(FIXTURES, 'sample.jpg')).subarray(0, 400);
    assert.equal((await api.upload('broken.jpg', truncated)).status, 200);
    await t.domain.thumbnails.idle();
    const after = await scrape();
    const undecodable = { reason: 'undecodable' };
    assert.equal(value(after, 'albumd_thumbnail_failures_total', undecodable) - value(before, 'albumd_thumbnail_failures_total', undecodable), 1);
    assert.equal(value(after, 'albumd_thumbnail_failures_total', { reason: 'error' }), 0);
    assert.equal(value(after, 'albumd_thumbnail_queue_depth', { state: 'waiting' }), 0);
    assert.equal(value(after, 'albumd_thumbnail_queue_depth', { state: 'running' }), 0);
  });

  test('database writes: commits timed, queue depth back to 0 when idle', async () => {
    const committed = { outcome: 'committed' };
    const before = value(await scrape(), 'albumd_db_commit_duration_seconds_count', committed);
    assert.equal((await api.createAlbum({ name: 'written', type: 2, albumKind: 1 })).status, 200);
    const after = await scrape();
    assert.ok(value(after, 'albumd_db_commit_duration_seconds_count', committed) > before);
    assert.ok(value(after, 'albumd_db_commit_duration_seconds_sum', committed) > 0);
    assert.ok(has(after, 'albumd_db_write_queue_depth'));
    assert.equal(value(after, 'albumd_db_write_queue_depth'), 0);
  });

  test('/readyz: 200, and 503 while the blob directory is missing or not a directory', async () => {
    await t.domain.thumbnails.idle();
    const ready = async () => {
      const res = await t.app.inject({ method: 'GET', url: '/readyz' });
      return { status: res.statusCode, body: res.json() as { code: number; msg: string; reason?: string } };
    };
    assert.deepEqual((await ready()).status, 200);
    const blobs = path.join(t.dataDir, 'blobs');
    const away = `${blobs}.away`;
    fs.renameSync(blobs, away);
    try {
      const r = await ready();
      assert.equal(r.status, 503);
      assert.equal(r.body.code, 13000201);
      assert.equal(r.body.reason, 'blobs');
      assert.match(r.body.msg, /file store/);
      fs.writeFileSync(blobs, 'not a directory');
      assert.equal((await ready()).status, 503);
      fs.rmSync(blobs);
    } finally {
      fs.renameSync(away, blobs);
    }
    assert.equal((await ready()).status, 200);
    const tmp = path.join(blobs, 'tmp');
    fs.rmSync(tmp, { recursive: true });
    try {
      assert.equal((await ready()).status, 503, 'uploads land in blobs/tmp');
    } finally {
      fs.mkdirSync(tmp);
    }
    if (process.getuid?.() !== 0) {
      // Permissions do not stop root: this part runs only for another user.
      fs.chmodSync(blobs, 0o000);
      try {
        assert.equal((await ready()).status, 503, 'an unreadable directory');
      } finally {
        fs.chmodSync(blobs, 0o755);
      }
    }
    assert.equal((await ready()).status, 200);
  });
});

describe('ALBUMD_METRICS_TOKEN', () => {
  const TOKEN = 'scrape-secret-0123456789abcdef';
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ ALBUMD_METRICS_TOKEN: TOKEN });
  });
  after(() => t.close());

  test('without it or with another one: 401 in the envelope; with it: the metrics', async () => {
    const refused = [undefined, '', `Bearer ${TOKEN}x`, `Bearer ${TOKEN.slice(1)}`, `Bearer ${'x'.repeat(TOKEN.length)}`, `Basic ${TOKEN}`, TOKEN, `Bearer+${TOKEN}`];
    for (const authorization of refused) {
      const res = await t.app.inject({ method: 'GET', url: '/metrics', headers: authorization === undefined ? {} : { authorization } });
      assert.equal(res.statusCode, 401, String(authorization));
      assert.match(String(res.headers['content-type']), /^application\/json/);
      assert.deepEqual(res.json(), { code: 13001001, msg: 'Authentication failed.' });
      assert.match(String(res.headers['www-authenticate']), /^Bearer /);
      assert.ok(!res.body.includes(TOKEN));
    }
    for (const authorization of [`Bearer ${TOKEN}`, `bearer ${TOKEN}`]) {
      const samples = await scrapeOf(t, { authorization });
      assert.equal(value(samples, 'albumd_errors_total', { code: '13001001' }), refused.length);
    }
    // The KooDrive API does not take the metrics token, nor /metrics a KooDrive token.
    const api = await t.app.inject({ method: 'GET', url: `${V1}/album/list?albumKind=1&albumType=2`, headers: { authorization: `Bearer ${TOKEN}` } });
    assert.equal(api.json().code, 13001001);
  });

  test('a token that is too short or has spaces stops the server, and is not echoed', () => {
    for (const bad of ['short-secret-15', `${'a'.repeat(10)} ${'b'.repeat(10)}`]) {
      assert.throws(
        () => loadConfig({ ALBUMD_METRICS_TOKEN: bad }),
        (error: unknown) => error instanceof ConfigError && /ALBUMD_METRICS_TOKEN/.test(error.message) && !error.message.includes(bad),
      );
    }
    assert.equal(loadConfig({}).metricsToken, undefined);
    assert.equal(loadConfig({ ALBUMD_METRICS_TOKEN: TOKEN }).metricsToken, TOKEN);
  });
});

describe('/readyz and the start-up, shutdown and database', () => {
  test('not ready before start-up is over and from shutdown on', async () => {
    const dataDir = tempDir();
    fs.mkdirSync(path.join(dataDir, 'blobs', 'tmp'), { recursive: true });
    const { store, drop } = await makeTestStore(dataDir);
    try {
      const readiness = new Readiness(store, dataDir);
      assert.equal(await readiness.check(), 'starting');
      readiness.started();
      assert.equal(await readiness.check(), undefined);
      readiness.stopping();
      assert.equal(await readiness.check(), 'stopping');
      readiness.started();
      assert.equal(await readiness.check(), 'stopping', 'a stopping server never becomes ready again');
    } finally {
      await store.close();
      await drop?.();
    }
  });

  test('503 once the database is closed; /metrics still answers, its counts unknown', async () => {
    const dataDir = tempDir();
    const config = loadConfig({ ALBUMD_DATA_DIR: dataDir, ALBUMD_RATE_LIMIT: '0', LOG_LEVEL: 'silent' });
    const { store, config: database, drop } = await makeTestStore(dataDir);
    config.database = database;
    const built = await buildApp(config, { store, logger: false });
    try {
      await built.startupSweep;
      assert.equal((await built.app.inject({ method: 'GET', url: '/readyz' })).statusCode, 200);
      await store.close();
      const res = await built.app.inject({ method: 'GET', url: '/readyz' });
      assert.equal(res.statusCode, 503);
      assert.deepEqual(res.json(), { code: 13000201, msg: 'Not ready: the database does not answer.', status: 'unavailable', reason: 'database' });
      const metrics = await built.app.inject({ method: 'GET', url: '/metrics' });
      assert.equal(metrics.statusCode, 200);
      assert.ok(Number.isNaN(value(parse(metrics.body), 'albumd_blob_stored_bytes')));
      built.readiness.stopping();
      assert.equal((await built.app.inject({ method: 'GET', url: '/readyz', headers: { language: 'zh_cn' } })).json().msg, '未就绪：服务器正在关闭。');
    } finally {
      await built.app.close();
      await drop?.();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
