import type { FileRow, Repositories } from '../../db/repositories/index.js';
import type { DomainDeps } from '../context.js';
import { FileType } from '../../media/types.js';
import { freeNameIn } from '../drive/free-name.js';
import type { Space } from '../drive/spaces.js';
import { moveAcross } from './space-move.js';
import { fileMoved, filesHidden, filesShown } from '../albums/album-effects.js';
import { deleteRows, nameTakenBy } from './leaf-steps.js';

/**
 * What one item of a job does, applied to the rows as the earlier items of the same job left them:
 * each step reads its item afresh and returns the IDs it acted on, so an item an earlier one already
 * took along (a file inside a folder named before it) is done, never released or moved twice.
 */
export type ItemStep = (repos: Repositories, row: FileRow) => Promise<Iterable<string>>;

/**
 * A step for the job's plain files (not folders) that no earlier item took along, all at once, in
 * the order they were named: they hold nothing, so no other item's outcome depends on theirs except
 * through names, which the step resolves in order (on PostgreSQL a step per file would cost a
 * round trip per statement).
 */
export type LeafStep = (repos: Repositories, rows: FileRow[]) => Promise<Iterable<string>>;

/** Each item's ancestors (nearest first), read once for a job's checks and its order. */
export function ancestryOf(repos: Repositories, ids: readonly string[]): Promise<Map<string, string[]>> {
  return repos.fileBatches.ancestorsOf(ids);
}

/** Whether an item lies inside another item of the same job (it goes where that one goes). */
export const insideAnother = (ancestry: ReadonlyMap<string, readonly string[]>, id: string): boolean =>
  (ancestry.get(id) ?? []).some((a) => ancestry.has(a));

export const isFolderRow = (row: FileRow): boolean => row.file_type === FileType.Folder;

/** What an item takes along: a folder's subtree, a file itself. */
export const subtreeOf = (repos: Repositories, row: FileRow): Promise<FileRow[]> => (isFolderRow(row) ? repos.files.subtree(row.id) : Promise.resolve([row]));

/**
 * Runs a step per item: ancestors before what they hold (so the outcome does not depend on the order
 * the items were named in), each against fresh rows, skipping what an earlier item covered. With a
 * leaf step, folders go first, one by one, then the plain files left, together.
 */
export async function applyItems(
  repos: Repositories,
  ancestry: ReadonlyMap<string, readonly string[]>,
  step: ItemStep,
  leaves?: { step: LeafStep; rows: Iterable<FileRow> },
): Promise<number> {
  const ordered = [...ancestry.keys()].sort((a, b) => ancestry.get(a)!.length - ancestry.get(b)!.length);
  // Which items are plain files: from the rows the job read for its checks (a file never becomes a folder).
  const plain = new Set([...(leaves?.rows ?? [])].filter((r) => !isFolderRow(r)).map((r) => r.id));
  const covered = new Set<string>();
  const later: string[] = [];
  let applied = 0;
  for (const id of ordered) {
    if (covered.has(id)) continue;
    if (plain.has(id)) {
      later.push(id);
      continue;
    }
    const row = await repos.files.findById(id);
    if (!row) continue;
    for (const done of await step(repos, row)) covered.add(done);
    applied += 1;
  }
  const left = later.filter((id) => !covered.has(id));
  if (leaves && left.length > 0) {
    const fresh = new Map((await repos.files.findMany(left)).map((r) => [r.id, r]));
    const rows = left.flatMap((id) => fresh.get(id) ?? []);
    await leaves.step(repos, rows);
    applied += rows.length;
  }
  return applied;
}

/**
 * The part of a subtree that belongs with its root: what was recycled on its own before (and what
 * is below it) stays in the recycle bin as its own item.
 */
export function ownSubtree(root: FileRow, all: readonly FileRow[]): FileRow[] {
  const children = new Map<string, FileRow[]>();
  for (const r of all) {
    if (r.parent_id === null) continue;
    const list = children.get(r.parent_id);
    if (list) list.push(r);
    else children.set(r.parent_id, [r]);
  }
  const group = root.recycled !== 0 ? root.recycled_with : null;
  const out: FileRow[] = [];
  const stack = [root];
  while (stack.length > 0) {
    const row = stack.pop()!;
    out.push(row);
    for (const child of children.get(row.id) ?? []) {
      if (child.recycled === 0 || child.recycled_with === group) stack.push(child);
    }
  }
  return out;
}

/**
 * Deletes an item for good with what belongs with it. Blob references, used bytes and albums change
 * by the rows the DELETE actually removed. Bin items of their own inside it move to the space's root
 * folder, still in the bin, so they stay restorable and no row is left without its parent.
 */
export async function deleteForever(repos: Repositories, space: Space, root: FileRow, now: number): Promise<string[]> {
  const all = await repos.files.subtree(root.id);
  const own = ownSubtree(root, all);
  const going = new Set(own.map((r) => r.id));
  for (const r of all) {
    if (!going.has(r.id) && r.parent_id !== null && going.has(r.parent_id)) await repos.files.place(r.id, space.rootFolderId, r.name, r.edited_time);
  }
  return deleteRows(repos, [...going], now);
}

/** Into the recycle bin with everything visible below it. */
export async function recycle(repos: Repositories, row: FileRow, t: number): Promise<string[]> {
  const visible = (await repos.files.subtree(row.id)).filter((r) => r.recycled === 0);
  const changed = new Set(await repos.files.recycle(visible.map((r) => r.id), row.id, t));
  await repos.files.touch(row.id, t);
  await repos.albumItems.setEdited(row.id, t);
  await filesHidden(repos, visible.filter((r) => changed.has(r.id)));
  return [...changed];
}

/** Back from the bin, with what went with it, into its folder (or the root when that is gone). */
export async function restore(repos: Repositories, space: Space, row: FileRow, t: number): Promise<string[]> {
  if (row.recycled_with !== row.id) return [];
  const parent = row.parent_id === null ? undefined : await repos.files.findById(row.parent_id);
  const home = parent && parent.recycled === 0 && parent.container_id === space.containerId ? parent.id : space.rootFolderId;
  // Named first: back among the visible, it must not collide with what took its name since.
  await repos.files.place(row.id, home, await freeNameIn(repos, home, row.name), t);
  const shown = await repos.files.restoreWith(row.id);
  await repos.albumItems.setEdited(row.id, t);
  await filesShown(repos, shown);
  return shown.map((r) => r.id);
}


/** Into another folder of the same space; what it holds goes along. */
export async function moveWithin(repos: Repositories, row: FileRow, target: FileRow, t: number): Promise<string[]> {
  const along = (await repos.files.subtree(row.id)).map((r) => r.id);
  if (row.parent_id === target.id) return along;
  if ((await freeNameIn(repos, target.id, row.name)) !== row.name) throw nameTakenBy(row);
  await fileMoved(repos, row, target.id);
  await repos.files.place(row.id, target.id, row.name, t);
  await repos.albumItems.setEdited(row.id, t);
  return along;
}

/** Into a folder of another space; what it holds goes along, recycled parts included. */
export async function moveToSpace(deps: Pick<DomainDeps, 'drive'>, repos: Repositories, dest: Space, row: FileRow, target: FileRow, t: number): Promise<string[]> {
  if ((await freeNameIn(repos, target.id, row.name)) !== row.name) throw nameTakenBy(row);
  const subtree = await repos.files.subtree(row.id);
  await moveAcross(deps, repos, dest, row, subtree, target, t);
  await repos.albumItems.setEdited(row.id, t);
  return subtree.map((r) => r.id);
}
