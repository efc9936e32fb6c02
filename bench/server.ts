import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { freePort, ROOT } from '../test/helpers/process.js';

let built = false;

/** Starts albumd as `npm start` runs it (the bundled server), or another script, and waits for it. */
export async function startServer(env: Record<string, string>, script?: string): Promise<{ child: ChildProcess; url: string }> {
  if (!script && !built) {
    execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, stdio: 'inherit' });
    built = true;
  }
  const port = await freePort();
  const args = script ? ['--import', 'tsx', script] : ['dist/server.mjs'];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 400; i++) {
    try {
      await fetch(`${url}/healthz`);
      return { child, url };
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  throw new Error(`${script ?? 'albumd'} did not start`);
}
