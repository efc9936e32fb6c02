import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { storeFor } from './helpers/test-database.js';
import { exitWithin, headersFor, runCli, spawnServer, tempDataDir, type ServerProcess } from './helpers/process.js';
import { assertConsistent } from './helpers/integrity.js';

/**
 * A `files/complete` cut short by a crash (issue 9): after a restart, every client's retried
 * complete answers its file — made before the crash or made now from the same parts — and nothing
 * is left claimed, half-stored or inconsistent.
 */

const V1 = '/koodrive/ose/v1';
const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
type Part = { partNumber: number; partOffset: number; partSize: number; uploadUrl: string };
type Upload = { bytes: Buffer; fileId: string; uploadId: string };

const post = async (server: ServerProcess, user: Record<string, unknown>, url: string, body: unknown) => {
  const res = await fetch(`${server.url}${url}`, { method: 'POST', headers: headersFor(user), body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

test('completes cut by a SIGKILL answer their file when retried after the restart', async (t) => {
  const dataDir = tempDataDir();
  const env = { ALBUMD_DATA_DIR: dataDir };
  const user = await runCli(['user', 'add', '--phone', '+8613900000077', '--password', 'crash-complete-pass'], env);
  const server = await spawnServer(env);
  const uploads: Upload[] = [];
  // One-part uploads (their part becomes the stored content) and two-part ones (joined first).
  const sizes = [...Array.from({ length: 24 }, () => 150_000), ...Array.from({ length: 3 }, () => (8 << 20) + 5000)];
  for (const [i, size] of sizes.entries()) {
    const bytes = randomBytes(size);
    const c = await post(server, user, `${V1}/files/create`, {
      fileName: `crash-${i}.bin`,
      parentFolder: ['root'],
      containerId: user.containerId,
      length: size,
      sha256: sha(bytes),
      uploadMode: size > 8 << 20 ? 'multipart' : 'put',
    });
    assert.equal(c.status, 200, JSON.stringify(c.body));
    for (const p of c.body.multiParts as Part[]) {
      const put = await fetch(p.uploadUrl.replace(/^https?:\/\/[^/]+/, server.url), { method: 'PUT', body: bytes.subarray(p.partOffset, p.partOffset + p.partSize) });
      assert.equal(put.status, 200);
    }
    uploads.push({ bytes, fileId: String(c.body.fileId), uploadId: String(c.body.uploadId) });
  }
  const complete = (s: ServerProcess, u: Upload) => post(s, user, `${V1}/files/complete`, { fileId: u.fileId, uploadId: u.uploadId, containerId: user.containerId });

  // Every complete at once; the process dies as the first answer arrives.
  let killed = false;
  const kill = () => {
    if (!killed) server.child.kill('SIGKILL');
    killed = true;
  };
  const first = await Promise.all(uploads.map((u) => complete(server, u).then(kill, kill)));
  assert.equal(first.length, uploads.length);
  assert.equal((await server.exited).signal, 'SIGKILL');

  const again = await spawnServer(env);
  try {
    for (const u of uploads) {
      const r = await complete(again, u);
      assert.equal(r.status, 200, `retry of ${u.fileId}: ${JSON.stringify(r.body)}`);
      assert.equal(r.body.id, u.fileId);
      assert.equal(r.body.sha256, sha(u.bytes));
    }
    const links = await post(again, user, `${V1}/files/download`, { containerId: user.containerId, fileIds: uploads.map((u) => u.fileId) });
    for (const [i, d] of (links.body.downloads as { url: string }[]).entries()) {
      const got = Buffer.from(await (await fetch(d.url.replace(/^https?:\/\/[^/]+/, again.url))).arrayBuffer());
      assert.ok(got.equals(uploads[i]!.bytes), `file ${i} downloads intact`);
    }
    const store = await storeFor(dataDir);
    try {
      // Parts a crash left behind belong to no upload any more: the sweep removes them after its grace.
      for (const u of uploads) assert.equal(await store.read.uploads.find(u.uploadId), undefined, 'no upload left');
      for (const dir of fs.readdirSync(path.join(dataDir, 'blobs', 'parts'))) assert.equal(await store.read.uploads.find(dir), undefined);
      const report = await assertConsistent({ store, dataDir });
      assert.equal(report.findings.filter((f) => f.check.startsWith('upload')).length, 0);
    } finally {
      await store.close();
    }
    t.diagnostic(`${uploads.length} completes cut by SIGKILL, all answered after the restart`);
  } finally {
    again.child.kill('SIGTERM');
    await exitWithin(again, 20_000);
  }
});
