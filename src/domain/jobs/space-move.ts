import type { FileRow, Repositories } from '../../db/repositories/index.js';
import type { DomainDeps } from '../context.js';
import { filesChangedSpace } from '../albums/album-effects.js';
import { AppError, ErrorCode, spaceUnavailable } from '../errors.js';
import { personalSpace, type Space } from '../drive/spaces.js';

/**
 * Moves between a user's personal space and a family space (decisions.md §7): the job's
 * `dstContainerId` names the other space, which must be the caller's personal space or the family
 * of `x-hw-share-folder-id`. Files leave a family only by their uploader or the family owner.
 */

/**
 * The space a move names by `containerId`, among those it may use: `given` itself (also when none
 * is named), the caller's personal space, or the header's family; anything else → 13000301.
 */
export async function spaceAmong(repos: Repositories, userId: string, given: Space, containerId: string | undefined, family: Space | undefined): Promise<Space> {
  if (containerId === undefined || containerId === '' || containerId === given.containerId) return given;
  const personal = await personalSpace(repos, userId);
  if (containerId === personal.containerId) return personal;
  if (family && containerId === family.containerId) return family;
  throw spaceUnavailable();
}

/**
 * One item and everything below it, recycled parts included, into another space's folder: rows,
 * usage, and albums (it leaves the old space's albums and counts in the new space's collections).
 */
export async function moveAcross(
  deps: Pick<DomainDeps, 'drive'>,
  repos: Repositories,
  to: Space,
  root: FileRow,
  subtree: readonly FileRow[],
  target: FileRow,
  t: number,
): Promise<void> {
  const bytes = subtree.reduce((n, r) => n + (r.sha256 === null ? 0 : Number(r.size)), 0);
  if (deps.drive.quotaBytes > 0 && bytes > 0) {
    const container = await repos.containers.findById(to.containerId);
    if (Number(container?.used_bytes ?? 0) + bytes > deps.drive.quotaBytes) throw new AppError(ErrorCode.QuotaExceeded);
  }
  await repos.files.setContainer(subtree.map((r) => r.id), to.containerId);
  await repos.files.place(root.id, target.id, root.name, t);
  await spaceChanged(repos, subtree, to, { id: root.id, parentId: target.id });
}

/**
 * Rows (as they were) now in another space: they leave the old space's albums, count in the new
 * one's collections, and their bytes move from each row's own space to the new one.
 */
export async function spaceChanged(repos: Repositories, before: readonly FileRow[], to: Space, moved?: { id: string; parentId: string }): Promise<void> {
  const after = before.map((r) => ({ ...r, container_id: to.containerId, ...(r.id === moved?.id ? { parent_id: moved.parentId } : {}) }));
  await filesChangedSpace(repos, before, after);
  const bytes = new Map<string, number>();
  for (const r of before) {
    if (r.sha256 === null || r.container_id === to.containerId) continue;
    bytes.set(r.container_id, (bytes.get(r.container_id) ?? 0) + Number(r.size));
  }
  let total = 0;
  for (const [containerId, n] of bytes) {
    await repos.containers.addUsage(containerId, -n);
    total += n;
  }
  if (total > 0) await repos.containers.addUsage(to.containerId, total);
}
