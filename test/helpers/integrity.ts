import assert from 'node:assert/strict';
import type { Store } from '../../src/db/database.js';
import { createIntegrityChecker, formatFinding, type CheckOptions, type IntegrityReport } from '../../src/domain/integrity/index.js';
import { createBlobStore, type BlobStore } from '../../src/storage/blob-store.js';

/** A store, or anything carrying one (a TestApp: its data directory gives the blob store too). */
export type CheckTarget = Store | { store: Store; dataDir?: string };

export interface ConsistencyOptions extends Omit<CheckOptions, 'repair'> {
  /** Checks whose findings the test expects (by name, e.g. `tree-orphan`): they do not fail it. */
  allow?: readonly string[];
}

/**
 * Runs `bin/albumd check`'s checker and fails the test with every error listed, one a line, when
 * the library is inconsistent (warnings, e.g. an expired upload not yet cleaned up, pass). Given a
 * TestApp (or a blob store) it checks the stored content as well. Returns the report.
 *
 *   await assertConsistent(t);                          // a TestApp: database and blob store
 *   await assertConsistent(t.store);                    // the database alone
 *   await assertConsistent(store, blobs, { verifyHashes: true });
 */
export async function assertConsistent(target: CheckTarget, blobs?: BlobStore, options: ConsistencyOptions = {}): Promise<IntegrityReport> {
  const report = await checkLibrary(target, blobs, options);
  const allowed = new Set(options.allow ?? []);
  const errors = report.findings.filter((f) => f.severity === 'error' && !allowed.has(f.check));
  if (errors.length > 0) {
    assert.fail(`the library is inconsistent (${errors.length} finding(s)):\n${errors.map(formatFinding).join('\n')}`);
  }
  return report;
}

/** The checker's report without asserting (for tests that expect findings). */
export function checkLibrary(target: CheckTarget, blobs?: BlobStore, options: CheckOptions = {}): Promise<IntegrityReport> {
  const store = 'write' in target ? target : target.store;
  const blobStore = blobs ?? ('store' in target && target.dataDir ? createBlobStore(target.dataDir) : undefined);
  return createIntegrityChecker({ store, blobs: blobStore }).check(options);
}
