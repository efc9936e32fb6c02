import fs from 'node:fs';
import path from 'node:path';
import picomatch from 'picomatch';
import { ignoredByDefault, isMediaName, type IgnoreReason } from './media.js';

/**
 * The folder walk: every folder below the import's directory (symbolic links followed, a link back
 * to a folder the walk is already inside reported as a loop and not entered), every photo and video
 * by extension, the other files for the summary, and what is left out and why. Paths are relative
 * to the import's directory, with `/` separators, in a fixed order (names sorted by code unit).
 */

export interface LocalFile {
  /** Relative path, `/`-separated. */
  rel: string;
  abs: string;
  /** The relative path of its folder ('' for the import's directory). */
  dirRel: string;
  name: string;
  size: number;
  mtimeMs: number;
}

export interface LocalFolder {
  /** '' for the import's directory itself. */
  rel: string;
  abs: string;
  name: string;
  parentRel: string | undefined;
  /** Photos and videos directly in it. */
  media: LocalFile[];
  /** Relative paths of its direct subfolders (those walked). */
  subfolders: string[];
}

export interface Problem {
  rel: string;
  message: string;
  /** A failure counts against the exit status; a warning does not (a loop, a broken link). */
  severity: 'failure' | 'warning';
}

export interface WalkResult {
  /** Parents before their children; the import's directory first. */
  folders: LocalFolder[];
  media: LocalFile[];
  notMedia: { rel: string; size: number }[];
  ignored: { rel: string; reason: IgnoreReason }[];
  problems: Problem[];
}

export interface WalkOptions {
  /** --exclude globs (picomatch), matched against the relative path and, without a `/`, the name. */
  exclude?: readonly string[];
  /** Absolute paths never taken (the state file, should it live inside the library). */
  skipPaths?: ReadonlySet<string>;
}

const join = (dir: string, name: string): string => (dir === '' ? name : `${dir}/${name}`);

function describe(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'ENOENT') return 'vanished while the folder was read';
  if (code === 'ELOOP') return 'symbolic link loop (too many levels of links); not followed';
  if (code === 'EIO') return 'input/output error';
  return (error as Error).message;
}

export async function walk(root: string, options: WalkOptions = {}): Promise<WalkResult> {
  const excluded = options.exclude && options.exclude.length > 0 ? picomatch([...options.exclude], { dot: true, basename: true }) : undefined;
  const result: WalkResult = { folders: [], media: [], notMedia: [], ignored: [], problems: [] };
  const rootStat = await fs.promises.stat(root);
  const top: LocalFolder = { rel: '', abs: root, name: path.basename(root), parentRel: undefined, media: [], subfolders: [] };

  // Depth first, parents before children; `inside` holds the (device, inode) of the folders the
  // walk is inside of, so a link back to one of them is a loop (a link elsewhere is walked).
  const visit = async (folder: LocalFolder, inside: ReadonlyMap<string, string>): Promise<void> => {
    result.folders.push(folder);
    let entries: fs.Dirent[];
    try {
      entries = await fs.promises.readdir(folder.abs, { withFileTypes: true });
    } catch (error) {
      result.problems.push({ rel: folder.rel || '.', message: `cannot read the folder: ${describe(error)}`, severity: 'failure' });
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const children: LocalFolder[] = [];
    for (const entry of entries) {
      const rel = join(folder.rel, entry.name);
      const abs = path.join(folder.abs, entry.name);
      if (options.skipPaths?.has(abs)) continue;
      let stat: fs.Stats;
      try {
        stat = await fs.promises.stat(abs);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOENT' && entry.isSymbolicLink()) {
          result.problems.push({ rel, message: `broken symbolic link (to ${await fs.promises.readlink(abs).catch(() => '?')}); skipped`, severity: 'warning' });
        } else if (code === 'ELOOP') {
          result.problems.push({ rel, message: describe(error), severity: 'warning' });
        } else if (code === 'ENOENT') {
          // Deleted between the listing and now: nothing to import.
          result.problems.push({ rel, message: 'vanished while the folder was read; skipped', severity: 'warning' });
        } else {
          result.problems.push({ rel, message: `cannot read: ${describe(error)}`, severity: 'failure' });
        }
        continue;
      }
      const isDir = stat.isDirectory();
      const byDefault = ignoredByDefault(entry.name, isDir);
      if (byDefault) {
        result.ignored.push({ rel, reason: byDefault });
        continue;
      }
      if (excluded && (excluded(rel) || (isDir && excluded(`${rel}/`)))) {
        result.ignored.push({ rel, reason: 'excluded' });
        continue;
      }
      if (isDir) {
        const key = `${stat.dev}:${stat.ino}`;
        const loop = inside.get(key);
        if (loop !== undefined) {
          result.problems.push({ rel, message: `symbolic link loop: leads back to ${loop || 'the imported folder'}; not followed`, severity: 'warning' });
          continue;
        }
        children.push({ rel, abs, name: entry.name, parentRel: folder.rel, media: [], subfolders: [] });
      } else if (stat.isFile()) {
        if (isMediaName(entry.name)) {
          const file: LocalFile = { rel, abs, dirRel: folder.rel, name: entry.name, size: stat.size, mtimeMs: Math.trunc(stat.mtimeMs) };
          folder.media.push(file);
          result.media.push(file);
        } else {
          result.notMedia.push({ rel, size: stat.size });
        }
      } else {
        result.ignored.push({ rel, reason: 'special' });
      }
    }
    for (const child of children) {
      const stat = await fs.promises.stat(child.abs).catch(() => undefined);
      if (!stat) {
        result.problems.push({ rel: child.rel, message: 'vanished while the folder was read; skipped', severity: 'warning' });
        continue;
      }
      folder.subfolders.push(child.rel);
      await visit(child, new Map([...inside, [`${stat.dev}:${stat.ino}`, child.rel]]));
    }
  };

  await visit(top, new Map([[`${rootStat.dev}:${rootStat.ino}`, '']]));
  return result;
}
