import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../config.js';
import { createBlobStore } from '../storage/blob-store.js';
import { blobPathUnder, fsyncDir, fsyncPlaced, placeContent, type CopyOutcome } from '../storage/blob-copy.js';
import { fileSha256, snapshotFacts, snapshotSqlite } from '../db/sqlite-snapshot.js';
import { takeLockFile } from '../lock-file.js';
import { albumdVersion, BLOBS_DIR, DATABASE_COPY, SECRET_COPY, writeManifest, type BackupManifest } from './manifest.js';

export const NOT_ON_POSTGRES =
  'albumd backup and restore cover the SQLite default. On PostgreSQL back up the database with pg_dump (or continuous archiving for point-in-time recovery) and the data directory (blobs/, secret) with any file backup; see the README, "Backup and restore".';

export class OpsError extends Error {}

export interface BackupSummary {
  dir: string;
  schemaVersion: string;
  counts: BackupManifest['counts'];
  contents: { count: number; bytes: number; copied: number; linked: number; present: number; copiedBytes: number };
  database: { bytes: number; sha256: string };
  secret: BackupManifest['secret'];
  seconds: number;
}

export type Progress = (done: number, total: number, bytes: number) => void;

/**
 * A consistent backup of a running albumd into `dir`: the database as of one moment, every content
 * it references (only what `dir` lacks: content is named by its hash), the signing secret, and a
 * manifest written last. The store is pinned meanwhile, so no sweep removes what the copy needs.
 */
export async function backup(config: Config, dir: string, progress?: Progress): Promise<BackupSummary> {
  if (config.database.dialect !== 'sqlite') throw new OpsError(NOT_ON_POSTGRES);
  const started = performance.now();
  const source = config.database.file;
  if (!fs.existsSync(source)) throw new OpsError(`no database at ${source}: is ALBUMD_DATA_DIR (or ALBUMD_DATABASE_URL) the server's?`);
  const target = path.resolve(dir);
  for (const live of [config.dataDir, path.dirname(source)]) {
    if (inside(live, target)) throw new OpsError(`${target} is inside ${live}, where the server keeps its data: back up to somewhere else`);
  }
  // The backup holds password hashes and phone numbers: for its owner's eyes only.
  fs.mkdirSync(target, { recursive: true, mode: 0o700 });
  const lock = takeLock(target);
  const blobs = createBlobStore(config.dataDir);
  const pin = await blobs.pin('backup');
  try {
    const copy = path.join(target, `${DATABASE_COPY}.${process.pid}.${Date.now()}.partial`);
    await snapshotSqlite(source, copy);
    const facts = snapshotFacts(copy);
    const totalBytes = facts.contents.reduce((n, c) => n + Number(c.size), 0);
    const tally: Record<CopyOutcome, number> = { present: 0, linked: 0, copied: 0 };
    let copiedBytes = 0;
    let done = 0;
    let doneBytes = 0;
    const missing: string[] = [];
    const placedIn = new Set<string>();
    // An earlier backup into this directory that stopped before its manifest may have left content
    // whose names are not durable yet: then every directory is synced, not only those written to.
    const unfinished = path.join(target, '.unfinished');
    const syncAll = fs.existsSync(unfinished);
    fs.writeFileSync(unfinished, '', { mode: 0o600 });
    for (const { sha256, size } of facts.contents) {
      const from = blobs.localPath(sha256);
      try {
        const dest = blobPathUnder(path.join(target, BLOBS_DIR), sha256);
        const outcome = await placeContent(from, dest, Number(size), true);
        tally[outcome] += 1;
        if (outcome !== 'present' || syncAll) placedIn.add(path.dirname(dest));
        if (outcome === 'copied') copiedBytes += Number(size);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
        missing.push(sha256);
      }
      done += 1;
      doneBytes += Number(size);
      progress?.(done, facts.contents.length, doneBytes);
    }
    if (missing.length > 0) {
      throw new OpsError(`${missing.length} content(s) the database references are not stored (first: ${missing[0]}); run albumd check. The backup is not complete.`);
    }
    await fsyncPlaced(path.join(target, BLOBS_DIR), placedIn);
    const kept = path.join(config.dataDir, 'secret');
    const secret = config.secret !== undefined ? 'environment' : fs.existsSync(kept) ? 'included' : 'none';
    if (secret === 'included') {
      fs.copyFileSync(kept, path.join(target, SECRET_COPY));
      fs.chmodSync(path.join(target, SECRET_COPY), 0o600);
    }
    const sha256 = await fileSha256(copy);
    const bytes = fs.statSync(copy).size;
    fs.chmodSync(copy, 0o600);
    fs.renameSync(copy, path.join(target, DATABASE_COPY));
    await fsyncDir(target);
    writeManifest(target, {
      format: 1,
      albumdVersion: albumdVersion(),
      createdAt: new Date().toISOString(),
      schemaVersion: facts.schemaVersion,
      database: { file: DATABASE_COPY, bytes, sha256 },
      counts: facts.counts,
      contents: { count: facts.contents.length, bytes: totalBytes },
      secret,
    });
    fs.rmSync(unfinished, { force: true });
    return {
      dir: target,
      schemaVersion: facts.schemaVersion,
      counts: facts.counts,
      contents: { count: facts.contents.length, bytes: totalBytes, ...tally, copiedBytes },
      database: { bytes, sha256 },
      secret,
      seconds: Number(((performance.now() - started) / 1000).toFixed(2)),
    };
  } finally {
    await pin.release();
    lock.release();
  }
}

/** Whether `target` is `dir` or lies below it. */
function inside(dir: string, target: string): boolean {
  const rel = path.relative(path.resolve(dir), target);
  return rel === '' || !(rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel));
}

/** One backup into a directory at a time: a second one (an overlapping cron run) is refused. */
function takeLock(target: string): { release: () => void } {
  const lock = takeLockFile(path.join(target, '.backup.lock'));
  if ('holder' in lock) throw new OpsError(`another backup (process ${lock.holder}) is writing into ${target}; wait for it`);
  return lock;
}
