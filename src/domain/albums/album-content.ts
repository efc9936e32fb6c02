import type { AlbumFileRow } from '../../db/repositories/files.js';
import type { ItemSortColumn } from '../../db/repositories/album-items.js';
import { FileType } from '../../media/types.js';
import { AlbumType, visibleAlbum } from '../access.js';
import { kindTypes, refreshCovers } from './album-effects.js';
import { iso, type Caller, type DomainDeps } from '../context.js';
import { decodeCursor, encodeCursor } from '../cursor.js';
import { AppError, ErrorCode, invalidParam, limitReached, wrongAlbumType, type FailEntry } from '../errors.js';
import { isMedia } from '../drive/file-view.js';
import { signedUrl } from '../drive/urls.js';

export const MAX_ADD = 100;
export const MAX_REMOVE = 1000;

export interface AlbumContent {
  id: string;
  takeTime: string;
  ownerId: string;
  fileName: string;
  fileType: string;
  mimeType: string;
  size: number;
  sha256: string;
  width?: number;
  height?: number;
  duration?: number;
  createdTime: string;
  editedTime: string;
  addTime?: string;
  parentFolder: string[];
  containerId: string;
  thumbnailUrl: string;
}

export interface ListContentInput {
  pageSize?: number | undefined;
  pageCursor?: string | undefined;
  sortType?: number | undefined;
  sortDirection?: number | undefined;
}

const onlyManual = { en: 'only a manual album takes content changes', zh: '只有手工相册可以增删内容' };
const MANUAL_SORT: Record<number, ItemSortColumn> = { 1: 'take_time', 2: 'add_time', 3: 'edited_time' };
const COLLECTION_SORT: Record<number, 'take_time' | 'created_time' | 'edited_time'> = { 1: 'take_time', 2: 'created_time', 3: 'edited_time' };

export function createAlbumContentService(deps: DomainDeps) {
  const { store, now, signer } = deps;

  const view = (caller: Caller, row: AlbumFileRow & { add_time?: number }, t: number, manual: boolean): AlbumContent => {
    const item: AlbumContent = {
      id: row.id,
      takeTime: iso(Number(row.take_time ?? row.created_time)),
      ownerId: row.owner_id,
      fileName: row.name,
      fileType: row.file_type,
      mimeType: row.mime_type,
      size: Number(row.size),
      sha256: row.sha256 ?? '',
      createdTime: iso(Number(row.created_time)),
      editedTime: iso(Number(row.edited_time)),
      parentFolder: row.parent_id === null ? [] : [row.parent_id],
      containerId: row.container_id,
      thumbnailUrl: signedUrl(signer, caller.origin, 'thumbnail', row.id, caller.userId, t, 'm'),
    };
    if (row.width !== null) item.width = row.width;
    if (row.height !== null) item.height = row.height;
    if (row.duration !== null) item.duration = row.duration;
    if (manual && row.add_time !== undefined) item.addTime = iso(Number(row.add_time));
    return item;
  };

  return {
    /** BatchAddContent2Album: all or nothing; re-adding a member adds nothing. */
    async add(caller: Caller, albumId: string, entries: { fileId: string; ownerId?: string | undefined }[]): Promise<void> {
      if (entries.length < 1 || entries.length > MAX_ADD) throw invalidParam('fileIds', { en: `must list 1 to ${MAX_ADD} files`, zh: `须包含 1 到 ${MAX_ADD} 个文件` });
      await store.write(async (repos) => {
        const album = await visibleAlbum(repos, caller.userId, albumId);
        if (album.album_type !== AlbumType.Manual) throw wrongAlbumType(onlyManual);
        // A personal album takes files of its owner's personal space, a shared one of its family's.
        const spaceId = album.container_id;
        const ids = [...new Set(entries.map((e) => e.fileId))];
        const rows = new Map((await repos.files.findMany(ids)).map((r) => [r.id, r]));
        const failures: FailEntry[] = [];
        for (const entry of entries) {
          const row = rows.get(entry.fileId);
          // A wrong ownerId is treated as an unknown file: it reveals nothing.
          if (!row || row.container_id !== spaceId || row.owner_id !== entry.ownerId || row.file_type === FileType.Folder) {
            failures.push({ fileId: entry.fileId, code: ErrorCode.NotFound });
          } else if (row.recycled !== 0) failures.push({ fileId: entry.fileId, code: ErrorCode.InRecycleBin });
          else if (!isMedia(row.file_type)) failures.push({ fileId: entry.fileId, code: ErrorCode.NotMedia });
        }
        if (failures.length > 0) throw new AppError(failures[0]!.code, undefined, failures);
        const present = await repos.albumItems.has(album.id, ids);
        const fresh = ids.filter((id) => !present.has(id));
        if (Number(album.member_count) + fresh.length > deps.limits.itemsPerAlbum) throw limitReached();
        const t = now();
        const added = await repos.albumItems.addMany(
          fresh.map((id) => {
            const row = rows.get(id)!;
            return { album_id: album.id, file_id: id, add_time: t, take_time: Number(row.take_time ?? row.created_time), edited_time: Number(row.edited_time), file_type: row.file_type, visible: 1 };
          }),
        );
        await repos.albums.addCounts(album.id, added, added);
        if (album.cover_file_id === null && fresh.some((id) => rows.get(id)!.file_type === FileType.Image)) await refreshCovers(repos, [album.id]);
      }, { key: `album:${albumId}` });
    },

    /** BatchDeleteAlbumContent: IDs not in the album are ignored; the files stay. */
    async remove(caller: Caller, albumId: string, fileIds: string[]): Promise<void> {
      if (fileIds.length < 1 || fileIds.length > MAX_REMOVE) throw invalidParam('ids', { en: `must list 1 to ${MAX_REMOVE} file IDs`, zh: `须包含 1 到 ${MAX_REMOVE} 个文件 ID` });
      await store.write(async (repos) => {
        const album = await visibleAlbum(repos, caller.userId, albumId);
        if (album.album_type !== AlbumType.Manual) throw wrongAlbumType(onlyManual);
        const ids = [...new Set(fileIds)];
        const { removed, visible } = await repos.albumItems.removeMany(album.id, ids);
        await repos.albums.addCounts(album.id, -visible, -removed);
        if (album.cover_file_id !== null && ids.includes(album.cover_file_id)) await refreshCovers(repos, [album.id]);
      }, { key: `album:${albumId}` });
    },

    /** ListAlbumContent: keyset pages in one of three orders, ties broken on file ID; `total` exact. */
    async list(caller: Caller, albumId: string, input: ListContentInput): Promise<{ contentList: AlbumContent[]; nextPageCursor: string; total: number }> {
      const repos = store.read;
      const album = await visibleAlbum(repos, caller.userId, albumId);
      const manual = album.album_type === AlbumType.Manual;
      const sortType = input.sortType ?? (manual ? 2 : 1);
      const desc = (input.sortDirection ?? 2) === 2;
      const pageSize = input.pageSize ?? 100;
      const binding = `album\n${album.id}\n${sortType}\n${desc ? 2 : 1}`;
      const position = input.pageCursor ? decodeCursor(signer, binding, input.pageCursor) : undefined;
      if (position && typeof position.value !== 'number') throw invalidParam('pageCursor', { en: 'is not a cursor of this listing', zh: '不是本列表的游标' });
      const after = position ? { value: position.value as number, id: position.id } : undefined;
      let rows: (AlbumFileRow & { add_time?: number })[];
      let sortOf: (r: AlbumFileRow & { add_time?: number }) => number;
      if (manual) {
        const sort = MANUAL_SORT[sortType]!;
        rows = await repos.albumItems.page(album.id, { sort, desc, after, limit: pageSize + 1 });
        sortOf = (r) => Number(sort === 'add_time' ? r.add_time : sort === 'take_time' ? (r.take_time ?? r.created_time) : r.edited_time);
      } else {
        const sort = COLLECTION_SORT[sortType]!;
        const scope = await repos.albums.liveScopeOf(album.id, album.container_id);
        rows = await repos.files.listInFolders(scope, kindTypes(album.scope_kind), { sort, desc, after, limit: pageSize + 1 });
        sortOf = (r) => Number(r[sort]);
      }
      const more = rows.length > pageSize;
      const shown = more ? rows.slice(0, pageSize) : rows;
      const last = shown[shown.length - 1];
      const t = now();
      return {
        contentList: shown.map((r) => view(caller, r, t, manual)),
        nextPageCursor: more && last ? encodeCursor(signer, binding, { value: sortOf(last), id: last.id }) : '',
        total: Number(album.item_count),
      };
    },
  };
}

