import { sql, type Insertable, type Selectable } from 'kysely';
import { compiledPer, prepared, type QueryRunner } from '../query-runner.js';
import { chunks } from './chunks.js';
import type { AlbumItemsTable } from '../schema.js';
import { ALBUM_FILE_COLUMNS, type AlbumFileRow } from './files.js';

export type AlbumItemRow = Selectable<AlbumItemsTable>;
export type ItemSortColumn = 'add_time' | 'take_time' | 'edited_time';

export interface ItemPage {
  sort: ItemSortColumn;
  desc: boolean;
  after?: { value: number; id: string } | undefined;
  limit: number;
}


/** One page of a manual album, compiled once per sort, direction and first-or-later page. */
function buildPageQuery(sort: ItemSortColumn, desc: boolean, after: boolean, limit: number) {
  const op = desc ? '<' : '>';
  const dir = desc ? 'desc' : 'asc';
  const column = `album_items.${sort}` as const;
  return prepared((db, p: { albumId: string; value: number; id: string }) => {
    let q = db
      .selectFrom('album_items')
      .innerJoin('files', 'files.id', 'album_items.file_id')
      .select(ALBUM_FILE_COLUMNS.map((c) => `files.${c}` as const))
      .select('album_items.add_time')
      .where('album_items.album_id', '=', p.albumId)
      .where('album_items.visible', '=', sql.lit(1));
    if (after) q = q.where(({ eb, refTuple, tuple }) => eb(refTuple(column, 'album_items.file_id'), op, tuple(p.value, p.id)));
    // Literal limit and visibility: SQLite plans and runs bound ones slower.
    return q.orderBy(column, dir).orderBy('album_items.file_id', dir).limit(sql.lit(limit));
  });
}

const pageQuery = compiledPer((key) => {
  const [sort, desc, after, limit] = key.split(':') as [ItemSortColumn, string, string, string];
  return buildPageQuery(sort, desc === 'true', after === 'true', Number(limit));
});

/** Membership of manual albums. */
export function albumItemsRepository(runner: QueryRunner) {
  const db = runner.db;
  return {
    /** Adds what is not there yet; returns how many rows were added. */
    async addMany(rows: Insertable<AlbumItemsTable>[]): Promise<number> {
      let added = 0;
      for (const part of chunks(rows, 100)) {
        const r = await db
          .insertInto('album_items')
          .values(part)
          .onConflict((oc) => oc.columns(['file_id', 'album_id']).doNothing())
          .executeTakeFirst();
        added += Number(r.numInsertedOrUpdatedRows ?? 0);
      }
      return added;
    },
    /** Removes these files from one album; returns how many rows went, and how many were visible. */
    async removeMany(albumId: string, fileIds: readonly string[]): Promise<{ removed: number; visible: number }> {
      let removed = 0;
      let visible = 0;
      for (const part of chunks(fileIds)) {
        // RETURNING, not a select first: SQLite plans `select visible … file_id in (…)` as a scan of the album.
        const rows = await db.deleteFrom('album_items').where('album_id', '=', albumId).where('file_id', 'in', part).returning('visible').execute();
        removed += rows.length;
        visible += rows.filter((r) => r.visible === 1).length;
      }
      return { removed, visible };
    },
    async has(albumId: string, fileIds: readonly string[]): Promise<Set<string>> {
      const found = new Set<string>();
      for (const part of chunks(fileIds)) {
        const rows = await db.selectFrom('album_items').select('file_id').where('album_id', '=', albumId).where('file_id', 'in', part).execute();
        rows.forEach((r) => found.add(r.file_id));
      }
      return found;
    },
    /** Per album, how many of these files it holds (only those with this visibility when given). */
    async countsByAlbum(fileIds: readonly string[], visible?: 0 | 1): Promise<Map<string, number>> {
      const counts = new Map<string, number>();
      for (const part of chunks(fileIds)) {
        let q = db
          .selectFrom('album_items')
          .select(['album_id', (eb) => eb.fn.countAll<number | string>().as('n')])
          .where('file_id', 'in', part);
        if (visible !== undefined) q = q.where('visible', '=', visible);
        for (const r of await q.groupBy('album_id').execute()) counts.set(r.album_id, (counts.get(r.album_id) ?? 0) + Number(r.n));
      }
      return counts;
    },
    async setVisible(fileIds: readonly string[], visible: 0 | 1): Promise<void> {
      for (const part of chunks(fileIds)) await db.updateTable('album_items').set({ visible }).where('file_id', 'in', part).execute();
    },
    async setEdited(fileId: string, editedTime: number): Promise<void> {
      await db.updateTable('album_items').set({ edited_time: editedTime }).where('file_id', '=', fileId).execute();
    },
    async setEditedMany(fileIds: readonly string[], editedTime: number): Promise<void> {
      for (const part of chunks(fileIds)) await db.updateTable('album_items').set({ edited_time: editedTime }).where('file_id', 'in', part).execute();
    },
    async deleteForFiles(fileIds: readonly string[]): Promise<void> {
      for (const part of chunks(fileIds)) await db.deleteFrom('album_items').where('file_id', 'in', part).execute();
    },
    /** The earliest-added visible image: a manual album's cover. */
    async firstImage(albumId: string): Promise<string | undefined> {
      const row = await db
        .selectFrom('album_items')
        .select('file_id')
        .where('album_id', '=', albumId)
        .where('visible', '=', 1)
        .where('file_type', '=', '15')
        .orderBy('add_time')
        .orderBy('file_id')
        .limit(1)
        .executeTakeFirst();
      return row?.file_id;
    },
    /** A keyset page of a manual album's visible items with their files. */
    async page(albumId: string, page: ItemPage): Promise<(AlbumFileRow & { add_time: number })[]> {
      const q = pageQuery(`${page.sort}:${page.desc}:${page.after !== undefined}:${page.limit}`);
      const result = await q(runner, { albumId, value: page.after?.value ?? 0, id: page.after?.id ?? '' });
      return result.rows as (AlbumFileRow & { add_time: number })[];
    },
  };
}
