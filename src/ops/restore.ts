import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../config.js';
import { createStore } from '../db/database.js';
import { holdDataDir, isSetupFile, restoringMarker } from '../data-dir-lock.js';
import { fileSha256, settleCopy, snapshotFacts } from '../db/sqlite-snapshot.js';
import { createIntegrityChecker, type IntegrityReport } from '../domain/integrity/index.js';
import { createBlobStore } from '../storage/blob-store.js';
import { blobPathUnder, fsyncDir, fsyncPlaced, placeContent } from '../storage/blob-copy.js';
import { NOT_ON_POSTGRES, OpsError, type Progress } from './backup.js';
import { BLOBS_DIR, DATABASE_COPY, readManifest, SECRET_COPY, type BackupManifest } from './manifest.js';

export interface RestoreSummary {
  from: string;
  dataDir: string;
  backedUpAt: string;
  schemaVersion: string;
  /** `missing`: contents the backup lacked (the checker's findings say which files they leave empty). */
  contents: { count: number; bytes: number; missing: number };
  secret: BackupManifest['secret'];
  /** The integrity checker's verdict on the restored data (`bin/albumd check --verify-hashes`). */
  check: IntegrityReport;
}

const isEmptyDir = (dir: string): boolean => !fs.existsSync(dir) || fs.readdirSync(dir).every(isSetupFile);

/**
 * A backup made by `backup` into the configuration's (empty) data directory: the database copy
 * (checked against the manifest's hash), every content it references, the signing secret; then the
 * integrity checker, with every content's hash verified. Thumbnails are made again when first asked for.
 */
export async function restore(config: Config, dir: string, progress?: Progress): Promise<RestoreSummary> {
  if (config.database.dialect !== 'sqlite') throw new OpsError(NOT_ON_POSTGRES);
  const from = path.resolve(dir);
  let manifest: BackupManifest;
  try {
    manifest = readManifest(from);
  } catch (error) {
    throw new OpsError((error as Error).message);
  }
  // Held for the whole restore: a server or command started meanwhile waits, then refuses.
  let lock: { release: () => void };
  try {
    lock = await holdDataDir(config.dataDir, 0);
  } catch (error) {
    throw new OpsError((error as Error).message);
  }
  try {
    return await restoreHolding(config, from, manifest, progress);
  } finally {
    lock.release();
  }
}

async function restoreHolding(config: Config, from: string, manifest: BackupManifest, progress?: Progress): Promise<RestoreSummary> {
  const { database } = config;
  if (database.dialect !== 'sqlite') throw new OpsError(NOT_ON_POSTGRES);
  // A restore that was killed left its marker: this one finishes it, over what that one placed.
  const marker = restoringMarker(config.dataDir);
  const resuming = fs.existsSync(marker);
  if (!resuming) {
    if (!isEmptyDir(config.dataDir)) throw new OpsError(`${config.dataDir} is not empty: restore goes into a new or empty data directory (ALBUMD_DATA_DIR)`);
    if (fs.existsSync(database.file)) throw new OpsError(`${database.file} exists already: restore does not overwrite a database`);
  }
  // Always the fixed name: a manifest cannot point the restore at a file outside the backup.
  const copy = path.join(from, DATABASE_COPY);
  if (!fs.existsSync(copy) || (await fileSha256(copy)) !== manifest.database.sha256) {
    throw new OpsError(`${copy} does not match the manifest's sha256: the backup is damaged or incomplete`);
  }

  fs.mkdirSync(config.dataDir, { recursive: true });
  fs.mkdirSync(path.dirname(database.file), { recursive: true });
  // Before the first byte, and durable: no server starts on the directory until the verdict.
  fs.writeFileSync(marker, `${from}\n`, { mode: 0o600, flush: true });
  await fsyncDir(config.dataDir);
  if (resuming) for (const suffix of ['', '-wal', '-shm']) fs.rmSync(`${database.file}${suffix}`, { force: true });
  await placeContent(copy, database.file, fs.statSync(copy).size, false);
  fs.chmodSync(database.file, 0o600);
  settleCopy(database.file);
  const { contents } = snapshotFacts(database.file);
  const root = path.join(config.dataDir, 'blobs');
  let done = 0;
  let bytes = 0;
  const missing: string[] = [];
  const placedIn = new Set<string>();
  for (const { sha256, size } of contents) {
    try {
      const dest = blobPathUnder(root, sha256);
      await placeContent(blobPathUnder(path.join(from, BLOBS_DIR), sha256), dest, Number(size), false);
      placedIn.add(path.dirname(dest));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      missing.push(sha256);
    }
    done += 1;
    bytes += Number(size);
    progress?.(done, contents.length, bytes);
  }
  await fsyncPlaced(root, placedIn);
  if (manifest.secret === 'included') {
    const secret = path.join(config.dataDir, 'secret');
    const copied = path.join(from, SECRET_COPY);
    await placeContent(copied, secret, fs.statSync(copied).size, false);
    fs.chmodSync(secret, 0o600);
  }
  await fsyncDir(config.dataDir);
  await fsyncDir(path.dirname(database.file));

  // The checker says what a missing content means; nothing is hidden by stopping early.
  const store = createStore(database);
  try {
    await store.migrate();
    const check = await createIntegrityChecker({ store, blobs: createBlobStore(config.dataDir) }).check({ verifyHashes: true });
    fs.rmSync(marker, { force: true });
    await fsyncDir(config.dataDir);
    return {
      from,
      dataDir: config.dataDir,
      backedUpAt: manifest.createdAt,
      schemaVersion: manifest.schemaVersion,
      contents: { count: contents.length, bytes, missing: missing.length },
      secret: manifest.secret,
      check,
    };
  } finally {
    await store.close();
  }
}
