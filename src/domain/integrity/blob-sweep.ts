import type { Repositories } from '../../db/repositories/index.js';
import type { DomainDeps } from '../context.js';
import type { KeyedLock } from '../../keyed-lock.js';

/**
 * How long content stays after it was last written, and after its last file let go of it, before a
 * sweep may remove it (decisions.md §6). Also the checker's age for calling stored content an orphan.
 */
export const BLOB_GRACE_MS = 3600_000;

/** How often the server sweeps: what the sweep may remove can linger up to grace + this. */
export const SWEEP_EVERY_MS = 3600_000;

export interface SweepReport {
  tempRemoved: number;
  unreferencedRemoved: number;
  orphansRemoved: number;
  /** Rows whose count said "unused" (or that were missing) while files use the content: recounted, kept. */
  countsRepaired: number;
  /** Candidates left alone: held, or written within the grace period. */
  kept: number;
  /** Part directories of uploads that no longer exist. */
  partsRemoved: number;
}

/**
 * Content someone needs although no file row references it (yet): a rapid upload between reading
 * its source row and committing its own, a backup copying the store. The sweep leaves held content
 * alone. In-process, like blobLocks; another process (a backup) pins the whole store instead (BlobStore.pin).
 */
export class BlobHolds {
  private readonly counts = new Map<string, number>();

  constructor(private readonly locks: KeyedLock) {}

  /**
   * Holds each sha256 until the returned function is called. Taking a hold waits out a removal of
   * that content under way, so afterwards the content is either gone (check that it exists) or
   * stays until released. Never call it inside blobLocks.with for the same content (no reentry).
   */
  async hold(sha256s: Iterable<string>): Promise<() => void> {
    const held: string[] = [];
    for (const sha256 of new Set(sha256s)) {
      await this.locks.with(sha256, async () => {
        this.counts.set(sha256, (this.counts.get(sha256) ?? 0) + 1);
      });
      held.push(sha256);
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      for (const sha256 of held) {
        const n = (this.counts.get(sha256) ?? 1) - 1;
        if (n <= 0) this.counts.delete(sha256);
        else this.counts.set(sha256, n);
      }
    };
  }

  /** Runs `fn` with the content held. */
  async with<T>(sha256s: Iterable<string>, fn: () => Promise<T>): Promise<T> {
    const release = await this.hold(sha256s);
    try {
      return await fn();
    } finally {
      release();
    }
  }

  has(sha256: string): boolean {
    return this.counts.has(sha256);
  }
}

const registries = new WeakMap<KeyedLock, BlobHolds>();

/** The one hold registry of a domain (keyed by its blobLocks): what uploads and backups hold, the sweep sees. */
export function blobHoldsOf(locks: KeyedLock): BlobHolds {
  let holds = registries.get(locks);
  if (!holds) {
    holds = new BlobHolds(locks);
    registries.set(locks, holds);
  }
  return holds;
}

type Outcome = 'forgotten' | 'repaired' | 'kept';
const BATCH = 100;

/**
 * Reconciles the blob store with the database. Deleting bytes is the last, most careful step: a
 * blob goes only when, in the same transaction that forgets its row, no file row uses it (whatever
 * its count says: a count that drifted is set from the files instead), when nobody holds it, and
 * when its file was not written within the grace period. Stored content the database never heard
 * of (a crash between the blob's rename and the commit) goes once it is older than the grace.
 * Content is handled in batches: the batch's locks, one transaction, then the bytes.
 */
export function createBlobSweeper(deps: DomainDeps) {
  const { store, blobs, now, blobLocks, thumbs } = deps;
  const holds = blobHoldsOf(blobLocks);

  /** Runs `fn` holding the lock of every key (taken one by one; other holders take one at a time). */
  const withLocks = <T>(keys: readonly string[], fn: () => Promise<T>, i = 0): Promise<T> =>
    i === keys.length ? fn() : blobLocks.with(keys[i]!, () => withLocks(keys, fn, i + 1));

  /**
   * Under the batch's locks: what nobody holds and was not written after `limit` is re-checked in
   * one transaction (`decide`, per content, after its count is set from the files), then the bytes
   * of what was forgotten go.
   */
  async function settle(batch: readonly string[], limit: number, decide: (repos: Repositories, sha256: string) => Promise<boolean>) {
    return withLocks(batch, async () => {
      const outcomes = new Map<string, Outcome>(batch.map((sha256) => [sha256, 'kept']));
      const candidates: string[] = [];
      for (const sha256 of batch) {
        if (holds.has(sha256)) continue;
        const stored = await blobs.stat(sha256);
        if (stored === undefined || stored.mtimeMs <= limit) candidates.push(sha256);
      }
      if (candidates.length > 0) {
        // Decided inside the write and kept only once it commits: a write may run more than once.
        const decided = await store.write(async (repos) => {
          const t = now();
          const found = new Map<string, Outcome>();
          for (const sha256 of candidates) {
            const { count, changed } = await repos.blobs.recount(sha256, t);
            if (count > 0) found.set(sha256, changed ? 'repaired' : 'kept');
            else if (await decide(repos, sha256)) found.set(sha256, 'forgotten');
          }
          return found;
        });
        for (const [sha256, outcome] of decided) outcomes.set(sha256, outcome);
      }
      // A backup in another process may be copying what a snapshot taken before this commit still
      // references: while one is pinned the store, the bytes stay (a later sweep takes them as orphans).
      if (outcomes.size > 0 && [...outcomes.values()].includes('forgotten') && (await blobs.pinned())) {
        for (const [sha256, outcome] of outcomes) if (outcome === 'forgotten') outcomes.set(sha256, 'kept');
      }
      for (const [sha256, outcome] of outcomes) {
        if (outcome !== 'forgotten') continue;
        await blobs.remove(sha256);
        await thumbs.remove(sha256);
      }
      return [...outcomes.values()];
    });
  }

  return {
    holds,

    /**
     * @param graceMs content unreferenced, or written, less than this ago stays (start-up included)
     * @param tempBefore temporary files last written before this may go (default: the grace); at
     *   start-up, the start time (nothing earlier is being written by this process)
     */
    async sweep(graceMs = BLOB_GRACE_MS, tempBefore = now() - graceMs): Promise<SweepReport> {
      const report: SweepReport = { tempRemoved: await blobs.cleanTemp(tempBefore), unreferencedRemoved: 0, orphansRemoved: 0, countsRepaired: 0, kept: 0, partsRemoved: 0 };
      const limit = now() - graceMs;
      const tally = (outcomes: Outcome[], removed: 'unreferencedRemoved' | 'orphansRemoved') => {
        for (const outcome of outcomes) {
          if (outcome === 'forgotten') report[removed] += 1;
          else if (outcome === 'repaired') report.countsRepaired += 1;
          else report.kept += 1;
        }
      };

      // Rows whose count says unused: keyset pages, so what is kept is not read again.
      let after = '';
      for (;;) {
        const batch = await store.read.blobs.unreferencedAfter(limit, after, BATCH);
        if (batch.length === 0) break;
        after = batch[batch.length - 1]!;
        tally(await settle(batch, limit, (repos, sha256) => repos.blobs.forgetUnreferenced(sha256)), 'unreferencedRemoved');
      }

      // Stored content without a row (rowless content that files use is a suspect too: its row is
      // made again), older than the grace.
      let suspects: string[] = [];
      const flush = async () => {
        const known = await store.read.blobs.knownAmong(suspects, false);
        const batch = suspects.filter((sha256) => !known.has(sha256));
        suspects = [];
        if (batch.length > 0) tally(await settle(batch, limit, async (repos, sha256) => !(await repos.blobs.find(sha256))), 'orphansRemoved');
      };
      for await (const { sha256, mtimeMs } of blobs.list()) {
        if (mtimeMs > limit) continue;
        suspects.push(sha256);
        if (suspects.length >= BATCH * 5) await flush();
      }
      await flush();

      // Parts of uploads that are gone (a crash between forgetting the upload and removing its
      // parts): nothing can complete them any more.
      for await (const { uploadId, mtimeMs } of blobs.listUploads()) {
        if (mtimeMs > limit || (await store.read.uploads.find(uploadId))) continue;
        await blobs.discardUpload(uploadId);
        report.partsRemoved += 1;
      }
      return report;
    },
  };
}
