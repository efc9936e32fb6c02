import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { tempDir } from './helpers/app.js';
import { headersFor, runCli, spawnServer, type ServerProcess } from './helpers/process.js';

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
  const dirs: string[] = [];
  after(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

  test('every album acknowledged before a SIGKILL is there after restart', async (t) => {
    const dataDir = tempDir();
    dirs.push(dataDir);
    const env = { ALBUMD_DATA_DIR: dataDir };
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
    await new Promise((r) => setTimeout(r, 1500));
    server.child.kill('SIGKILL');
    stop = true;
    await Promise.all(workers);
    const exit = await server.exited;
    assert.equal(exit.signal, 'SIGKILL');
    assert.ok(acked.length > 50, `only ${acked.length} creates acknowledged`);

    const again = await spawnServer(env);
    try {
      const stored = await listAll(again, user);
      const lost = acked.filter((id) => !stored.has(id));
      assert.deepEqual(lost, [], `${lost.length} of ${acked.length} acknowledged albums lost`);
      t.diagnostic(`${acked.length} acknowledged before SIGKILL, ${stored.size} stored, none lost`);
      assert.ok(failures <= 16);
    } finally {
      again.child.kill('SIGTERM');
      await again.exited;
    }
  });

  test('bin/albumd works while the server runs; SIGTERM drains and exits 0', async () => {
    const dataDir = tempDir();
    dirs.push(dataDir);
    const env = { ALBUMD_DATA_DIR: dataDir };
    const server = await spawnServer(env);
    const user = await runCli(['user', 'add', '--phone', '008613900000002', '--password', 'drain-test-pass', '--name', 'Dee'], env);
    const issued = await runCli(['token', 'issue', '--user', String(user.userId)], env);
    assert.deepEqual(Object.keys(issued).sort(), ['accessToken', 'expiresIn', 'refreshToken']);
    assert.equal(issued.expiresIn, 1800);
    const second = { userId: user.userId, accessToken: issued.accessToken };
    const ok = await fetch(`${server.url}${CREATE}`, { method: 'POST', headers: headersFor(second), body: JSON.stringify({ name: 'cli', type: 2, albumKind: 1 }) });
    assert.equal(ok.status, 200);

    const inFlight = Array.from({ length: 20 }, (_, i) =>
      fetch(`${server.url}${CREATE}`, { method: 'POST', headers: headersFor(user), body: JSON.stringify({ name: `d${i}`, type: 2, albumKind: 1 }) }).then(
        async (res) => ({ status: res.status, body: (await res.json()) as { albumId?: string } }),
        (error: Error) => ({ status: 0, body: { error: error.message } as { albumId?: string } }),
      ),
    );
    await new Promise((r) => setTimeout(r, 5));
    server.child.kill('SIGTERM');
    const results = await Promise.all(inFlight);
    const exit = await server.exited;
    assert.equal(exit.code, 0, 'exits 0 after draining');
    const answered = results.filter((r) => r.status !== 0);
    for (const r of answered) assert.ok(r.status === 200 || r.status === 503, JSON.stringify(r));

    const again = await spawnServer(env);
    try {
      const stored = await listAll(again, user);
      for (const r of answered) if (r.status === 200) assert.ok(stored.has(r.body.albumId!), 'an answered create is stored');
    } finally {
      again.child.kill('SIGTERM');
      await again.exited;
    }
  });
});
