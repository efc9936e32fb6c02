import fs from 'node:fs';
import path from 'node:path';
import type { Store } from '../db/database.js';
import { within } from './within.js';

/** How long /readyz waits for the database before calling it unreachable. */
const PROBE_MS = 2000;

/** Why the server should get no traffic now. */
export type NotReady = 'starting' | 'stopping' | 'database' | 'blobs';

/** A directory the server can list, read and write in (a cheap access check, no file written). */
async function usableDirectory(dir: string): Promise<boolean> {
  try {
    if (!(await fs.promises.stat(dir)).isDirectory()) return false;
    await fs.promises.access(dir, fs.constants.R_OK | fs.constants.W_OK | fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * What /readyz answers. Not ready until start-up is over (buildApp migrates the schema before
 * anything listens, and marks the app started as its last step) and again from shutdown on; in
 * between, ready while the database answers and the blob store's directories (`<data dir>/blobs`
 * and its `tmp`, where uploads land) are usable.
 */
export class Readiness {
  private phase: 'starting' | 'ready' | 'stopping' = 'starting';
  private readonly blobDirs: string[];

  constructor(
    private readonly store: Store,
    dataDir: string,
  ) {
    const root = path.join(dataDir, 'blobs');
    this.blobDirs = [root, path.join(root, 'tmp')];
  }

  started(): void {
    if (this.phase === 'starting') this.phase = 'ready';
  }

  stopping(): void {
    this.phase = 'stopping';
  }

  /** undefined when ready, else the first reason not to be. */
  async check(): Promise<NotReady | undefined> {
    if (this.phase !== 'ready') return this.phase;
    const [database, blobs] = await Promise.all([
      within(PROBE_MS, this.store.read.metrics.ping()).then(
        () => true,
        () => false,
      ),
      Promise.all(this.blobDirs.map(usableDirectory)).then((all) => all.every(Boolean)),
    ]);
    if (!database) return 'database';
    return blobs ? undefined : 'blobs';
  }
}
