import type { FileRow, Repositories } from '../../db/repositories/index.js';
import { fileMovedMany, filesDeleted, filesHidden, filesShown } from '../albums/album-effects.js';
import { freeName, numberedPrefix } from '../drive/names.js';
import type { Space } from '../drive/spaces.js';
import { AppError, ErrorCode } from '../errors.js';

/**
 * The job steps of job-apply.ts for many plain files at once (see `LeafStep`): the same outcome as
 * the steps one file at a time, in a few statements for the lot. Names are resolved in the order
 * the files were named, each against the names the earlier ones took.
 */

const ids = (rows: readonly FileRow[]): string[] => rows.map((r) => r.id);

export const nameTakenBy = (row: FileRow): AppError => new AppError(ErrorCode.NameTaken, undefined, [{ fileId: row.id, code: ErrorCode.NameTaken }]);

/** Into the recycle bin, each its own item. */
export async function recycleFiles(repos: Repositories, rows: FileRow[], t: number): Promise<string[]> {
  const changed = await repos.fileBatches.recycleEach(ids(rows), t);
  await repos.albumItems.setEditedMany(ids(rows), t);
  await filesHidden(repos, changed);
  return ids(changed);
}

/** Deleted for good. */
export const deleteFiles = (repos: Repositories, rows: FileRow[], now: number): Promise<string[]> => deleteRows(repos, ids(rows), now);

/** Rows deleted for good: references, used bytes and albums change by the rows the DELETE removed. */
export async function deleteRows(repos: Repositories, going: readonly string[], now: number): Promise<string[]> {
  const gone = await repos.files.deleteMany(going);
  await filesDeleted(repos, gone);
  const withContent = gone.filter((r) => r.sha256 !== null);
  await repos.blobs.releaseMany(
    withContent.map((r) => r.sha256!),
    now,
  );
  const bytes = new Map<string, number>();
  for (const r of withContent) bytes.set(r.container_id, (bytes.get(r.container_id) ?? 0) + Number(r.size));
  for (const [containerId, n] of bytes) await repos.containers.addUsage(containerId, -n);
  return ids(gone);
}

/** Into a folder of the same space; a name already there (or taken by an earlier file) fails the job. */
export async function moveFilesWithin(repos: Repositories, rows: FileRow[], target: FileRow, t: number): Promise<string[]> {
  const moving = rows.filter((r) => r.parent_id !== target.id);
  const taken = await repos.fileBatches.visibleNamesAmong(
    target.id,
    moving.map((r) => r.name),
  );
  for (const row of moving) {
    if (taken.has(row.name)) throw nameTakenBy(row);
    taken.add(row.name);
  }
  await fileMovedMany(repos, moving, target.id);
  await repos.fileBatches.moveAll(ids(moving), target.id, t);
  await repos.albumItems.setEditedMany(ids(moving), t);
  return ids(rows);
}

/**
 * Back from the bin into its folder (or the space's root when that is gone or recycled), named
 * afresh only when its name was taken meanwhile.
 */
export async function restoreFiles(repos: Repositories, space: Space, rows: FileRow[], t: number): Promise<string[]> {
  const own = rows.filter((r) => r.recycled_with === r.id);
  const parentIds = [...new Set(own.flatMap((r) => (r.parent_id === null ? [] : [r.parent_id])))];
  const parents = new Map((await repos.files.findMany(parentIds)).map((r) => [r.id, r]));
  const homeOf = (row: FileRow): string => {
    const parent = row.parent_id === null ? undefined : parents.get(row.parent_id);
    return parent && parent.recycled === 0 && parent.container_id === space.containerId ? parent.id : space.rootFolderId;
  };
  const byHome = new Map<string, FileRow[]>();
  for (const row of own) byHome.set(homeOf(row), [...(byHome.get(homeOf(row)) ?? []), row]);
  for (const [home, group] of byHome) {
    const claimed = await repos.fileBatches.visibleNamesAmong(
      home,
      group.map((r) => r.name),
    );
    for (const row of group) {
      let name = row.name;
      if (claimed.has(name)) name = freeName(name, new Set([...(await repos.files.childNamesStartingWith(home, numberedPrefix(name))), ...claimed]));
      claimed.add(name);
      if (name !== row.name || home !== row.parent_id) await repos.files.place(row.id, home, name, t);
    }
  }
  const shown = await repos.fileBatches.restoreEach(ids(own), t);
  await repos.albumItems.setEditedMany(ids(own), t);
  await filesShown(repos, shown);
  return ids(shown);
}
