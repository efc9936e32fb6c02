import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { randomUUID } from 'node:crypto';

/** Where content lives under a store-shaped root: `<root>/ab/cd/<sha256>` (as the blob store keeps it). */
export const blobPathUnder = (root: string, sha256: string): string => path.join(root, sha256.slice(0, 2), sha256.slice(2, 4), sha256);

export type CopyOutcome = 'present' | 'linked' | 'copied';

async function fsyncFile(p: string): Promise<void> {
  const handle = await fsp.open(p, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Puts stored content at `dest` unless a file of its size is there already (content is named by its
 * hash, so an earlier backup's copy is the same bytes): a hard link where the file system allows
 * (same device; the bytes are never written in place), else a copy made durable. Through a temporary
 * name, so an interrupted copy never leaves a partial file under the content's name.
 */
export async function placeContent(source: string, dest: string, size: number, link: boolean): Promise<CopyOutcome> {
  // Regular files only, never through a symbolic link: a planted link could pass for content, or
  // bring a file from elsewhere on the machine into a data directory.
  const there = await fsp.lstat(dest).catch(() => undefined);
  if (there?.isFile() && there.size === size) return 'present';
  if (there && !there.isFile()) throw new Error(`${dest} is not a regular file`);
  const from = await fsp.lstat(source);
  if (!from.isFile()) throw new Error(`${source} is not a regular file`);
  await fsp.mkdir(path.dirname(dest), { recursive: true });
  const temp = `${dest}.${randomUUID()}.partial`;
  try {
    let outcome: CopyOutcome = 'copied';
    if (link) {
      try {
        await fsp.link(source, temp);
        outcome = 'linked';
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code !== 'EXDEV' && code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EMLINK') throw error;
      }
    }
    if (outcome === 'copied') {
      await fsp.copyFile(source, temp, fs.constants.COPYFILE_FICLONE);
      await fsyncFile(temp);
    }
    await fsp.rename(temp, dest);
    return outcome;
  } catch (error) {
    await fsp.rm(temp, { force: true });
    throw error;
  }
}

/** Makes a directory's entries durable (after renames into it). */
export async function fsyncDir(dir: string): Promise<void> {
  const handle = await fsp.open(dir, 'r').catch(() => undefined);
  if (!handle) return;
  try {
    await handle.sync().catch(() => undefined);
  } finally {
    await handle.close();
  }
}

/**
 * Makes placed content's names durable: each directory content was renamed into, the directory
 * above it (which may be new), and the root. Until then a power cut can lose entries whose bytes
 * were synced; a manifest or verdict written after this call does not outlive them.
 */
export async function fsyncPlaced(root: string, leafDirs: Iterable<string>): Promise<void> {
  const dirs = new Set<string>();
  for (const leaf of leafDirs) {
    dirs.add(leaf);
    dirs.add(path.dirname(leaf));
  }
  for (const dir of dirs) await fsyncDir(dir);
  await fsyncDir(root);
  await fsyncDir(path.dirname(root));
}
