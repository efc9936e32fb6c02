import type { Selectable } from 'kysely';
import type { QueryRunner } from '../query-runner.js';
import type { BlobsTable } from '../schema.js';

export type BlobRow = Selectable<BlobsTable>;

/** Reference counts of stored content, changed in the same transaction as the file rows. */
export function blobsRepository(runner: QueryRunner) {
  const db = runner.db;
  return {
    async addRef(sha256: string, size: number, now: number): Promise<void> {
      await db
        .insertInto('blobs')
        .values({ sha256, size, ref_count: 1, unreferenced_since: null, created_at: now })
        .onConflict((oc) => oc.column('sha256').doUpdateSet((eb) => ({ ref_count: eb('blobs.ref_count', '+', 1), unreferenced_since: null })))
        .execute();
    },
    async release(sha256: string, now: number): Promise<void> {
      await db.updateTable('blobs').set((eb) => ({ ref_count: eb('ref_count', '-', 1) })).where('sha256', '=', sha256).execute();
      await db.updateTable('blobs').set({ unreferenced_since: now }).where('sha256', '=', sha256).where('ref_count', '<=', 0).execute();
    },
    find(sha256: string): Promise<BlobRow | undefined> {
      return db.selectFrom('blobs').selectAll().where('sha256', '=', sha256).executeTakeFirst();
    },
    /** Forgets a blob that is still unreferenced; true when the row went (so the file may go too). */
    async forgetUnreferenced(sha256: string): Promise<boolean> {
      const r = await db.deleteFrom('blobs').where('sha256', '=', sha256).where('ref_count', '<=', 0).executeTakeFirst();
      return Number(r.numDeletedRows) === 1;
    },
    async unreferencedBefore(time: number, limit: number): Promise<string[]> {
      const rows = await db
        .selectFrom('blobs')
        .select('sha256')
        .where('ref_count', '<=', 0)
        .where('unreferenced_since', '<=', time)
        .limit(limit)
        .execute();
      return rows.map((r) => r.sha256);
    },
  };
}
