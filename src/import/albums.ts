import { ApiError, type ImportClient } from './client.js';
import { albumName } from './names.js';
import type { Reporter } from './progress.js';
import type { ImportState } from './state.js';
import type { Summary } from './summary.js';
import type { LocalFolder } from './walk.js';
import type { Album, CreateAlbum } from '../../web/src/lib/types.js';

/**
 * `--albums collection|manual`: albums that follow the imported tree, found again on a rerun (by the
 * ID the state remembers, else by name — and for a collection album its scope's parent folder), so
 * a rerun never makes a second one.
 *
 * Collection albums show, live, the photos and videos directly inside their scope folders, and the
 * scope folders must all be direct children of one parent folder (scopeParentFolderId). So:
 *  - a folder whose direct subfolders hold photos or videos gets one collection album, named after
 *    it, over those subfolders (at most 30 per album: more are split into "Name 1/2", "Name 2/2"…,
 *    and the run says so); every folder's own files thus show in the album of its parent folder;
 *  - the imported folder itself has no parent in the import: when it holds photos or videos
 *    directly, they get an album of their own over the imported folder (its scope parent is the
 *    space root, or --parent), named after it — "Name (own files)" when the album over its
 *    subfolders has that name already.
 * Manual albums: one per folder that holds photos or videos directly, named after it, filled with
 * them (100 per call; adding a file already there is a no-op, so a rerun adds only what is new).
 * Names are cut to albumd's 20 characters; two albums of the run with the same name get " (2)"….
 */

export type AlbumMode = 'none' | 'collection' | 'manual';

export interface SpaceRef {
  containerId: string;
  /** The parent folder of the imported folder (an ID, or 'root'). */
  parent: string;
  family?: { shareFolderId: string; groupId: string } | undefined;
}

export interface FolderResult {
  folder: LocalFolder;
  /** The folder's ID on the server (undefined in a dry run when it does not exist yet). */
  id: string | undefined;
  /** Its name on the server. */
  name: string;
  /** Photos and videos of the folder now in albumd (for manual albums). */
  files: { fileId: string; ownerId: string }[];
}

interface Plan {
  key: string;
  type: 1 | 2;
  name: string;
  scopeParent?: string | undefined;
  scopeDirs?: (string | undefined)[] | undefined;
  files?: { fileId: string; ownerId: string }[] | undefined;
  /** What it is about, for messages. */
  folder: string;
}

export const MAX_SCOPE = 30;

function plan(mode: AlbumMode, folders: FolderResult[], space: SpaceRef, reporter: Reporter): Plan[] {
  const byRel = new Map(folders.map((f) => [f.folder.rel, f]));
  const plans: Plan[] = [];
  for (const f of folders) {
    if (mode === 'manual') {
      if (f.folder.media.length > 0) plans.push({ key: `manual:${f.folder.rel}`, type: 2, name: albumName(f.name), files: f.files, folder: f.folder.rel || '.' });
      continue;
    }
    const kids = f.folder.subfolders.map((rel) => byRel.get(rel)).filter((k): k is FolderResult => k !== undefined && k.folder.media.length > 0);
    if (f.folder.rel === '' && f.folder.media.length > 0) {
      const name = kids.length > 0 ? albumName(f.name, ' (own files)') : albumName(f.name);
      plans.push({ key: 'collection:own:', type: 1, name, scopeParent: space.parent, scopeDirs: [f.id], folder: '.' });
    }
    if (kids.length === 0) continue;
    const chunks = Math.ceil(kids.length / MAX_SCOPE);
    if (chunks > 1) {
      reporter.event({
        event: 'warning',
        path: f.folder.rel || '.',
        message: `${kids.length} subfolders hold photos or videos; a collection album takes at most ${MAX_SCOPE} folders, so they go into ${chunks} albums (${albumName(f.name, ` 1/${chunks}`)} … ${albumName(f.name, ` ${chunks}/${chunks}`)})`,
      });
    }
    for (let i = 0; i < chunks; i++) {
      plans.push({
        key: `collection:sub:${f.folder.rel}:${i + 1}`,
        type: 1,
        name: albumName(f.name, chunks > 1 ? ` ${i + 1}/${chunks}` : ''),
        scopeParent: f.id,
        scopeDirs: kids.slice(i * MAX_SCOPE, (i + 1) * MAX_SCOPE).map((k) => k.id),
        folder: f.folder.rel || '.',
      });
    }
  }
  // Two albums of this run with one name ("Summer" in 2019 and in 2020): the later gets " (2)".
  const seen = new Map<string, number>();
  for (const p of plans) {
    const n = (seen.get(p.name) ?? 0) + 1;
    seen.set(p.name, n);
    if (n > 1) p.name = albumName(p.name, ` (${n})`);
  }
  return plans;
}

const sameSet = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((x) => b.includes(x));

export async function applyAlbums(
  client: ImportClient,
  state: ImportState,
  mode: AlbumMode,
  folders: FolderResult[],
  space: SpaceRef,
  reporter: Reporter,
  summary: Summary,
  dryRun: boolean,
): Promise<void> {
  if (mode === 'none') return;
  const plans = plan(mode, folders, space, reporter);
  if (plans.length === 0) return;
  const albumKind = space.family ? 2 : 1;
  const type = mode === 'collection' ? 1 : 2;
  const existing = await client.listAlbums(albumKind, type, space.family?.groupId);
  const claimed = new Set<string>();
  const typeWord = mode === 'collection' ? 'collection' : 'manual';

  for (const p of plans) {
    const remembered = state.albums.get(p.key);
    const found: Album | undefined =
      existing.find((a) => a.id === remembered && !claimed.has(a.id)) ??
      existing.find((a) => !claimed.has(a.id) && a.name === p.name && (p.type === 2 || a.scopeParentFolderId === p.scopeParent));
    if (found) claimed.add(found.id);
    try {
      if (p.type === 1) {
        const dirs = p.scopeDirs ?? [];
        if (dryRun && (p.scopeParent === undefined || dirs.some((d) => d === undefined))) {
          reporter.event({ event: 'album', name: p.name, type: typeWord, action: 'would-create', folders: dirs.length });
          summary.albums.created += 1;
          continue;
        }
        const scope = dirs as string[];
        if (found) {
          const changed = !sameSet(found.scopeDir, scope) || found.name !== p.name || found.scopeParentFolderId !== p.scopeParent;
          if (changed && !dryRun) await client.updateAlbum(found.id, { name: p.name, scopeParentFolderId: p.scopeParent!, scopeDirList: scope });
          state.setAlbum(p.key, found.id);
          reporter.event({ event: 'album', name: p.name, type: typeWord, action: changed ? (dryRun ? 'would-update' : 'updated') : 'unchanged', albumId: found.id, folders: scope.length });
          if (changed) summary.albums.updated += 1;
          else summary.albums.unchanged += 1;
          continue;
        }
        if (dryRun) {
          reporter.event({ event: 'album', name: p.name, type: typeWord, action: 'would-create', folders: scope.length });
          summary.albums.created += 1;
          continue;
        }
        const body: CreateAlbum = { type: 1, albumKind, name: p.name, scopeParentFolderId: p.scopeParent!, scopeDir: scope, scopeKind: '1,2', ...familyFields(space) };
        const { albumId } = await client.createAlbum(body);
        state.setAlbum(p.key, albumId);
        reporter.event({ event: 'album', name: p.name, type: typeWord, action: 'created', albumId, folders: scope.length });
        summary.albums.created += 1;
        continue;
      }

      const files = p.files ?? [];
      if (dryRun) {
        reporter.event({ event: 'album', name: p.name, type: typeWord, action: found ? 'would-update' : 'would-create', items: files.length, albumId: found?.id });
        if (found) summary.albums.updated += 1;
        else summary.albums.created += 1;
        continue;
      }
      let albumId = found?.id;
      if (!albumId) {
        albumId = (await client.createAlbum({ type: 2, albumKind, name: p.name, ...familyFields(space) })).albumId;
      }
      state.setAlbum(p.key, albumId);
      // Re-adding a file already there adds nothing: the whole folder is offered, 100 at a time.
      for (let i = 0; i < files.length; i += 100) {
        await client.addToAlbum(albumId, { fileIds: files.slice(i, i + 100) });
      }
      const before = found?.itemCount ?? 0;
      const action = !found ? 'created' : files.length > before ? 'updated' : 'unchanged';
      reporter.event({ event: 'album', name: p.name, type: typeWord, action, albumId, items: files.length });
      summary.albums[action] += 1;
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      const reason = `${typeWord} album "${p.name}": albumd refused: ${error.message} (${error.code})`;
      summary.failed.push({ path: p.folder, reason });
      reporter.event({ event: 'failed', path: p.folder, reason });
    }
  }
}

function familyFields(space: SpaceRef): Partial<CreateAlbum> {
  return space.family ? { groupId: space.family.groupId, shareFolderId: space.family.shareFolderId } : {};
}
