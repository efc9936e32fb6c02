import type { Selectable } from 'kysely';
import type { QueryRunner } from '../query-runner.js';
import { chunks } from './chunks.js';
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
    /** One reference less per occurrence of a hash in `sha256s` (a batch of deleted files). */
    async releaseMany(sha256s: readonly string[], now: number): Promise<void> {
      const times = new Map<string, number>();
      for (const sha of sha256s) times.set(sha, (times.get(sha) ?? 0) + 1);
      // Grouped by how many references go, so the usual batch (each hash once) is one statement.
      const byCount = new Map<number, string[]>();
      for (const [sha, n] of times) byCount.set(n, [...(byCount.get(n) ?? []), sha]);
      for (const [n, shas] of byCount) {
        for (const part of chunks(shas)) await db.updateTable('blobs').set((eb) => ({ ref_count: eb('ref_count', '-', n) })).where('sha256', 'in', part).execute();
      }
      for (const part of chunks([...times.keys()])) {
        await db.updateTable('blobs').set({ unreferenced_since: now }).where('sha256', 'in', part).where('ref_count', '<=', 0).execute();
      }
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
    /** A keyset page of unreferenced content (by sha256): a sweep that skips some still ends. */
    async unreferencedAfter(time: number, after: string, limit: number): Promise<string[]> {
      const rows = await db
        .selectFrom('blobs')
        .select('sha256')
        .where('ref_count', '<=', 0)
        .where('unreferenced_since', '<=', time)
        .where('sha256', '>', after)
        .orderBy('sha256')
        .limit(limit)
        .execute();
      return rows.map((r) => r.sha256);
    },
    /**
     * Sets the count from the file rows themselves, whatever it said (a row is made when files use
     * content the table lost). Returns the true count and whether the row changed.
     */
    async recount(sha256: string, now: number): Promise<{ count: number; changed: boolean }> {
      const refs = await db
        .selectFrom('files')
        .select((eb) => [eb.fn.countAll<number | string>().as('n'), eb.fn.min('size').as('size')])
        .where('sha256', '=', sha256)
        .executeTakeFirstOrThrow();
      const count = Number(refs.n);
      const row = await this.find(sha256);
      if (!row) {
        if (count === 0) return { count, changed: false };
        await db.insertInto('blobs').values({ sha256, size: Number(refs.size), ref_count: count, unreferenced_since: null, created_at: now }).execute();
        return { count, changed: true };
      }
      const since = count > 0 ? null : (row.unreferenced_since ?? now);
      if (Number(row.ref_count) === count && row.unreferenced_since === since) return { count, changed: false };
      await db.updateTable('blobs').set({ ref_count: count, unreferenced_since: since }).where('sha256', '=', sha256).execute();
      return { count, changed: true };
    },
    /** Which of these have a row (`andFiles`: or a file that uses them); the rest are unknown to the database. */
    async knownAmong(sha256s: readonly string[], andFiles = true): Promise<Set<string>> {
      const known = new Set<string>();
      for (let i = 0; i < sha256s.length; i += 500) {
        const part = sha256s.slice(i, i + 500);
        for (const r of await db.selectFrom('blobs').select('sha256').where('sha256', 'in', part).execute()) known.add(r.sha256);
        if (!andFiles) continue;
        for (const r of await db.selectFrom('files').select('sha256').distinct().where('sha256', 'in', part).execute()) known.add(r.sha256!);
      }
      return known;
    },
  };
}
