import { createHash } from 'node:crypto';
import fs from 'node:fs';
import SQLite from 'better-sqlite3';

/**
 * A consistent copy of a live SQLite database through SQLite's online backup API: the whole file in
 * one step, so writers of the running server (WAL) go on meanwhile and the copy is the database as
 * of one moment. Written to `dest` (replaced), made durable.
 */
export async function snapshotSqlite(source: string, dest: string): Promise<void> {
  const db = new SQLite(source, { readonly: true, fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    fs.rmSync(dest, { force: true });
    await db.backup(dest, { progress: () => 1_000_000_000 });
  } finally {
    db.close();
  }
  settleCopy(dest);
  const fd = fs.openSync(dest, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Makes a database copy a library at rest: uploads under way are left out (their parts' bytes are
 * not copied, and no client can finish them from a restored server), and the copy leaves WAL mode
 * so that no -wal or -shm file sits beside it (the server turns WAL on again when it opens it).
 * Also run on a restored copy: a backup made before uploads were left out still has them.
 */
export function settleCopy(file: string): void {
  const db = new SQLite(file, { fileMustExist: true });
  try {
    db.transaction(() => {
      db.prepare('delete from upload_parts').run();
      db.prepare('delete from uploads').run();
    })();
    db.pragma('journal_mode = DELETE');
  } finally {
    db.close();
  }
}

export interface SnapshotFacts {
  schemaVersion: string;
  counts: { users: number; folders: number; files: number; albums: number; families: number; blobs: number };
  /** Every content the snapshot's files use, ascending. */
  contents: { sha256: string; size: number }[];
}

/** What a snapshot holds, read from the copy (never from the live database). */
export function snapshotFacts(file: string): SnapshotFacts {
  const db = new SQLite(file, { readonly: true, fileMustExist: true });
  try {
    const one = (q: string): number => Number((db.prepare(q).get() as { n: number }).n);
    const last = db.prepare('select name from kysely_migration order by name desc limit 1').get() as { name: string } | undefined;
    return {
      schemaVersion: last?.name ?? '',
      counts: {
        users: one('select count(*) as n from users'),
        folders: one("select count(*) as n from files where file_type = '10'"),
        files: one("select count(*) as n from files where file_type <> '10'"),
        albums: one('select count(*) as n from albums'),
        families: one('select count(*) as n from families'),
        blobs: one('select count(*) as n from blobs where ref_count > 0'),
      },
      contents: db.prepare('select sha256, max(size) as size from files where sha256 is not null group by sha256 order by sha256').all() as { sha256: string; size: number }[],
    };
  } finally {
    db.close();
  }
}

/** The sha256 of a file, read in chunks. */
export async function fileSha256(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
