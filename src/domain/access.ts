import type { AlbumRow, FileRow, Repositories } from '../db/repositories/index.js';
import { forbidden, notFound } from './errors.js';
import { UserStatus } from './auth/credentials.js';

export const AlbumKind = { Personal: 1, Shared: 2 } as const;
export const AlbumType = { Collection: 1, Manual: 2 } as const;

/** An album the caller may see: its own personal album, or a shared album of one of its families. */
export async function visibleAlbum(repos: Repositories, userId: string, albumId: string): Promise<AlbumRow> {
  const album = await repos.albums.findById(albumId);
  if (!album) throw notFound();
  if (album.album_kind === AlbumKind.Personal) {
    if (album.owner_id !== userId) throw notFound();
    return album;
  }
  if (!(await repos.families.isMember(album.owner_id, userId))) throw notFound();
  return album;
}

/** An album the caller may update or delete: personal → its owner; shared → its creator or the family owner. */
export async function manageableAlbum(repos: Repositories, userId: string, albumId: string): Promise<AlbumRow> {
  const album = await visibleAlbum(repos, userId, albumId);
  if (album.album_kind === AlbumKind.Shared && album.creator_id !== userId) {
    const family = await repos.families.findByGroupId(album.owner_id);
    if (family?.owner_id !== userId) throw forbidden();
  }
  return album;
}

/** A file the user may see in any of its spaces (its personal space, or a family it belongs to). */
export async function fileVisibleTo(repos: Repositories, userId: string, fileId: string): Promise<FileRow> {
  // Signed links (downloads, thumbnails) stop with their user's account: deleted or disabled.
  const user = await repos.users.findById(userId);
  if (!user || Number(user.status) !== UserStatus.Enabled) throw notFound();
  const row = await repos.files.findById(fileId);
  if (!row) throw notFound();
  const container = await repos.containers.findById(row.container_id);
  if (!container) throw notFound();
  const allowed =
    container.kind === 'personal' ? container.owner_id === userId : await repos.families.isMember(container.owner_id, userId);
  if (!allowed) throw notFound();
  return row;
}
