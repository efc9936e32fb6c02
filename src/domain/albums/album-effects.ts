import type { FileRow, Repositories } from '../../db/repositories/index.js';
import { isMedia } from '../drive/file-view.js';

/**
 * What file changes do to albums, in the same transaction as the change: collection albums are
 * live (their counts follow the files of their scope folders), manual albums keep their members
 * but hide what is recycled. Counts and covers are kept in the database, never recomputed by a scan.
 */

const KIND_TYPES: Record<string, readonly string[]> = { '1': ['15'], '2': ['20'], '1,2': ['15', '20'] };

export const kindTypes = (scopeKind: string | null): readonly string[] => KIND_TYPES[scopeKind ?? ''] ?? [];

/** Visible media appeared in (+1) or left (-1) their folders: collection albums over them count it. */
export async function folderCountsChanged(repos: Repositories, rows: readonly FileRow[], sign: 1 | -1): Promise<void> {
  const media = rows.filter((r) => isMedia(r.file_type) && r.parent_id !== null);
  if (media.length === 0) return;
  const scopes = await repos.albums.collectionsOver([...new Set(media.map((r) => r.parent_id!))]);
  const deltas = new Map<string, number>();
  for (const scope of scopes) {
    const types = kindTypes(scope.scope_kind);
    // An album counts only files of its own space: a scope folder moved to another space counts no more.
    const n = media.filter((r) => r.parent_id === scope.folder_id && r.container_id === scope.container_id && types.includes(r.file_type)).length;
    if (n > 0) deltas.set(scope.album_id, (deltas.get(scope.album_id) ?? 0) + n);
  }
  for (const [albumId, n] of deltas) await repos.albums.addCounts(albumId, sign * n, 0);
}

export async function refreshCovers(repos: Repositories, albumIds: Iterable<string>): Promise<void> {
  for (const id of albumIds) await repos.albums.setCover(id, (await repos.albumItems.firstImage(id)) ?? null);
}

async function membershipVisibility(repos: Repositories, fileIds: readonly string[], visible: 0 | 1): Promise<void> {
  if (fileIds.length === 0) return;
  const changing = await repos.albumItems.countsByAlbum(fileIds, visible === 1 ? 0 : 1);
  await repos.albumItems.setVisible(fileIds, visible);
  for (const [albumId, n] of changing) await repos.albums.addCounts(albumId, visible === 1 ? n : -n, 0);
  // A file coming back may be an earlier image than the cover; one going may be the cover.
  const affected = visible === 1 ? changing.keys() : await repos.albums.coveredBy(fileIds);
  await refreshCovers(repos, affected);
}

/** Files recycled: gone from every album listing, count and cover. */
export async function filesHidden(repos: Repositories, rows: readonly FileRow[]): Promise<void> {
  await folderCountsChanged(repos, rows, -1);
  await membershipVisibility(repos, rows.map((r) => r.id), 0);
}

/** Files restored: back in the albums that hold them or whose scope they are in. */
export async function filesShown(repos: Repositories, rows: readonly FileRow[]): Promise<void> {
  await folderCountsChanged(repos, rows, 1);
  await membershipVisibility(repos, rows.map((r) => r.id), 1);
}

/** Files deleted for good (rows as they were): they leave every album. */
export async function filesDeleted(repos: Repositories, rows: readonly FileRow[]): Promise<void> {
  await folderCountsChanged(repos, rows.filter((r) => r.recycled === 0), -1);
  await membershipsEnded(repos, rows.map((r) => r.id));
}

/**
 * Files moved into another space (rows as they were, then as they are): they leave the albums of
 * the old space, manual ones included, and count in the collection albums of the new one.
 */
export async function filesChangedSpace(repos: Repositories, before: readonly FileRow[], after: readonly FileRow[]): Promise<void> {
  await folderCountsChanged(repos, before.filter((r) => r.recycled === 0), -1);
  await membershipsEnded(repos, before.map((r) => r.id));
  await folderCountsChanged(repos, after.filter((r) => r.recycled === 0), 1);
}

async function membershipsEnded(repos: Repositories, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  const visible = await repos.albumItems.countsByAlbum(ids, 1);
  const all = await repos.albumItems.countsByAlbum(ids);
  const covered = await repos.albums.coveredBy(ids);
  await repos.albumItems.deleteForFiles(ids);
  for (const [albumId, n] of all) await repos.albums.addCounts(albumId, -(visible.get(albumId) ?? 0), -n);
  await refreshCovers(repos, covered);
}

/** Visible files moved from their folders into one other folder. */
export async function fileMovedMany(repos: Repositories, before: readonly FileRow[], toParent: string): Promise<void> {
  const moved = before.filter((r) => r.recycled === 0 && r.parent_id !== toParent);
  await folderCountsChanged(repos, moved, -1);
  await folderCountsChanged(
    repos,
    moved.map((r) => ({ ...r, parent_id: toParent })),
    1,
  );
}

/** A visible file moved from one folder to another. */
export const fileMoved = (repos: Repositories, before: FileRow, toParent: string): Promise<void> => fileMovedMany(repos, [before], toParent);
