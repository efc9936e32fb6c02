import fs from 'node:fs';
import path from 'node:path';
import { takeLockFile } from './lock-file.js';

/** Someone else is setting the data directory up: a restore into it, or a server creating its database. */
export class DataDirBusy extends Error {
  constructor(dataDir: string, holder: number) {
    super(
      `${dataDir} is being set up by another albumd process (${holder}): a restore into it, or a server creating its database. ` +
        'Start albumd when a restore has finished.',
    );
    this.name = 'DataDirBusy';
  }
}

const LOCK = '.setup.lock';

/** Whether a file in a data directory is its setup lock (a restore into an empty directory ignores it). */
export const isSetupLock = (name: string): boolean => name === LOCK;

/**
 * Holds `<data dir>/.setup.lock`: a restore for its whole run, a server or command while it opens
 * and migrates the database. So a server never starts on a directory a restore is filling, and a
 * restore never begins under a server creating its database. Others wait up to `waitMs` (servers
 * starting together hold it briefly), then get DataDirBusy.
 */
export async function holdDataDir(dataDir: string, waitMs = 10_000): Promise<{ release: () => void }> {
  fs.mkdirSync(dataDir, { recursive: true });
  const deadline = Date.now() + waitMs;
  for (;;) {
    const lock = takeLockFile(path.join(dataDir, LOCK));
    if (!('holder' in lock)) return lock;
    if (Date.now() >= deadline) throw new DataDirBusy(dataDir, lock.holder);
    await new Promise((r) => setTimeout(r, 100));
  }
}
