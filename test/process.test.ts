import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { storeFor } from './helpers/test-database.js';
import { assertConsistent } from './helpers/integrity.js';
import { RawConnection, exitWithin, headersFor, rawHead, refusing, runCli, spawnServer, tempDataDir, type ServerProcess } from './helpers/process.js';

const CREATE = '/koodrive/ose/v1/album/create';

async function listAll(server: ServerProcess, user: Record<string, unknown>): Promise<Set<string>> {
  const ids = new Set<string>();
  for (let page = 1; ; page++) {
    const res = await fetch(`${server.url}/koodrive/ose/v1/album/list?albumKind=1&albumType=2&pageSize=100&pageNum=${page}`, { headers: headersFor(user) });
    const body = (await res.json()) as { albumList: { id: string }[]; total: number };
    for (const a of body.albumList) ids.add(a.id);
    if (body.albumList.length < 100) return ids;
  }
}

describe('the server as a process', () => {
  test('every album acknowledged before a SIGKILL is there after restart', async (t) => {
    const env = { ALBUMD_DATA_DIR: tempDataDir() };
    const user = await runCli(['user', 'add', '--phone', '+8613900000001', '--password', 'kill-test-pass'], env);
    assert.match(String(user.accessToken), /^AT [0-9a-f]{64}$/);
    const server = await spawnServer(env);
    const acked: string[] = [];
    let stop = false;
    let failures = 0;
    const worker = async (w: number) => {
      for (let i = 0; !stop; i++) {
        try {
          const res = await fetch(`${server.url}${CREATE}`, { method: 'POST', headers: headersFor(user), body: JSON.stringify({ name: `k${w}-${i}`, type: 2, albumKind: 1 }) });
          const body = (await res.json()) as { albumId?: string };
          if (res.status === 200 && body.albumId) acked.push(body.albumId);
        } catch {
          failures += 1;
          return;
        }
      }
    };
    const workers = Array.from({ length: 16 }, (_, w) => worker(w));
    // Killed under load once a good number are acknowledged (a fixed delay acknowledged few on a busy machine).
    for (const deadline = Date.now() + 30_000; acked.length < 200 && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 20));
    // A burst sent just before the kill: some of it is certainly in flight when the process dies.
    const burst = Array.from({ length: 8 }, (_, i) =>
      fetch(`${server.url}${CREATE}`, { method: 'POST', headers: headersFor(user), body: JSON.stringify({ name: `burst-${i}`, type: 2, albumKind: 1 }) }).then(
        async (res) => {
          const body = (await res.json()) as { albumId?: string };
          if (res.status === 200 && body.albumId) acked.push(body.albumId);
          return 'answered';
        },
        () => 'cut',
      ),
    );
    server.child.kill('SIGKILL');
    stop = true;
    await Promise.all(workers);
    if ((await Promise.all(burst)).includes('cut')) failures += 1;
    const exit = await server.exited;
    assert.equal(exit.signal, 'SIGKILL');
    assert.ok(acked.length > 50, `only ${acked.length} creates acknowledged`);
    // Each worker stops at its first failure: some requests were in flight when the process died.
    assert.ok(failures >= 1, 'the kill cut requests in flight');

    const again = await spawnServer(env);
    try {
      const stored = await listAll(again, user);
      const lost = acked.filter((id) => !stored.has(id));
      assert.deepEqual(lost, [], `${lost.length} of ${acked.length} acknowledged albums lost`);
      // What the kill cut short left no count behind either (the users' album counts among them).
      const store = await storeFor(env.ALBUMD_DATA_DIR);
      try {
        await assertConsistent({ store, dataDir: env.ALBUMD_DATA_DIR });
      } finally {
        await store.close();
      }
      t.diagnostic(`${acked.length} acknowledged before SIGKILL, ${stored.size} stored, none lost`);
    } finally {
      again.child.kill('SIGTERM');
      await exitWithin(again, 20_000);
    }
  });

  test('bin/albumd works while the server runs; SIGTERM answers every request in flight and exits 0', async (t) => {
    const env = { ALBUMD_DATA_DIR: tempDataDir() };
    const server = await spawnServer(env);
    const user = await runCli(['user', 'add', '--phone', '008613900000002', '--password', 'drain-test-pass', '--name', 'Dee'], env);
    const issued = await runCli(['token', 'issue', '--user', String(user.userId)], env);
    assert.deepEqual(Object.keys(issued).sort(), ['accessToken', 'expiresIn', 'refreshToken']);
    assert.equal(issued.expiresIn, 1800);
    const second = { userId: user.userId, accessToken: issued.accessToken };
    const ok = await fetch(`${server.url}${CREATE}`, { method: 'POST', headers: headersFor(second), body: JSON.stringify({ name: 'cli', type: 2, albumKind: 1 }) });
    assert.equal(ok.status, 200);

    // In flight for sure: with Expect: 100-continue the server answers 100 once it handles the
    // request; the bodies follow the SIGTERM.
    const h = headersFor(user);
    const bodies = Array.from({ length: 20 }, (_, i) => JSON.stringify({ name: `d${i}`, type: 2, albumKind: 1 }));
    const inFlight = await Promise.all(
      bodies.map(async (body) => {
        const conn = await RawConnection.open(server.port);
        const head = { Authorization: h.authorization!, 'X-User-Id': h['x-user-id']!, 'X-Date': h['x-date']!, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), Expect: '100-continue' };
        await conn.write(rawHead(`POST ${CREATE} HTTP/1.1`, head));
        assert.equal((await conn.next())?.status, 100);
        return conn;
      }),
    );
    server.child.kill('SIGTERM');
    await refusing(server.port);
    await Promise.all(inFlight.map((conn, i) => conn.write(bodies[i]!)));
    const answers = await Promise.all(inFlight.map((conn) => conn.response()));
    const ids = answers.map((r) => {
      assert.equal(r?.status, 200, r?.body);
      assert.equal(r?.headers.connection, 'close');
      return String((JSON.parse(r!.body) as { albumId?: string }).albumId);
    });
    const exit = await exitWithin(server, 20_000);
    t.diagnostic(`exited ${exit.ms} ms after SIGTERM`);
    assert.equal(exit.code, 0, 'exits 0 after draining');

    const again = await spawnServer(env);
    try {
      const stored = await listAll(again, user);
      assert.deepEqual(ids.filter((id) => !stored.has(id)), [], 'every answered create is stored');
    } finally {
      again.child.kill('SIGTERM');
      await exitWithin(again, 20_000);
    }
  });
});
