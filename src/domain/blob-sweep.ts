import type { DomainDeps } from './context.js';

export interface SweepReport {
  tempRemoved: number;
  unreferencedRemoved: number;
  orphansRemoved: number;
}

/**
 * Reconciles the blob store with the database: content no file uses any more goes once its grace
 * period is over (the count is checked again in the same transaction that forgets it), and stored
 * content the database never heard of (a crash between the blob's rename and the commit) goes too.
 */
export function createBlobSweeper(deps: DomainDeps) {
  const { store, blobs, now, blobLocks, thumbs } = deps;
  return {
    /**
     * @param graceMs content unreferenced (or unknown) for less than this stays
     * @param tempBefore temporary files written since may be uploads under way
     */
    async sweep(graceMs: number, tempBefore = now() - graceMs): Promise<SweepReport> {
      const report: SweepReport = { tempRemoved: await blobs.cleanTemp(tempBefore), unreferencedRemoved: 0, orphansRemoved: 0 };
      const limit = now() - graceMs;
      for (;;) {
        const batch = await store.read.blobs.unreferencedBefore(limit, 500);
        if (batch.length === 0) break;
        for (const sha256 of batch) {
          await blobLocks.with(sha256, async () => {
            if (await store.write((repos) => repos.blobs.forgetUnreferenced(sha256))) {
              await blobs.remove(sha256);
              await thumbs.remove(sha256);
              report.unreferencedRemoved += 1;
            }
          });
        }
        if (batch.length < 500) break;
      }
      for await (const { sha256, mtimeMs } of blobs.list()) {
        if (mtimeMs > limit) continue;
        await blobLocks.with(sha256, async () => {
          if (!(await store.read.blobs.find(sha256))) {
            await blobs.remove(sha256);
            await thumbs.remove(sha256);
            report.orphansRemoved += 1;
          }
        });
      }
      return report;
    },
  };
}
