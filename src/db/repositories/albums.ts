import type { Selectable, Insertable, Updateable } from 'kysely';
import { prepared, type QueryRunner } from '../query-runner.js';
import type { AlbumsTable } from '../schema.js';

export type AlbumRow = Selectable<AlbumsTable>;

export interface AlbumListFilter {
  ownerIds: readonly string[];
  albumKind: number;
  albumType: number;
}

const insertAlbum = prepared((db, p: Insertable<AlbumsTable>) =>
  db.insertInto('albums').values({
    id: p.id,
    owner_id: p.owner_id,
    creator_id: p.creator_id,
    album_type: p.album_type,
    album_kind: p.album_kind,
    name: p.name,
    scope_parent_folder_id: p.scope_parent_folder_id,
    scope_kind: p.scope_kind,
    container_id: p.container_id,
    group_id: p.group_id,
    share_folder_id: p.share_folder_id,
    cover_file_id: p.cover_file_id,
    create_time: p.create_time,
    update_time: p.update_time,
  }),
);
const byId = prepared((db, p: { id: string }) => db.selectFrom('albums').selectAll().where('id', '=', p.id));

const liveScope = prepared((db, p: { albumId: string; containerId: string }) =>
  db
    .selectFrom('album_scope_dirs')
    .innerJoin('files', 'files.id', 'album_scope_dirs.folder_id')
    .select('album_scope_dirs.folder_id')
    .where('album_scope_dirs.album_id', '=', p.albumId)
    .where('files.container_id', '=', p.containerId)
    .orderBy('album_scope_dirs.position'),
);

export function albumsRepository(runner: QueryRunner) {
  const db = runner.db;
  const listed = (f: AlbumListFilter) =>
    db
      .selectFrom('albums')
      .where('owner_id', 'in', f.ownerIds)
      .where('album_kind', '=', f.albumKind)
      .where('album_type', '=', f.albumType);

  return {
    async insert(row: Insertable<AlbumsTable>, scopeDirs: readonly string[]): Promise<void> {
      await insertAlbum(runner, row);
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
    async findById(id: string): Promise<AlbumRow | undefined> {
      return (await byId(runner, { id })).rows[0];
    },
    async update(id: string, patch: Updateable<AlbumsTable>): Promise<void> {
      await db.updateTable('albums').set(patch).where('id', '=', id).execute();
    },
    async addCounts(id: string, items: number, members: number): Promise<void> {
      if (items === 0 && members === 0) return;
      await db
        .updateTable('albums')
        .set((eb) => ({ item_count: eb('item_count', '+', items), member_count: eb('member_count', '+', members) }))
        .where('id', '=', id)
        .execute();
    },
    async setItemCount(id: string, count: number): Promise<void> {
      await db.updateTable('albums').set({ item_count: count }).where('id', '=', id).execute();
    },
    async setCover(id: string, fileId: string | null): Promise<void> {
      await db.updateTable('albums').set({ cover_file_id: fileId }).where('id', '=', id).execute();
    },
    /** Collection albums whose scope holds one of these folders, with the folder and the kinds. */
    async collectionsOver(folderIds: readonly string[]): Promise<{ album_id: string; folder_id: string; scope_kind: string | null; container_id: string }[]> {
      if (folderIds.length === 0) return [];
      return db
        .selectFrom('album_scope_dirs')
        .innerJoin('albums', 'albums.id', 'album_scope_dirs.album_id')
        .select(['album_scope_dirs.album_id', 'album_scope_dirs.folder_id', 'albums.scope_kind', 'albums.container_id'])
        .where('album_scope_dirs.folder_id', 'in', folderIds)
        .execute();
    },
    /** Manual albums whose cover is one of these files. */
    async coveredBy(fileIds: readonly string[]): Promise<string[]> {
      if (fileIds.length === 0) return [];
      const rows = await db.selectFrom('albums').select('id').where('cover_file_id', 'in', fileIds).execute();
      return rows.map((r) => r.id);
    },
    /** Every album counted against this owner (a family's shared albums), with their rows. */
    async deleteOwnedBy(ownerId: string): Promise<void> {
      const owned = db.selectFrom('albums').select('id').where('owner_id', '=', ownerId);
      await db.deleteFrom('album_items').where('album_id', 'in', owned).execute();
      await db.deleteFrom('album_scope_dirs').where('album_id', 'in', owned).execute();
      await db.deleteFrom('albums').where('owner_id', '=', ownerId).execute();
    },
    async delete(id: string): Promise<void> {
      await db.deleteFrom('album_items').where('album_id', '=', id).execute();
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
    /** An album's scope folders that are in its space now (one moved to another space counts no more). */
    async liveScopeOf(albumId: string, containerId: string): Promise<string[]> {
      const { rows } = await liveScope(runner, { albumId, containerId });
      return rows.map((r) => r.folder_id);
    },
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
