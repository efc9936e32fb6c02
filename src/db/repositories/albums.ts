import type { Kysely, Selectable, Insertable, Updateable } from 'kysely';
import type { DB, AlbumsTable } from '../schema.js';

export type AlbumRow = Selectable<AlbumsTable>;

export interface AlbumListFilter {
  ownerIds: readonly string[];
  albumKind: number;
  albumType: number;
}

export function albumsRepository(db: Kysely<DB>) {
  const listed = (f: AlbumListFilter) =>
    db
      .selectFrom('albums')
      .where('owner_id', 'in', f.ownerIds)
      .where('album_kind', '=', f.albumKind)
      .where('album_type', '=', f.albumType);

  return {
    async insert(row: Insertable<AlbumsTable>, scopeDirs: readonly string[]): Promise<void> {
      await db.insertInto('albums').values(row).execute();
      if (scopeDirs.length > 0) await this.insertScopeDirs(row.id, scopeDirs);
    },
    async insertScopeDirs(albumId: string, folderIds: readonly string[]): Promise<void> {
      await db
        .insertInto('album_scope_dirs')
        .values(folderIds.map((folder_id, position) => ({ album_id: albumId, folder_id, position })))
        .execute();
    },
    async replaceScopeDirs(albumId: string, folderIds: readonly string[]): Promise<void> {
      await db.deleteFrom('album_scope_dirs').where('album_id', '=', albumId).execute();
      if (folderIds.length > 0) await this.insertScopeDirs(albumId, folderIds);
    },
    findById(id: string): Promise<AlbumRow | undefined> {
      return db.selectFrom('albums').selectAll().where('id', '=', id).executeTakeFirst();
    },
    async update(id: string, patch: Updateable<AlbumsTable>): Promise<void> {
      await db.updateTable('albums').set(patch).where('id', '=', id).execute();
    },
    async delete(id: string): Promise<void> {
      await db.deleteFrom('album_scope_dirs').where('album_id', '=', id).execute();
      await db.deleteFrom('albums').where('id', '=', id).execute();
    },
    /** Newest first; snowflake IDs grow with creation time. */
    listPage(filter: AlbumListFilter, limit: number, offset: number): Promise<AlbumRow[]> {
      if (filter.ownerIds.length === 0) return Promise.resolve([]);
      return listed(filter).selectAll().orderBy('id', 'desc').limit(limit).offset(offset).execute();
    },
    async count(filter: AlbumListFilter): Promise<number> {
      if (filter.ownerIds.length === 0) return 0;
      const row = await listed(filter)
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
    /** Scope folder IDs of each album, in the order they were given. */
    async scopeDirsOf(albumIds: readonly string[]): Promise<Map<string, string[]>> {
      const result = new Map<string, string[]>();
      if (albumIds.length === 0) return result;
      const rows = await db
        .selectFrom('album_scope_dirs')
        .select(['album_id', 'folder_id'])
        .where('album_id', 'in', albumIds)
        .orderBy('album_id')
        .orderBy('position')
        .execute();
      for (const r of rows) {
        const list = result.get(r.album_id);
        if (list) list.push(r.folder_id);
        else result.set(r.album_id, [r.folder_id]);
      }
      return result;
    },
  };
}
