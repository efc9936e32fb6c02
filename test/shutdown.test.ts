import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError, loadConfig } from '../src/config.js';
import {
  RawConnection,
  exitWithin,
  headersFor,
  rawHead,
  refusing,
  runCli,
  spawnServer,
  tempDataDir,
  type ServerProcess,
} from './helpers/process.js';

const V1 = '/koodrive/ose/v1';

/** Every file (not folder) under `dir`, at any depth; one removed while it is listed (the server discarding it) is not there. */
function filesUnder(dir: string): string[] {
  for (let attempt = 0; ; attempt++) {
    if (!fs.existsSync(dir)) return [];
    try {
      return fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((p) => fs.statSync(path.join(dir, p), { throwIfNoEntry: false })?.isFile() ?? false);
    } catch (error) {
      // A folder removed while it was being read: read again.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || attempt >= 20) throw error;
    }
  }
}

/** Polls until `check` holds; throws with `what` after `ms` (a bound on a wait, not a timing assertion). */
async function until(what: string, check: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`gave up waiting: ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** A request head sent with Expect: 100-continue: once 100 arrives the server is handling the request. */
async function startRequest(server: ServerProcess, requestLine: string, headers: Record<string, string | number>): Promise<RawConnection> {
  const conn = await RawConnection.open(server.port);
  await conn.write(rawHead(requestLine, { ...headers, Expect: '100-continue' }));
  const interim = await conn.next();
  assert.equal(interim?.status, 100, `the server took up ${requestLine}`);
  return conn;
}

/** An upload of 1,000,000 declared bytes that sends 100 and stalls, with its temporary file on disk. */
async function stalledUploads(server: ServerProcess, dataDir: string): Promise<RawConnection[]> {
  const user = await runCli(['user', 'add', '--phone', `+86139${String(Date.now()).slice(-8)}`, '--password', 'stall-test-pass'], { ALBUMD_DATA_DIR: dataDir });
  const h = headersFor(user);
  const auth = { Authorization: h.authorization!, 'X-User-Id': h['x-user-id']!, 'X-Date': h['x-date']! };
  const oneShot = await startRequest(server, `POST ${V1}/files/upload?fileName=stall.bin&containerId=${String(user.containerId)} HTTP/1.1`, {
    ...auth,
    'Content-Type': 'application/octet-stream',
    'Content-Length': 1_000_000,
  });
  await oneShot.write(Buffer.alloc(100, 7));
  await until('the one-shot upload has a temporary file', () => filesUnder(path.join(dataDir, 'blobs', 'tmp')).length === 1);

  const created = await fetch(`${server.url}${V1}/files/create`, {
    method: 'POST',
    headers: h,
    body: JSON.stringify({ fileName: 'part.bin', containerId: user.containerId, length: 1_000_000 }),
  });
  const body = (await created.json()) as { multiParts: { uploadUrl: string }[] };
  assert.equal(created.status, 200, JSON.stringify(body));
  const url = new URL(body.multiParts[0]!.uploadUrl);
  const part = await startRequest(server, `PUT ${url.pathname}${url.search} HTTP/1.1`, { 'Content-Type': 'application/octet-stream', 'Content-Length': 1_000_000 });
  await part.write(Buffer.alloc(100, 7));
  await until('the part upload has a temporary file', () => filesUnder(path.join(dataDir, 'blobs', 'parts')).length === 1);
  return [oneShot, part];
}

describe('timeouts and graceful shutdown (real processes)', () => {
  test('SIGTERM answers what is in flight, closes kept-alive connections at once and exits 0', async (t) => {
    const dataDir = tempDataDir();
    const server = await spawnServer({ ALBUMD_DATA_DIR: dataDir });
    const user = await runCli(['user', 'add', '--phone', '+8613900000011', '--password', 'keepalive-pass'], { ALBUMD_DATA_DIR: dataDir });
    const h = headersFor(user);
    // An idle kept-alive connection, and one whose request is being handled when SIGTERM comes.
    const idle = await RawConnection.open(server.port);
    await idle.write(rawHead('GET /healthz HTTP/1.1', {}));
    assert.equal((await idle.response())?.status, 200);
    const json = JSON.stringify({ name: 'in flight', type: 2, albumKind: 1 });
    const busy = await startRequest(server, `POST ${V1}/album/create HTTP/1.1`, {
      Authorization: h.authorization!,
      'X-User-Id': h['x-user-id']!,
      'X-Date': h['x-date']!,
      'Content-Type': 'application/json',
      'Content-Length': Buffer.byteLength(json),
    });

    server.child.kill('SIGTERM');
    await refusing(server.port);
    await busy.write(json);
    const answer = await busy.response();
    assert.equal(answer?.status, 200, answer?.body);
    assert.match(String((JSON.parse(answer!.body) as { albumId?: string }).albumId), /^\d{19}$/);
    assert.equal(answer?.headers.connection, 'close', 'a response during the drain closes its connection');
    // Fastify's default keep-alive (72 s) held the process that long after the last answer.
    const exit = await exitWithin(server, 20_000);
    t.diagnostic(`exited ${exit.ms} ms after SIGTERM`);
    assert.deepEqual({ code: exit.code, signal: exit.signal }, { code: 0, signal: null });
    assert.ok(exit.ms < 10_000, `exit took ${exit.ms} ms`);
    await Promise.all([idle.closed, busy.closed]);
  });

  test('stalled uploads hold SIGTERM no longer than the grace and leave no temporary file', async (t) => {
    const dataDir = tempDataDir();
    const server = await spawnServer({ ALBUMD_DATA_DIR: dataDir, ALBUMD_SHUTDOWN_GRACE: '1' });
    const stalled = await stalledUploads(server, dataDir);
    server.child.kill('SIGTERM');
    const exit = await exitWithin(server, 20_000);
    t.diagnostic(`exited ${exit.ms} ms after SIGTERM with grace 1 s`);
    assert.equal(exit.code, 1, 'cut requests make a non-zero exit');
    assert.ok(exit.ms < 10_000, `exit took ${exit.ms} ms`);
    await Promise.all(stalled.map((c) => c.closed));
    assert.deepEqual(filesUnder(path.join(dataDir, 'blobs', 'tmp')), [], 'no partial one-shot upload left');
    assert.deepEqual(filesUnder(path.join(dataDir, 'blobs', 'parts')), [], 'no partial part left');
  });

  test('a stalled upload is cut after the idle timeout, an idle kept-alive connection after the keep-alive timeout', async () => {
    const dataDir = tempDataDir();
    const server = await spawnServer({ ALBUMD_DATA_DIR: dataDir, ALBUMD_IDLE_TIMEOUT: '1', ALBUMD_KEEPALIVE_TIMEOUT: '1' });
    try {
      const kept = await RawConnection.open(server.port);
      await kept.write(rawHead('GET /healthz HTTP/1.1', {}));
      assert.equal((await kept.response())?.status, 200);
      const stalled = await stalledUploads(server, dataDir);
      const bound = new Promise((_, reject) => setTimeout(() => reject(new Error('connections still open after 15 s')), 15_000).unref());
      await Promise.race([Promise.all([kept.closed, ...stalled.map((c) => c.closed)]), bound]);
      await until('the partial uploads are discarded', () => filesUnder(path.join(dataDir, 'blobs')).every((p) => !/^(tmp|parts)\//.test(p)));
      assert.equal((await fetch(`${server.url}/healthz`)).status, 200, 'the server goes on serving');
    } finally {
      server.child.kill('SIGTERM');
      await exitWithin(server, 20_000);
    }
  });

  test('the timeouts are read from the environment and every bad one is listed', () => {
    const config = loadConfig({ ALBUMD_IDLE_TIMEOUT: '45', ALBUMD_KEEPALIVE_TIMEOUT: '2', ALBUMD_REQUEST_TIMEOUT: '7200', ALBUMD_SHUTDOWN_GRACE: '0' });
    assert.deepEqual(config.timeouts, { idleMs: 45_000, keepAliveMs: 2000, requestMs: 7_200_000, shutdownGraceMs: 0 });
    assert.deepEqual(loadConfig({}).timeouts, { idleMs: 30_000, keepAliveMs: 5000, requestMs: 3_600_000, shutdownGraceMs: 10_000 });
    const bad = { ALBUMD_IDLE_TIMEOUT: '0', ALBUMD_KEEPALIVE_TIMEOUT: 'soon', ALBUMD_REQUEST_TIMEOUT: '-1', ALBUMD_SHUTDOWN_GRACE: '1.5' };
    assert.throws(
      () => loadConfig(bad),
      (error: unknown) => error instanceof ConfigError && Object.keys(bad).every((name) => error.problems.some((p) => p.startsWith(`${name}:`))),
    );
  });
});
