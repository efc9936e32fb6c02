import { createHash } from 'node:crypto';
import type { IntegrityRepository } from '../../db/repositories/integrity.js';
import type { BlobStore } from '../../storage/blob-store.js';
import type { Findings } from './findings.js';

const PAGE = 1000;

export interface StorageCheckOptions {
  verifyHashes: boolean;
  /** Stored content and part folders younger than this may belong to a commit under way. */
  graceMs: number;
  now: number;
  /** Content whose blobs row has the wrong size, with the size its files give it. */
  fileSizes: ReadonlyMap<string, number>;
}

/**
 * The blob store against the blob rows, in one merged pass over both in sha256 order (the store
 * lists in that order, the rows come in keyset pages): memory stays flat at any size. Every
 * referenced blob must be stored with its size (and, with verifyHashes, its sha256: each is read as
 * a stream); stored content no row knows, older than the grace period, is an orphan. Reads run
 * outside any long transaction, so the server's sweep and uploads go on: a suspect is looked at
 * again before it is reported.
 */
export async function checkStorage(
  read: IntegrityRepository,
  /** Which of these sha256 have a blobs row or a file using them (blobs.knownAmong). */
  known: (sha256s: readonly string[]) => Promise<Set<string>>,
  blobs: BlobStore,
  found: Findings,
  rowless: readonly string[],
  opts: StorageCheckOptions,
): Promise<{ blobFiles: number; hashed: number }> {
  const old = opts.now - opts.graceMs;
  const orphans: string[] = [];
  let blobFiles = 0;
  let hashed = 0;
  const disk = blobs.list()[Symbol.asyncIterator]();
  let stored = await disk.next();
  const orphan = (sha256: string, mtimeMs: number) => {
    if (mtimeMs > old) return;
    if (orphans.length < found.limit) orphans.push(sha256);
    else if (!found.truncated.includes('blob-file-orphan')) found.truncated.push('blob-file-orphan');
  };
  const advance = async () => {
    blobFiles += 1;
    stored = await disk.next();
  };
  let after = '';
  for (;;) {
    const page = await read.blobPage(after, PAGE);
    for (const row of page) {
      if (row.sha256 <= after) throw new Error('blob rows are not in byte order of sha256: the merge with the store needs it');
      after = row.sha256;
      while (!stored.done && stored.value.sha256 < row.sha256) {
        orphan(stored.value.sha256, stored.value.mtimeMs);
        await advance();
      }
      const used = row.used === true || Number(row.used) === 1;
      // The size its files give it when the row's own is wrong (that is a blob-size finding).
      const size = opts.fileSizes.get(row.sha256) ?? Number(row.size);
      if (stored.done || stored.value.sha256 !== row.sha256) {
        // Unused content may be going right now (the sweep forgets the row, then the bytes).
        found.add({
          check: 'blob-file-missing',
          severity: used ? 'error' : 'warning',
          subject: 'blob',
          id: row.sha256,
          message: used ? 'the stored content of files is gone' : 'no file uses it and its stored content is gone',
        });
        continue;
      }
      if (stored.value.size !== size) {
        found.add({ check: 'blob-file-size', subject: 'blob', id: row.sha256, message: `stored ${stored.value.size} bytes, the database says ${size}` });
      } else if (opts.verifyHashes && used) {
        const actual = await hashOf(blobs, row.sha256);
        hashed += 1;
        if (actual !== row.sha256) found.add({ check: 'blob-hash', subject: 'blob', id: row.sha256, message: `the stored bytes hash to ${actual}` });
      }
      await advance();
    }
    if (page.length < PAGE) break;
  }
  while (!stored.done) {
    orphan(stored.value.sha256, stored.value.mtimeMs);
    await advance();
  }
  // A second look: content used by files without a row is reported as such (blob-row-missing);
  // content a sweep forgot while we listed has its bytes removed next. Only what stays counts.
  for (let i = 0; i < orphans.length; i += 500) {
    const batch = orphans.slice(i, i + 500);
    const knownNow = await known(batch);
    for (const sha256 of batch) {
      if (knownNow.has(sha256) || (await blobs.stat(sha256)) === undefined) continue;
      found.add({ check: 'blob-file-orphan', subject: 'blob', id: sha256, message: 'stored content no row knows of, older than the grace period' });
    }
  }
  for (const sha256 of rowless) {
    if ((await blobs.stat(sha256)) === undefined) found.add({ check: 'blob-file-missing', subject: 'blob', id: sha256, message: 'the stored content of files is gone (and it has no blobs row)' });
  }
  await checkParts(read, blobs, found, old);
  return { blobFiles, hashed };
}

async function hashOf(blobs: BlobStore, sha256: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of blobs.read(sha256)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * Upload parts on disk against the part rows: a part folder without a live upload (older than the
 * grace), and a part row whose file is gone. A row is written after its file and changed or
 * deleted before its file goes, so a suspect is a finding only when a second look, after the
 * listing, still shows the row pointing at a file that is not there.
 */
async function checkParts(read: IntegrityRepository, blobs: BlobStore, found: Findings, old: number): Promise<void> {
  const listParts = async () => {
    const dirs: { uploadId: string; mtimeMs: number }[] = [];
    const files = new Set<string>();
    for await (const u of blobs.listUploads()) {
      dirs.push({ uploadId: u.uploadId, mtimeMs: u.mtimeMs });
      u.parts.forEach((p) => files.add(p));
    }
    return { dirs, files };
  };
  const first = await listParts();
  const suspects: { upload_id: string; part_number: number; path: string }[] = [];
  let after = { uploadId: '', part: -1 };
  for (;;) {
    const page = await read.partPage(after, PAGE);
    for (const r of page) if (!first.files.has(r.path)) suspects.push({ upload_id: r.upload_id, part_number: Number(r.part_number), path: r.path });
    const last = page[page.length - 1];
    if (!last || page.length < PAGE) break;
    after = { uploadId: last.upload_id, part: Number(last.part_number) };
  }
  const lonely: string[] = [];
  for (let i = 0; i < first.dirs.length; i += 500) {
    const dirs = first.dirs.slice(i, i + 500);
    const live = await read.uploadsAmong(dirs.map((d) => d.uploadId));
    for (const d of dirs) if (!live.has(d.uploadId) && d.mtimeMs <= old) lonely.push(d.uploadId);
  }
  if (suspects.length === 0 && lonely.length === 0) return;
  const second = await listParts();
  const stillThere = new Set(second.dirs.map((d) => d.uploadId));
  const live = await read.uploadsAmong(lonely);
  for (const id of lonely) {
    if (stillThere.has(id) && !live.has(id)) found.add({ check: 'upload-parts-orphan-dir', subject: 'upload', id, message: 'stored upload parts of an upload that does not exist' });
  }
  for (const s of suspects) {
    if (second.files.has(s.path)) continue;
    const [row] = await read.partPage({ uploadId: s.upload_id, part: s.part_number - 1 }, 1);
    if (row && row.upload_id === s.upload_id && Number(row.part_number) === s.part_number && row.path === s.path) {
      found.add({ check: 'upload-part-file-missing', subject: 'upload', id: s.upload_id, message: `the stored bytes of part ${s.part_number} are gone` });
    }
  }
}
