import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';

/**
 * ALBUMD_SECRET when set; else the one kept in the data dir, created on first start, so that
 * restarts keep links and cursors valid. Created with O_EXCL so two processes agree on one.
 */
export function resolveSecret(dataDir: string, explicit: string | undefined): string {
  if (explicit !== undefined) return explicit;
  const file = path.join(dataDir, 'secret');
  fs.mkdirSync(dataDir, { recursive: true });
  try {
    const fd = fs.openSync(file, 'wx', 0o600);
    fs.writeSync(fd, randomBytes(32).toString('hex'));
    fs.fsyncSync(fd);
    fs.closeSync(fd);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  for (let attempt = 0; attempt < 50; attempt++) {
    const value = fs.readFileSync(file, 'utf8').trim();
    if (value.length >= 32) return value;
    // Another process created the file an instant ago and is still writing it.
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
  }
  throw new Error(`${file} does not hold a secret`);
}
