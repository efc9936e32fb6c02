import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from '../src/config.js';
import { createSnowflake, decodeSnowflake, newContainerId, newFileId, newTraceId } from '../src/ids.js';
import { startTestApp, authHeaders } from './helpers/app.js';

describe('configuration', () => {
  test('defaults', () => {
    const c = loadConfig({});
    assert.equal(c.port, 8080);
    assert.equal(c.host, '0.0.0.0');
    assert.match(c.dataDir, /\/data$/);
    assert.deepEqual(c.database, { dialect: 'sqlite', file: `${c.dataDir}/albumd.sqlite` });
    assert.equal(c.xDateToleranceSeconds, 30);
    assert.equal(c.rateLimit.max, 600);
    assert.equal(c.limits.albumsPerOwner, 100_000);
  });

  test('every bad variable is listed at once', () => {
    try {
      loadConfig({ PORT: 'eighty', LOG_LEVEL: 'loud', ALBUMD_SECRET: 'short', ALBUMD_XDATE_TOLERANCE: '-1', ALBUMD_DATABASE_URL: 'mysql://x', ALBUMD_RATE_LIMIT: '1.5' });
      assert.fail('expected a ConfigError');
    } catch (error) {
      assert.ok(error instanceof ConfigError);
      const names = error.problems.map((p) => p.split(':')[0]);
      assert.deepEqual(names.sort(), ['ALBUMD_DATABASE_URL', 'ALBUMD_RATE_LIMIT', 'ALBUMD_SECRET', 'ALBUMD_XDATE_TOLERANCE', 'LOG_LEVEL', 'PORT']);
    }
  });

  test('database URLs', () => {
    assert.deepEqual(loadConfig({ ALBUMD_DATABASE_URL: 'sqlite:/tmp/a.sqlite' }).database, { dialect: 'sqlite', file: '/tmp/a.sqlite' });
    assert.equal(loadConfig({ ALBUMD_DATABASE_URL: 'postgres://u@h/db' }).database.dialect, 'postgres');
  });
});

describe('IDs', () => {
  test('snowflakes: 19 digits, time-ordered, worker and sequence in place', async () => {
    let now = Date.UTC(2024, 5, 1);
    const gen = createSnowflake(5, () => now);
    const a = await gen.next();
    const b = await gen.next();
    now += 1;
    const c = await gen.next();
    assert.match(a, /^\d{19}$/);
    assert.ok(BigInt(a) < BigInt(b) && BigInt(b) < BigInt(c));
    assert.deepEqual(decodeSnowflake(a), { ms: Date.UTC(2024, 5, 1), workerId: 5, sequence: 0 });
    assert.deepEqual(decodeSnowflake(b), { ms: Date.UTC(2024, 5, 1), workerId: 5, sequence: 1 });
    assert.equal(decodeSnowflake('1805929618625036417').ms > Date.UTC(2024, 0, 1), true, 'the public example decodes to 2024');
  });

  test('4096 IDs in one millisecond, then the next millisecond', async () => {
    let now = Date.UTC(2025, 0, 1);
    const gen = createSnowflake(0, () => now);
    const ids = new Set<string>();
    for (let i = 0; i < 4096; i++) ids.add(await gen.next());
    setTimeout(() => (now += 1), 5);
    ids.add(await gen.next());
    assert.equal(ids.size, 4097);
  });

  test('a clock that steps back is waited for, up to 5 s, else refused', async () => {
    let now = Date.UTC(2025, 0, 1);
    const gen = createSnowflake(0, () => now);
    const first = await gen.next();
    now -= 20;
    setTimeout(() => (now += 40), 30);
    const second = await gen.next();
    assert.ok(BigInt(second) > BigInt(first));
    now -= 10_000;
    await assert.rejects(gen.next(), /clock moved back/);
  });

  test('file, container and trace IDs have their forms', () => {
    assert.match(newFileId(), /^F[A-Za-z0-9_-]{32}$/);
    assert.match(newContainerId(), /^IAA[A-Za-z0-9_-]{34}$/);
    const a = newTraceId();
    assert.match(a, /^[A-Za-z0-9_]{58}$/);
    assert.notEqual(a, newTraceId());
  });

  test('a single server issues IDs as worker 0', async () => {
    const t = await startTestApp();
    try {
      const u = await t.newUser();
      const res = await t.app.inject({ method: 'POST', url: '/koodrive/ose/v1/album/create', headers: authHeaders(u), payload: { name: 'w', type: 2, albumKind: 1 } });
      assert.equal(decodeSnowflake(res.json().albumId).workerId, 0);
      assert.equal(decodeSnowflake(u.userId).workerId, 0);
    } finally {
      await t.close();
    }
  });
});

describe('system routes', () => {
  test('health, readiness, OpenAPI 3.1 and /docs answer without credentials', async () => {
    const t = await startTestApp();
    try {
      const health = await t.app.inject({ method: 'GET', url: '/healthz' });
      assert.equal(health.statusCode, 200);
      assert.equal(health.json().code, 0);
      assert.equal((await t.app.inject({ method: 'GET', url: '/readyz' })).statusCode, 200);
      const doc = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json();
      assert.equal(doc.openapi, '3.1.0');
      for (const path of ['/koodrive/ose/v1/album/create', '/koodrive/ose/v1/{albumId}/update', '/koodrive/ose/v1/album/{albumId}', '/koodrive/ose/v1/album/list', '/koodrive/ose/v1/directory']) {
        assert.ok(doc.paths[path], path);
      }
      const create = doc.paths['/koodrive/ose/v1/album/create'].post;
      assert.ok(create.requestBody.content['application/json'].schema.properties.scopeDir);
      // The token is the security scheme (OpenAPI ignores an Authorization header parameter); the rest are parameters.
      assert.deepEqual(create.security, [{ KooDriveToken: [] }]);
      assert.deepEqual(create.parameters.map((p: { name: string }) => p.name).sort(), ['language', 'x-date', 'x-traceid', 'x-user-id']);
      const docs = await t.app.inject({ method: 'GET', url: '/docs/' });
      assert.equal(docs.statusCode, 200);
      assert.match(docs.body, /<html|<!DOCTYPE/i);
    } finally {
      await t.close();
    }
  });
});
