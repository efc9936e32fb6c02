import type { Selectable, Insertable } from 'kysely';
import type { QueryRunner } from '../query-runner.js';
import type { FilesTable } from '../schema.js';

export type FileRow = Selectable<FilesTable>;

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
