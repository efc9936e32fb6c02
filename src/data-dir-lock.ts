import fs from 'node:fs';
import path from 'node:path';
import { processAlive, takeLockFile } from './lock-file.js';

/** Someone else is setting the data directory up: a restore into it, or a server creating its database. */
export class DataDirBusy extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DataDirBusy';
  }
}

const LOCK = '.setup.lock';
const RESTORING = '.restoring';

/** Whether a file in a data directory is the setup lock or an unfinished restore's marker. */
export const isSetupFile = (name: string): boolean => name === LOCK || name === RESTORING;

/**
 * Holds `<data dir>/.setup.lock`: a restore for its whole run, a server or command while it opens
 * and migrates the database. So a server never starts on a directory a restore is filling, and a
 * restore never begins under a server creating its database. Others wait up to `waitMs` (servers
 * starting together hold it briefly), then get DataDirBusy. A lock naming this very process is one
 * left by an earlier process that had the same ID (a container's PID 1 after a crash): stale.
 */
export async function holdDataDir(dataDir: string, waitMs = 10_000): Promise<{ release: () => void }> {
  fs.mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, LOCK);
  const deadline = Date.now() + waitMs;
  for (;;) {
    const lock = takeLockFile(file, (pid) => pid === process.pid || !processAlive(pid));
    if (!('holder' in lock)) return lock;
    if (Date.now() >= deadline) {
      throw new DataDirBusy(
        `${dataDir} is being set up by another albumd process (${lock.holder}): a restore into it, or a server creating its database. ` +
          `Start albumd when a restore has finished (if no such process runs, remove ${file}).`,
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * An unfinished restore's marker, written before its first byte and removed after its verdict: a
 * restore that was killed leaves it, and no server starts on the half-filled directory; running the
 * restore again finishes the job.
 */
export const restoringMarker = (dataDir: string): string => path.join(dataDir, RESTORING);

/** Refuses a data directory that holds an unfinished restore. */
export function refuseUnfinishedRestore(dataDir: string): void {
  const marker = restoringMarker(dataDir);
  const from = fs.existsSync(marker) ? fs.readFileSync(marker, 'utf8').trim() : undefined;
  if (from !== undefined) {
    throw new DataDirBusy(`${dataDir} holds an unfinished restore (from ${from || 'a backup'}): run \`albumd restore ${from || '<backup dir>'}\` again to finish it`);
  }
}
