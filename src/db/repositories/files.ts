import type { Selectable, Insertable, SelectQueryBuilder } from 'kysely';
import type { QueryRunner } from '../query-runner.js';
import type { DB, FilesTable } from '../schema.js';

export type FileRow = Selectable<FilesTable>;

export type FileSortColumn = 'name' | 'size' | 'created_time' | 'edited_time' | 'take_time';

export interface FilePage {
  sort: FileSortColumn;
  desc: boolean;
  /** The last row of the previous page. */
  after?: { value: string | number | null; id: string } | undefined;
  limit: number;
  fileType?: string | undefined;
}

export function filesRepository(runner: QueryRunner) {
  const db = runner.db;
  return {
    async insert(row: Insertable<FilesTable>): Promise<void> {
      await db.insertInto('files').values(row).execute();
    },
    findById(id: string): Promise<FileRow | undefined> {
      return db.selectFrom('files').selectAll().where('id', '=', id).executeTakeFirst();
    },
    findMany(ids: readonly string[]): Promise<FileRow[]> {
      if (ids.length === 0) return Promise.resolve([]);
      return db.selectFrom('files').selectAll().where('id', 'in', ids).execute();
    },
    /** A keyset page of a folder's visible children: `(sort, id)` compared as a row value. */
    listChildren(parentId: string, page: FilePage): Promise<FileRow[]> {
      let q = db.selectFrom('files').selectAll().where('parent_id', '=', parentId).where('recycled', '=', 0);
      if (page.fileType !== undefined) q = q.where('file_type', '=', page.fileType);
      return pageOf(q, page);
    },
    /** A keyset page of the visible files of these types directly in these folders (collection albums). */
    listInFolders(folderIds: readonly string[], fileTypes: readonly string[], page: Omit<FilePage, 'sort' | 'fileType'> & { sort: 'take_time' | 'created_time' | 'edited_time' }): Promise<FileRow[]> {
      if (folderIds.length === 0) return Promise.resolve([]);
      const q = db.selectFrom('files').selectAll().where('parent_id', 'in', folderIds).where('recycled', '=', 0).where('file_type', 'in', fileTypes);
      return pageOf(q, page as FilePage);
    },
    async countInFolders(folderIds: readonly string[], fileTypes: readonly string[]): Promise<number> {
      if (folderIds.length === 0) return 0;
      const row = await db
        .selectFrom('files')
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .where('parent_id', 'in', folderIds)
        .where('recycled', '=', 0)
        .where('file_type', 'in', fileTypes)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
    /** A keyset page of what was recycled directly (not what went along inside a folder). */
    listRecycleBin(containerId: string, page: FilePage): Promise<FileRow[]> {
      let q = db
        .selectFrom('files')
        .selectAll()
        .where('container_id', '=', containerId)
        .where('recycled_at', 'is not', null)
        .whereRef('recycled_with', '=', 'id');
      if (page.fileType !== undefined) q = q.where('file_type', '=', page.fileType);
      return pageOf(q, page);
    },
    /** Marks every file with this content as unreadable media (once decoding has failed). */
    async setMediaError(sha256: string, message: string): Promise<void> {
      await db.updateTable('files').set({ media_error: message }).where('sha256', '=', sha256).where('media_error', 'is', null).execute();
    },
    /** A file with this content in one of these spaces (what a rapid upload may copy). */
    withContent(sha256: string, size: number, containerIds: readonly string[]): Promise<FileRow | undefined> {
      if (containerIds.length === 0) return Promise.resolve(undefined);
      return db
        .selectFrom('files')
        .selectAll()
        .where('sha256', '=', sha256)
        .where('size', '=', size)
        .where('container_id', 'in', containerIds)
        .limit(1)
        .executeTakeFirst();
    },
    /** The item and everything below it (any depth), recycled or not. */
    async subtree(id: string): Promise<FileRow[]> {
      return db
        .withRecursive('tree(id)', (qc) =>
          qc
            .selectFrom('files')
            .select('id')
            .where('id', '=', id)
            .unionAll(qc.selectFrom('files').innerJoin('tree', 'files.parent_id', 'tree.id').select('files.id')),
        )
        .selectFrom('files')
        .innerJoin('tree', 'tree.id', 'files.id')
        .selectAll('files')
        .execute();
    },
    async recycle(ids: readonly string[], rootId: string, at: number): Promise<void> {
      for (let i = 0; i < ids.length; i += 500) {
        await db
          .updateTable('files')
          .set({ recycled: 1, recycled_at: at, recycled_with: rootId })
          .where('id', 'in', ids.slice(i, i + 500))
          .where('recycled', '=', 0)
          .execute();
      }
    },
    /** Brings back what one recycling took away. */
    async restoreWith(rootId: string): Promise<void> {
      await db.updateTable('files').set({ recycled: 0, recycled_at: null, recycled_with: null }).where('recycled_with', '=', rootId).execute();
    },
    async place(id: string, parentId: string, name: string, editedTime: number): Promise<void> {
      await db.updateTable('files').set({ parent_id: parentId, name, edited_time: editedTime }).where('id', '=', id).execute();
    },
    async rename(id: string, name: string, editedTime: number): Promise<void> {
      await db.updateTable('files').set({ name, edited_time: editedTime }).where('id', '=', id).execute();
    },
    async touch(id: string, editedTime: number): Promise<void> {
      await db.updateTable('files').set({ edited_time: editedTime }).where('id', '=', id).execute();
    },
    async deleteMany(ids: readonly string[]): Promise<void> {
      for (let i = 0; i < ids.length; i += 500) {
        await db.deleteFrom('files').where('id', 'in', ids.slice(i, i + 500)).execute();
      }
    },
    /** Roots of what is in a space's recycle bin. */
    async recycledRoots(containerId: string): Promise<FileRow[]> {
      return db
        .selectFrom('files')
        .selectAll()
        .where('container_id', '=', containerId)
        .where('recycled_at', 'is not', null)
        .whereRef('recycled_with', '=', 'id')
        .execute();
    },
    /** Visible names in a folder that start with `prefix` (for choosing a free name). */
    async childNamesStartingWith(parentId: string, prefix: string): Promise<string[]> {
      const rows = await db
        .selectFrom('files')
        .select('name')
        .where('parent_id', '=', parentId)
        .where('recycled', '=', 0)
        .where('name', '>=', prefix)
        .where('name', '<', `${prefix}\u{10FFFF}`)
        .execute();
      return rows.map((r) => r.name);
    },
  };
}

type FileQuery = SelectQueryBuilder<DB, 'files', FileRow>;

function pageOf(q: FileQuery, page: FilePage): Promise<FileRow[]> {
  const op = page.desc ? '<' : '>';
  const dir = page.desc ? 'desc' : 'asc';
  if (page.after) {
    const { value, id } = page.after;
    q = q.where(({ eb, refTuple, tuple }) => eb(refTuple(page.sort, 'id'), op, tuple(value as never, id)));
  }
  return q.orderBy(page.sort, dir).orderBy('id', dir).limit(page.limit).execute();
}
