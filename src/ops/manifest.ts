import fs from 'node:fs';
import path from 'node:path';
import type { SnapshotFacts } from '../db/sqlite-snapshot.js';

/** What `albumd backup` writes beside the copy, last (a backup without it is not complete). */
export interface BackupManifest {
  format: 1;
  albumdVersion: string;
  createdAt: string;
  schemaVersion: string;
  database: { file: string; bytes: number; sha256: string };
  counts: SnapshotFacts['counts'];
  contents: { count: number; bytes: number };
  /**
   * `included`: the data directory's signing secret is in the backup; `environment`: ALBUMD_SECRET
   * was set (set it again after a restore); `none`: the server had not made one yet.
   */
  secret: 'included' | 'environment' | 'none';
}

export const MANIFEST = 'manifest.json';
export const DATABASE_COPY = 'albumd.sqlite';
export const SECRET_COPY = 'secret';
export const BLOBS_DIR = 'blobs';

export function writeManifest(dir: string, manifest: BackupManifest): void {
  const file = path.join(dir, MANIFEST);
  const temp = `${file}.partial`;
  fs.writeFileSync(temp, `${JSON.stringify(manifest, null, 2)}\n`);
  const fd = fs.openSync(temp, 'r');
  fs.fsyncSync(fd);
  fs.closeSync(fd);
  fs.renameSync(temp, file);
}

export function readManifest(dir: string): BackupManifest {
  const file = path.join(dir, MANIFEST);
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`${file}: not a readable backup manifest (${(error as Error).message}); is ${dir} a finished albumd backup?`, { cause: error });
  }
  const m = parsed as Partial<BackupManifest>;
  if (m.format !== 1 || typeof m.database?.sha256 !== 'string' || typeof m.schemaVersion !== 'string') throw new Error(`${file}: not an albumd backup manifest of format 1`);
  return m as BackupManifest;
}

/** albumd's own version, from its package.json. */
export function albumdVersion(): string {
  try {
    const pkg = JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}
