import type { Client } from './api.js';
import type { AddContent, Album, AlbumList, CreateAlbum, CreateAlbumResult, UpdateAlbum } from './types.js';
import { remember } from './albums.js';

/** Album changes through the public API: create, rename or rescope, delete, add and remove content. */

export interface Owned {
  id: string;
  ownerId: string;
}

/** Where albums live: the personal space, or a family (its group and share folder). */
export interface AlbumHome {
  groupId?: string;
  shareFolderId?: string;
}

const kindOf = (home: AlbumHome): 1 | 2 => (home.groupId ? 2 : 1);

export async function createAlbum(api: Client, body: CreateAlbum): Promise<string> {
  return (await api.call<CreateAlbumResult>('POST', '/album/create', body)).albumId;
}

export function createManual(api: Client, home: AlbumHome, name: string): Promise<string> {
  return createAlbum(api, { type: 2, albumKind: kindOf(home), name, ...(home.groupId ? { groupId: home.groupId, shareFolderId: home.shareFolderId } : {}) } as CreateAlbum);
}

export async function updateAlbum(api: Client, albumId: string, body: UpdateAlbum): Promise<void> {
  await api.call('POST', `/album/${encodeURIComponent(albumId)}/update`, body);
}

export async function deleteAlbum(api: Client, albumId: string): Promise<void> {
  await api.call('DELETE', `/album/${encodeURIComponent(albumId)}`);
}

/** Adds in batches of 100 (the API's limit); a refusal names the first failure in words. */
export async function addToAlbum(api: Client, albumId: string, files: readonly Owned[]): Promise<void> {
  for (let i = 0; i < files.length; i += 100) {
    const body: AddContent = { fileIds: files.slice(i, i + 100).map((f) => ({ fileId: f.id, ownerId: f.ownerId })) };
    await api.call('POST', `/album/${encodeURIComponent(albumId)}/add`, body);
  }
}

export async function removeFromAlbum(api: Client, albumId: string, ids: readonly string[]): Promise<void> {
  for (let i = 0; i < ids.length; i += 1000) {
    await api.call('DELETE', `/album/${encodeURIComponent(albumId)}/batchDelete`, { ids: ids.slice(i, i + 1000) });
  }
}

/** Every manual album files of this home can go into (a family's for its files, else personal). */
export async function manualAlbums(api: Client, home: AlbumHome): Promise<Album[]> {
  const out: Album[] = [];
  const group = home.groupId ? `&groupId=${encodeURIComponent(home.groupId)}` : '';
  for (let page = 1; page <= 1000; page++) {
    const list = await api.call<AlbumList>('GET', `/album/list?albumKind=${kindOf(home)}&albumType=2&pageNum=${page}&pageSize=100${group}`);
    out.push(...list.albumList);
    if (list.albumList.length < 100) break;
  }
  remember(out);
  return out;
}
