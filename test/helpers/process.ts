import { spawn, execFile, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { databaseEnv } from './test-database.js';
import { formatXDate } from '../../src/domain/auth/credentials.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

// node --test runs each test file in a process of its own: whatever a file leaves behind (a data
// dir, a server it did not get to stop because an assertion threw first) is removed when it exits.
const leftovers = { dirs: new Set<string>(), children: new Set<ChildProcess>() };
process.once('exit', () => {
  for (const child of leftovers.children) child.kill('SIGKILL');
  for (const dir of leftovers.dirs) fs.rmSync(dir, { recursive: true, force: true });
});

/** A fresh directory in the OS temp dir, removed when this process exits (even after a failure). */
export function tempDataDir(prefix = 'albumd-test-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  leftovers.dirs.add(dir);
  return dir;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  port: number;
  exited: Promise<Exit>;
  /** What the server wrote to stderr so far (for failure messages). */
  stderr(): string;
}

/** Starts the real server (`src/server.ts`) as its own process and waits for /healthz. */
export async function spawnServer(env: Record<string, string>): Promise<ServerProcess> {
  const port = await freePort();
  const database = await databaseEnv(env);
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'warn', ALBUMD_RATE_LIMIT: '0', ...database, ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  leftovers.children.add(child);
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<Exit>((resolve) =>
    child.on('exit', (code, signal) => {
      leftovers.children.delete(child);
      resolve({ code, signal });
    }),
  );
  const url = `http://127.0.0.1:${port}`;
  // Generous: on a loaded machine a cold start (TypeScript loaded through tsx) can take many seconds.
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited early: ${stderr}`);
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`server did not start: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { child, url, port, exited, stderr: () => stderr };
}

/**
 * Waits for the server to exit, at most `ms`; past that it is killed and this throws, so a server
 * that would never stop fails its test instead of hanging the suite.
 */
export async function exitWithin(server: ServerProcess, ms: number): Promise<Exit & { ms: number }> {
  const started = Date.now();
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), ms)));
  const result = await Promise.race([server.exited, late]);
  clearTimeout(timer);
  if (result === 'late') {
    server.child.kill('SIGKILL');
    await server.exited;
    throw new Error(`the server was still running ${ms} ms later; stderr: ${server.stderr()}`);
  }
  return { ...result, ms: Date.now() - started };
}

/**
 * Resolves once the port refuses connections: the server has taken up its shutdown (a signal is
 * handled in its own time, so requests sent right after kill() may still be answered as usual).
 */
export async function refusing(port: number, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    const accepted = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.destroy();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (!accepted) return;
    if (Date.now() > deadline) throw new Error(`port ${port} still accepting after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Runs bin/albumd and parses its one JSON line. */
export async function runCli(args: string[], env: Record<string, string>): Promise<Record<string, unknown>> {
  const database = await databaseEnv(env);
  return new Promise((resolve, reject) => {
    execFile(path.join(ROOT, 'bin/albumd'), args, { cwd: ROOT, env: { ...process.env, ...database, ...env } }, (error, stdout, stderr) => {
      if (error) reject(new Error(`albumd ${args.join(' ')} failed: ${stderr}`));
      else resolve(JSON.parse(stdout.trim()) as Record<string, unknown>);
    });
  });
}

export function headersFor(user: Record<string, unknown>): Record<string, string> {
  return {
    authorization: `Bearer+${String(user.accessToken)}`,
    'x-user-id': String(user.userId),
    'x-date': formatXDate(Date.now()),
    'content-type': 'application/json',
  };
}

/** Request head lines for raw sockets: the request line, then `name: value` lines, then the blank line. */
export function rawHead(requestLine: string, headers: Record<string, string | number>): string {
  const lines = Object.entries(headers).map(([k, v]) => `${k}: ${v}`);
  return `${[requestLine, 'Host: 127.0.0.1', ...lines].join('\r\n')}\r\n\r\n`;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * One TCP connection speaking HTTP/1.1 by hand: for what fetch cannot send (malformed requests,
 * half a body, Expect: 100-continue) and for seeing exactly what went over the wire.
 */
export class RawConnection {
  private buffer = Buffer.alloc(0);
  private ended = false;
  private wake: (() => void) | undefined;
  readonly closed: Promise<void>;

  private constructor(readonly socket: net.Socket) {
    socket.on('data', (d: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, d]);
      this.wake?.();
    });
    socket.on('error', () => undefined);
    this.closed = new Promise((resolve) =>
      socket.on('close', () => {
        this.ended = true;
        this.wake?.();
        resolve();
      }),
    );
  }

  static open(port: number): Promise<RawConnection> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1', () => resolve(new RawConnection(socket)));
      socket.once('error', reject);
    });
  }

  write(data: string | Buffer): Promise<void> {
    return new Promise((resolve) => this.socket.write(data, () => resolve()));
  }

  /** The next response on the connection, interim ones (100 Continue) included; undefined once closed. */
  async next(): Promise<RawResponse | undefined> {
    for (;;) {
      const parsed = this.parse();
      if (parsed) return parsed;
      if (this.ended) return undefined;
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  /** The next final (non-1xx) response. */
  async response(): Promise<RawResponse | undefined> {
    for (;;) {
      const r = await this.next();
      if (!r || r.status >= 200) return r;
    }
  }

  destroy(): void {
    this.socket.destroy();
  }

  private parse(): RawResponse | undefined {
    const end = this.buffer.indexOf('\r\n\r\n');
    if (end < 0) return undefined;
    const [statusLine = '', ...lines] = this.buffer.subarray(0, end).toString('latin1').split('\r\n');
    const headers: Record<string, string> = {};
    for (const line of lines) {
      const colon = line.indexOf(':');
      headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    const status = Number(statusLine.split(' ')[1]);
    const rest = this.buffer.subarray(end + 4);
    let body: Buffer | undefined;
    let used = 0;
    if (status < 200 || status === 204 || status === 304) body = Buffer.alloc(0);
    else if (/chunked/i.test(headers['transfer-encoding'] ?? '')) [body, used] = dechunk(rest) ?? [undefined, 0];
    else if (headers['content-length'] !== undefined) {
      used = Number(headers['content-length']);
      if (rest.length >= used) body = rest.subarray(0, used);
    } else if (this.ended) [body, used] = [rest, rest.length]; // read until close
    if (!body) return undefined;
    this.buffer = rest.subarray(used);
    return { status, headers, body: body.toString('utf8') };
  }
}

/** A complete chunked body at the start of `data` and the bytes it took, or undefined if incomplete. */
function dechunk(data: Buffer): [Buffer, number] | undefined {
  const chunks: Buffer[] = [];
  let at = 0;
  for (;;) {
    const eol = data.indexOf('\r\n', at);
    if (eol < 0) return undefined;
    const size = parseInt(data.subarray(at, eol).toString('latin1'), 16);
    if (size === 0) return data.length >= eol + 4 ? [Buffer.concat(chunks), eol + 4] : undefined;
    if (data.length < eol + 2 + size + 2) return undefined;
    chunks.push(data.subarray(eol + 2, eol + 2 + size));
    at = eol + 2 + size + 2;
  }
}
