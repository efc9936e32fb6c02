import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';

const SHA256 = /^[0-9a-f]{64}$/;
const SIZE = /^[sml]$/;

/**
 * Thumbnails by content: `<data dir>/thumbs/ab/<sha256>-<size>.jpg`. They are derived, so they are
 * written atomically (temporary name, rename) but not fsynced: a lost one is made again.
 */
export function createThumbStore(dataDir: string) {
  const root = path.join(dataDir, 'thumbs');
  const file = (sha256: string, size: string): string => {
    if (!SHA256.test(sha256) || !SIZE.test(size)) throw new Error('not a thumbnail key');
    return path.join(root, sha256.slice(0, 2), `${sha256}-${size}.jpg`);
  };
  return {
    path: file,
    has(sha256: string, size: string): boolean {
      return fs.existsSync(file(sha256, size));
    },
    async write(sha256: string, size: string, bytes: Buffer): Promise<void> {
      const target = file(sha256, size);
      await fsp.mkdir(path.dirname(target), { recursive: true });
      const temp = `${target}.${randomUUID()}.tmp`;
      await fsp.writeFile(temp, bytes);
      await fsp.rename(temp, target);
    },
    read(sha256: string, size: string): fs.ReadStream {
      return fs.createReadStream(file(sha256, size));
    },
    async remove(sha256: string): Promise<void> {
      for (const size of ['s', 'm', 'l']) await fsp.rm(file(sha256, size), { force: true });
    },
  };
}

export type ThumbStore = ReturnType<typeof createThumbStore>;
