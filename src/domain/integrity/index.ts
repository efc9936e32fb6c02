import type { Store } from '../../db/database.js';
import type { Repositories } from '../../db/repositories/index.js';
import type { IntegrityRepository, IntegrityRules, RepairTargets } from '../../db/repositories/integrity.js';
import type { BlobStore } from '../../storage/blob-store.js';
import { FileType } from '../../media/types.js';
import { AlbumKind, AlbumType } from '../access.js';
import { kindTypes } from '../albums/album-effects.js';
import { BLOB_GRACE_MS, SWEEP_EVERY_MS } from './blob-sweep.js';
import { checkAlbums } from './album-checks.js';
import { checkContent } from './content-checks.js';
import { errorsOf, Findings, type Finding, type IntegrityReport } from './findings.js';
import { checkStorage } from './storage-checks.js';
import { checkTrees } from './tree-checks.js';

export { formatFinding, formatReport, errorsOf, type Finding, type IntegrityReport } from './findings.js';

/** The rules of album-effects.ts, access.ts and media/types.ts, as the queries need them. */
export const INTEGRITY_RULES: IntegrityRules = {
  folderType: FileType.Folder,
  coverType: FileType.Image,
  mediaTypes: [FileType.Image, FileType.Video],
  manualType: AlbumType.Manual,
  collectionType: AlbumType.Collection,
  personalKind: AlbumKind.Personal,
  sharedKind: AlbumKind.Shared,
  scopeKinds: Object.fromEntries(['1', '2', '1,2'].map((k) => [k, kindTypes(k)])),
};

export interface CheckOptions {
  /** Set every derived value from the rows, in one write transaction (never deletes a file or blob). */
  repair?: boolean;
  /** Read every referenced blob and compare its sha256 (streamed). */
  verifyHashes?: boolean;
  /**
   * Stored content and upload parts younger than this are not orphans yet (default: the sweep's
   * grace plus its interval: until then the next sweep may simply not have come yet).
   */
  graceMs?: number;
  /** Findings listed per check (default 1000); the rest are counted as "more". */
  limit?: number;
}

/** The integrity queries of a unit of work (the read connection, or a write transaction). */
export function integrityOf(repos: Repositories): IntegrityRepository {
  return repos.integrity;
}

/**
 * `bin/albumd check`: recomputes every derived value from the rows and compares (see the checks'
 * modules for each rule), then the blob store against the blob rows. Safe while the server runs:
 * each check is one statement that computes the value from the rows and compares it with the
 * stored one, so it sees one state (a write commits whole), and no long transaction holds the
 * server's writers up; only --repair writes, in one short transaction.
 */
export function createIntegrityChecker(deps: { store: Store; blobs?: BlobStore | undefined; now?: () => number }) {
  const { store, blobs } = deps;
  const now = deps.now ?? Date.now;

  async function checkDatabase(limit: number) {
    const found = new Findings(limit);
    // Reads share one snapshot per event-loop turn: start on a fresh turn, so the check sees all
    // that was committed before it was asked (an external write included).
    await new Promise((resolve) => setImmediate(resolve));
    const repo = integrityOf(store.read);
    const { rowless, fileSizes } = await checkContent(repo, found, now());
    await checkAlbums(repo, INTEGRITY_RULES, found);
    await checkTrees(repo, INTEGRITY_RULES, found);
    return { found, rowless, fileSizes, totals: await repo.totals() };
  }

  return {
    async check(options: CheckOptions = {}): Promise<IntegrityReport> {
      const started = now();
      const limit = options.limit ?? 1000;
      const db = await checkDatabase(limit);
      const found = db.found;
      let storage = { blobFiles: 0, hashed: 0 };
      if (blobs) {
        const read = integrityOf(store.read);
        storage = await checkStorage(read, (shas) => store.read.blobs.knownAmong(shas), blobs, found, db.rowless, {
          verifyHashes: options.verifyHashes ?? false,
          graceMs: options.graceMs ?? BLOB_GRACE_MS + SWEEP_EVERY_MS,
          now: now(),
          fileSizes: db.fileSizes,
        });
      }
      const report: IntegrityReport = {
        ok: errorsOf(found.list).length === 0,
        findings: found.list,
        truncated: found.truncated,
        totals: { ...db.totals, ...storage },
        durationMs: 0,
      };
      if (options.repair) {
        // One write transaction. Each statement computes the value from the rows it reads, so the
        // repair is right even for what changed since the check; it touches only what the check
        // found, so SQLite's write lock is held for milliseconds, not the seconds a whole-library
        // pass takes (the server's writers wait at most 5 s). What cannot be derived stays.
        const targets = repairTargets(found);
        report.repaired = await store.write((repos) => integrityOf(repos).repair(INTEGRITY_RULES, now(), targets));
        const after = await checkDatabase(limit);
        const storageLeft = found.list.filter((f) => !f.repairable && isStorageCheck(f));
        report.remaining = [...after.found.list, ...storageLeft];
        report.ok = errorsOf(report.remaining).length === 0;
      }
      report.durationMs = now() - started;
      return report;
    },
  };
}

/** Findings of the store itself, which a database repair cannot change. */
const STORAGE_CHECKS = new Set(['blob-file-missing', 'blob-file-size', 'blob-hash', 'blob-file-orphan', 'upload-parts-orphan-dir', 'upload-part-file-missing']);
const isStorageCheck = (f: Finding): boolean => STORAGE_CHECKS.has(f.check);

/** The repair's kind of row for each repairable check, and the queries whose listing may be cut. */
const TARGET_OF: Record<string, Exclude<keyof Exclude<RepairTargets, 'all'>, undefined>> = {
  'blob-ref-count': 'blobs',
  'blob-unreferenced-mark': 'blobs',
  'blob-size': 'blobs',
  'blob-row-missing': 'blobs',
  'space-used-bytes': 'spaces',
  'album-item-vanished': 'itemAlbums',
  'album-item-visible': 'itemFiles',
  'album-item-columns': 'itemFiles',
  'album-counts': 'albums',
  'collection-count': 'albums',
  'album-cover': 'albums',
};

/** The subjects of the repairable findings; every row when a repairable check listed only its first. */
function repairTargets(found: Findings): RepairTargets {
  if (found.truncated.some((check) => check in TARGET_OF || check === 'owner-album-count')) return 'all';
  const targets: Exclude<RepairTargets, 'all'> = {};
  for (const f of found.list) {
    if (!f.repairable) continue;
    const kind = f.check === 'owner-album-count' ? (f.subject === 'user' ? 'users' : 'families') : TARGET_OF[f.check];
    if (kind === undefined) continue;
    (targets[kind] ??= []).push(kind === 'itemFiles' ? f.related![0]! : f.id);
  }
  return targets;
}
