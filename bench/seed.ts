import { newFileId } from '../src/ids.js';
import type { Store } from '../src/db/database.js';
import type { FileRow } from '../src/db/repositories/index.js';
import { NO_CONTENT } from '../src/domain/drive/file-view.js';

/**
 * Loads a library through the repositories (not HTTP): `files` files over `folders` folders of uneven
 * sizes in the user's root, 80% images and 20% videos, shooting times spread over ten years.
 * Content rows point at one shared blob (the bench measures listings, not storage).
 */
export async function seedLibrary(
  store: Store,
  space: { containerId: string; rootFolderId: string; userId: string },
  opts: { files: number; folders: number; heavyFolders?: number; heavyFiles?: number },
): Promise<{ folderIds: string[]; folderSizes: number[] }> {
  const now = Date.now();
  const folderIds: string[] = [];
  const folderRows: FileRow[] = [];
  for (let f = 0; f < opts.folders; f++) {
    const id = newFileId();
    folderIds.push(id);
    folderRows.push({ ...NO_CONTENT, id, container_id: space.containerId, parent_id: space.rootFolderId, name: `folder ${f}`, file_type: '10', mime_type: 'application/vnd.koodrive.folder', size: 0, owner_id: space.userId, description: null, created_time: now, edited_time: now, recycled: 0 });
  }
  // Uneven sizes; the first `heavyFolders` folders together hold `heavyFiles` (a collection's scope).
  const heavy = opts.heavyFolders ?? 0;
  const heavyFiles = opts.heavyFiles ?? 0;
  const weights = folderIds.map((_, i) => 1 + ((i * 7919) % 97));
  const share = (from: number, to: number, count: number): number[] => {
    const w = weights.slice(from, to);
    const total = w.reduce((a, b) => a + b, 0);
    const sizes = w.map((x) => Math.floor((x / total) * count));
    sizes[0]! += count - sizes.reduce((a, b) => a + b, 0);
    return sizes;
  };
  const sizes = [...(heavy > 0 ? share(0, heavy, heavyFiles) : []), ...share(heavy, folderIds.length, opts.files - heavyFiles)];
  await store.write((repos) => repos.files.insertMany(folderRows));
  const tenYears = 10 * 365 * 24 * 3600_000;
  let n = 0;
  for (let f = 0; f < folderIds.length; f++) {
    let left = sizes[f]!;
    while (left > 0) {
      const batch = Math.min(left, 5000);
      left -= batch;
      const rows: FileRow[] = [];
      for (let i = 0; i < batch; i++, n++) {
        const video = n % 5 === 0;
        const take = now - tenYears + ((n * 2654435761) % tenYears);
        rows.push({
            ...NO_CONTENT,
            id: newFileId(),
            container_id: space.containerId,
            parent_id: folderIds[f]!,
            name: `IMG_${n}.${video ? 'mp4' : 'jpg'}`,
            file_type: video ? '20' : '15',
            mime_type: video ? 'video/mp4' : 'image/jpeg',
            size: 1000 + (n % 5000),
            owner_id: space.userId,
            description: null,
            created_time: now - (n % 1000) * 1000,
            edited_time: now,
            recycled: 0,
            sha256: 'a'.repeat(64),
            take_time: take,
            media_time: take,
            width: 4000,
            height: 3000,
          });
      }
      await store.write((repos) => repos.files.insertMany(rows));
    }
  }
  return { folderIds, folderSizes: sizes };
}
