import type { AlbumRow } from '../../db/repositories/index.js';
import { AlbumKind, AlbumType } from '../access.js';
import { iso, type Caller, type DomainDeps } from '../context.js';
import { signedUrl } from '../drive/urls.js';
import type { Signer } from '../auth/signing.js';
import { notFound } from '../errors.js';

export interface AlbumItem {
  id: string;
  name?: string;
  coverImg?: string;
  albumType: number;
  albumKind: number;
  scopeDir: string[];
  scopeParentFolderId?: string;
  scopeKind?: string;
  groupId?: string;
  shareFolderId?: string;
  containerId: string;
  ownerId: string;
  itemCount: number;
  createTime: string;
  updateTime: string;
}

export interface ListAlbumsInput {
  albumKind: number;
  albumType: number;
  groupId?: string | undefined;
  pageNum: number;
  pageSize: number;
}

export interface CoverUrls {
  signer: Signer;
  origin: string;
  userId: string;
  now: number;
}

export function toAlbumItem(row: AlbumRow, scopeDir: string[], urls: CoverUrls): AlbumItem {
  const item: AlbumItem = {
    id: row.id,
    albumType: row.album_type,
    albumKind: row.album_kind,
    scopeDir,
    containerId: row.container_id,
    ownerId: row.creator_id,
    itemCount: Number(row.item_count),
    createTime: iso(Number(row.create_time)),
    updateTime: iso(Number(row.update_time)),
  };
  if (row.name !== null) item.name = row.name;
  // A manual album's cover: the thumbnail of its earliest-added visible image, "" when it has none.
  if (row.album_type === AlbumType.Manual) {
    item.coverImg = row.cover_file_id === null ? '' : signedUrl(urls.signer, urls.origin, 'thumbnail', row.cover_file_id, urls.userId, urls.now, 'm');
  }
  if (row.scope_parent_folder_id !== null) item.scopeParentFolderId = row.scope_parent_folder_id;
  if (row.scope_kind !== null) item.scopeKind = row.scope_kind;
  if (row.group_id !== null) item.groupId = row.group_id;
  if (row.share_folder_id !== null) item.shareFolderId = row.share_folder_id;
  return item;
}

export function createAlbumListService(deps: DomainDeps) {
  const { store, signer, now } = deps;
  return {
    /** ListAlbums: personal → the caller's own; shared → its families' (or one family's), newest first. */
    async list(caller: Caller, input: ListAlbumsInput): Promise<{ albumList: AlbumItem[]; total: number }> {
      const userId = caller.userId;
      const repos = store.read;
      let ownerIds: string[];
      if (input.albumKind === AlbumKind.Personal) ownerIds = [userId];
      else if (input.groupId !== undefined && input.groupId !== '') {
        if (!(await repos.families.isMember(input.groupId, userId))) throw notFound();
        ownerIds = [input.groupId];
      } else ownerIds = await repos.families.groupIdsOf(userId);
      const filter = { ownerIds, albumKind: input.albumKind, albumType: input.albumType };
      const [rows, total] = await Promise.all([
        repos.albums.listPage(filter, input.pageSize, (input.pageNum - 1) * input.pageSize),
        repos.albums.count(filter),
      ]);
      const scopes = input.albumType === AlbumType.Collection ? await repos.albums.scopeDirsOf(rows.map((r) => r.id)) : new Map<string, string[]>();
      const urls = { signer, origin: caller.origin, userId, now: now() };
      return { albumList: rows.map((r) => toAlbumItem(r, scopes.get(r.id) ?? [], urls)), total };
    },
  };
}
