import { sql } from 'kysely';
import type { QueryRunner } from '../query-runner.js';
import { chunks } from './chunks.js';
import type { FileRow } from './files.js';

/** Deeper than any real tree: a cycle (which the checker reports) cannot make a walk endless. */
const MAX_DEPTH = 10_000;

/**
 * The statements a job of many files runs once for all of them rather than once per file (on
 * PostgreSQL every statement is a round trip): ancestries, and the changes to plain files (not
 * folders) that no other item of the job touches.
 */
export function fileBatchesRepository(runner: QueryRunner) {
  const db = runner.db;
  return {
    /** Each ID's ancestors, nearest first (as `files.ancestorIds`), in one walk for all of them. */
    async ancestorsOf(ids: readonly string[]): Promise<Map<string, string[]>> {
      const out = new Map<string, string[]>(ids.map((id) => [id, []]));
      for (const part of chunks(ids)) {
        const rows = await db
          .withRecursive('up(start, id, parent_id, depth)', (qc) =>
            qc
              .selectFrom('files')
              .select(['id as start', 'id', 'parent_id', sql<number>`0`.as('depth')])
              .where('id', 'in', part)
              .unionAll(
                qc
                  .selectFrom('files')
                  .innerJoin('up', 'up.parent_id', 'files.id')
                  .select(['up.start', 'files.id', 'files.parent_id', sql<number>`up.depth + 1`.as('depth')])
                  .where('up.depth', '<', MAX_DEPTH),
              ),
          )
          .selectFrom('up')
          .select(['start', 'id', 'depth'])
          .where('depth', '>', 0)
          .orderBy('start')
          .orderBy('depth')
          .execute();
        for (const r of rows) out.get(r.start)!.push(r.id);
      }
      return out;
    },
    /** Visible names in a folder among `names` (exact). */
    async visibleNamesAmong(parentId: string, names: readonly string[]): Promise<Set<string>> {
      const taken = new Set<string>();
      for (const part of chunks([...new Set(names)])) {
        const rows = await db.selectFrom('files').select('name').where('parent_id', '=', parentId).where('recycled', '=', 0).where('name', 'in', part).execute();
        for (const r of rows) taken.add(r.name);
      }
      return taken;
    },
    /** Each still-visible file into the bin as its own item; returns the rows it changed, as they now are. */
    async recycleEach(ids: readonly string[], at: number): Promise<FileRow[]> {
      const out: FileRow[] = [];
      for (const part of chunks(ids)) {
        out.push(
          ...(await db
            .updateTable('files')
            .set((eb) => ({ recycled: 1, recycled_at: at, recycled_with: eb.ref('id'), edited_time: at }))
            .where('id', 'in', part)
            .where('recycled', '=', 0)
            .returningAll()
            .execute()),
        );
      }
      return out;
    },
    /** Each file that went into the bin on its own back out, where it lies; returns the rows as they now are. */
    async restoreEach(ids: readonly string[], at: number): Promise<FileRow[]> {
      const out: FileRow[] = [];
      for (const part of chunks(ids)) {
        out.push(
          ...(await db
            .updateTable('files')
            .set({ recycled: 0, recycled_at: null, recycled_with: null, edited_time: at })
            .where('id', 'in', part)
            .whereRef('recycled_with', '=', 'id')
            .returningAll()
            .execute()),
        );
      }
      return out;
    },
    /** Files into one folder, names unchanged. */
    async moveAll(ids: readonly string[], parentId: string, at: number): Promise<void> {
      for (const part of chunks(ids)) await db.updateTable('files').set({ parent_id: parentId, edited_time: at }).where('id', 'in', part).execute();
    },
  };
}
