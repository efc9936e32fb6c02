import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { databaseEnv } from './helpers/test-database.js';
import { ROOT, exitWithin, freePort, headersFor, runCli, tempDataDir, type ServerProcess } from './helpers/process.js';

/**
 * The server's stdout log on the same small disk as its data (a 16 MB tmpfs): once the disk is full
 * every log line fails with ENOSPC. The server must go on answering (uploads 507, /healthz 200), drop
 * and count the lines it cannot write, say so once the log can be written again, and still stop on
 * SIGTERM — with the disk full and with room again.
 */

const V1 = '/koodrive/ose/v1';
const MOUNT = fs.mkdtempSync(path.join(os.tmpdir(), 'albumd-fulllog-'));

/** Mounts the tmpfs; the reason it could not be (not root, no mount) skips the tests instead. */
function mountTmpfs(): string | undefined {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=16m', 'tmpfs', MOUNT], { stdio: 'pipe' });
    return undefined;
  } catch (error) {
    fs.rmSync(MOUNT, { recursive: true, force: true });
    return `needs a tmpfs (mount -t tmpfs, as root): ${String((error as { stderr?: Buffer }).stderr ?? error).trim()}`;
  }
}
const skip = mountTmpfs();

const LOG = path.join(MOUNT, 'server.log');
const DATA = path.join(MOUNT, 'data');
const FILLER = path.join(MOUNT, 'filler');
let server: ServerProcess | undefined;
let logFd: number | undefined;
const children = new Set<ChildProcess>();

after(async () => {
  for (const child of children) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    const gone = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await gone;
  }
  if (logFd !== undefined) fs.closeSync(logFd);
  if (skip) return;
  try {
    execFileSync('umount', [MOUNT], { stdio: 'pipe' });
  } catch {
    execFileSync('umount', ['-l', MOUNT], { stdio: 'pipe' }); // still busy: detach it now, freed once unused
  }
  fs.rmSync(MOUNT, { recursive: true, force: true });
});

/** The real server logging at info to `stdout` (spawnServer discards stdout). */
async function startServer(stdout: number | 'pipe', dataDir: string): Promise<ServerProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'info', ALBUMD_RATE_LIMIT: '0', ...(await databaseEnv({ ALBUMD_DATA_DIR: dataDir })), ALBUMD_DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', stdout, 'pipe'],
  });
  children.add(child);
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const url = `http://127.0.0.1:${port}`;
  const started = { child, url, port, exited, stderr: () => stderr };
  for (const deadline = Date.now() + 20_000; ; ) {
    if (child.exitCode !== null) throw new Error(`server exited early: ${stderr}`);
    if ((await answer(`${url}/healthz`, {}, 1000))?.status === 200) return started;
    if (Date.now() > deadline) throw new Error(`server did not start: ${stderr}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A fetch that gives up after `ms` (undefined: no answer), so a hung server fails the test, not the suite. */
async function answer(url: string, init: RequestInit, ms = 5000): Promise<Response | undefined> {
  try {
    return await fetch(url, { ...init, signal: AbortSignal.timeout(ms) });
  } catch {
    return undefined;
  }
}

/** Writes zeros to FILLER until the disk refuses even 512 bytes. */
function fillDisk(): void {
  const fd = fs.openSync(FILLER, 'a');
  try {
    for (const size of [1 << 20, 64 << 10, 4 << 10, 512]) {
      const chunk = Buffer.alloc(size);
      for (;;) {
        try {
          fs.writeSync(fd, chunk);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
          break;
        }
      }
    }
  } finally {
    fs.closeSync(fd);
  }
}

const logLines = (): Record<string, unknown>[] =>
  fs
    .readFileSync(LOG, 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('{') && l.endsWith('}'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe('a full disk holding the stdout log', { skip }, () => {
  let user: Record<string, unknown>;
  // 20 KB bodies: the disk is full whatever the size, and a body sent whole before the 507 comes back
  // leaves the kept-alive connection usable (after a 507 on a 200 KB body it currently is not).
  const upload = (name: string, bytes: number) =>
    answer(`${server!.url}${V1}/files/upload?fileName=${name}&containerId=${String(user.containerId)}`, {
      method: 'POST',
      headers: { ...headersFor(user), 'content-type': 'application/octet-stream' },
      body: Buffer.alloc(bytes, 1),
    });

  test('the server keeps answering while no log line can be written', async () => {
    logFd = fs.openSync(LOG, 'a');
    server = await startServer(logFd, DATA);
    user = await runCli(['user', 'add', '--phone', `+86137${String(Date.now()).slice(-8)}`, '--password', 'full-log-password'], { ALBUMD_DATA_DIR: DATA });
    assert.equal((await upload('before.bin', 1000))?.status, 200);
    fillDisk();
    for (let i = 0; i < 5; i++) {
      const up = await upload(`full-${i}.bin`, 20_000);
      assert.ok(up, `upload ${i} answered while the disk is full; stderr: ${server.stderr()}`);
      assert.equal(up.status, 507);
      assert.equal(((await up.json()) as { code: number }).code, 13001006);
      const health = await answer(`${server.url}/healthz`, {});
      assert.equal(health?.status, 200, `/healthz answered after upload ${i}; stderr: ${server.stderr()}`);
    }
    assert.equal(server.child.exitCode, null, 'still running');
    assert.match(server.stderr(), /log lines are being dropped \(ENOSPC\)/, 'the drops are told on stderr');
  });

  test('once there is room again the drops are counted in the log, lines keep their traceId', async () => {
    fs.rmSync(FILLER);
    const health = await answer(`${server!.url}/healthz`, { headers: { 'x-traceid': 'a'.repeat(58) } });
    assert.equal(health?.status, 200);
    const deadline = Date.now() + 5000;
    let lines = logLines();
    const after = (l: Record<string, unknown>): boolean => l.traceId === 'a'.repeat(58) && l.msg === 'request completed';
    // The request's lines arrive in turn ('incoming request', then 'request completed'): wait for the last.
    while (!lines.some(after) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      lines = logLines();
    }
    const report = lines.find((l) => typeof l.dropped === 'number');
    assert.ok(report, 'a line counts the dropped lines');
    assert.equal(report.level, 50);
    assert.equal(report.reason, 'ENOSPC');
    assert.ok((report.dropped as number) >= 10, `each failed request dropped at least two lines: ${JSON.stringify(report)}`);
    assert.ok(lines.some(after), 'the request after is logged with its traceId');
  });

  test('SIGTERM with the disk full again still exits, at once', async () => {
    fillDisk();
    assert.equal((await upload('again.bin', 20_000))?.status, 507);
    server!.child.kill('SIGTERM');
    const exit = await exitWithin(server!, 5000);
    assert.equal(exit.code, 0, server!.stderr());
  });
});

describe('a log reader that stops reading, or goes away', () => {
  /** Enough requests at info (two lines each, ~300 KB) to fill a pipe and any reader's buffer. */
  async function logALot(s: ServerProcess): Promise<void> {
    for (let i = 0; i < 500; i += 50) {
      const answers = await Promise.all(Array.from({ length: 50 }, () => answer(`${s.url}/healthz`, {})));
      assert.ok(answers.every((a) => a?.status === 200), `every request answered; stderr: ${s.stderr()}`);
    }
  }

  test('stdout a pipe nobody reads: requests are answered and SIGTERM still exits', async () => {
    const s = await startServer('pipe', tempDataDir());
    s.child.stdout!.pause(); // the reader stops: the pipe fills and stays full
    await logALot(s);
    s.child.kill('SIGTERM');
    const exit = await exitWithin(s, 5000);
    assert.equal(exit.code, 0, s.stderr());
  });

  test('stdout a pipe whose reader has gone (EPIPE): requests are answered and SIGTERM exits', async () => {
    const s = await startServer('pipe', tempDataDir());
    s.child.stdout!.destroy();
    await logALot(s);
    assert.match(s.stderr(), /log lines are being dropped \(EPIPE\)/);
    s.child.kill('SIGTERM');
    const exit = await exitWithin(s, 5000);
    assert.equal(exit.code, 0, s.stderr());
  });
});
