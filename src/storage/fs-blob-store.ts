import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { BlobTooLargeError, type BlobPin, type BlobStore, type ByteRange, type TempBlob } from './blob-store.js';

const SHA256 = /^[0-9a-f]{64}$/;
const UPLOAD_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** A sha256 is the only key: anything else could name a path outside the root. */
function checkKey(sha256: string): void {
  if (!SHA256.test(sha256)) throw new Error(`not a blob key: ${JSON.stringify(sha256)}`);
}

async function fsyncPath(p: string): Promise<void> {
  const handle = await fsp.open(p, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Counts and hashes bytes as they pass; fails once more than `max` have passed. */
function hashing(max: number): Transform & { digest: () => { sha256: string; size: number } } {
  const hash = createHash('sha256');
  let size = 0;
  const t = new Transform({
    transform(chunk: Buffer, _enc, done) {
      size += chunk.length;
      if (size > max) {
        done(new BlobTooLargeError(max));
        return;
      }
      hash.update(chunk);
      done(null, chunk);
    },
  }) as Transform & { digest: () => { sha256: string; size: number } };
  t.digest = () => ({ sha256: hash.digest('hex'), size });
  return t;
}

/** A pin is refreshed this often, and lapses when not refreshed for PIN_LAPSE_MS (its holder died). */
const PIN_REFRESH_MS = 10_000;
const PIN_LAPSE_MS = 60_000;

const ignoreMissing = (error: NodeJS.ErrnoException): undefined => {
  if (error.code === 'ENOENT') return undefined;
  throw error;
};

/**
 * Like pipeline(source, hasher, out), except that a failure on our side (too large, disk full) leaves
 * the source alive and drains it: a client still sending then reads our answer instead of a reset
 * connection. The source's own failure (the client went away) still fails the receive.
 */
async function drawFrom(source: Readable, hasher: Transform, out: fs.WriteStream): Promise<void> {
  const forward = (error: Error): void => {
    hasher.destroy(error);
  };
  source.once('error', forward);
  source.pipe(hasher);
  try {
    await pipeline(hasher, out);
  } catch (error) {
    source.unpipe(hasher);
    source.resume();
    throw error;
  } finally {
    source.off('error', forward);
  }
}

/** A directory's names in order; none when it does not exist (yet, or any more). */
function sortedDirSync(dir: string): string[] {
  try {
    return fs.readdirSync(dir).sort();
  } catch (error) {
    return ignoreMissing(error as NodeJS.ErrnoException) ?? [];
  }
}

/** A directory's names in order; none when it does not exist (yet, or any more). */
async function sortedDir(dir: string): Promise<string[]> {
  const names = await fsp.readdir(dir).catch(ignoreMissing);
  return (names ?? []).sort();
}

/** Blobs on local disk: `<data dir>/blobs/ab/cd/<sha256>`, temporary files in `<data dir>/blobs/tmp`. */
export function createFsBlobStore(dataDir: string): BlobStore {
  const root = path.join(dataDir, 'blobs');
  const tmpDir = path.join(root, 'tmp');
  const partsDir = path.join(root, 'parts');
  const pinsDir = path.join(root, 'pins');
  /** Receives under way: a failed one removes its partial file before it settles. */
  const receiving = new Set<Promise<TempBlob>>();
  fs.mkdirSync(tmpDir, { recursive: true });
  const uploadDir = (uploadId: string): string => {
    if (!UPLOAD_ID.test(uploadId)) throw new Error(`not an upload ID: ${JSON.stringify(uploadId)}`);
    return path.join(partsDir, uploadId);
  };
  const finalPath = (sha256: string): string => {
    checkKey(sha256);
    return path.join(root, sha256.slice(0, 2), sha256.slice(2, 4), sha256);
  };

  async function receiveInto(target: string, sources: Readable[], maxBytes: number): Promise<TempBlob> {
    const hasher = hashing(maxBytes);
    const out = fs.createWriteStream(target, { flags: 'wx', mode: 0o600 });
    try {
      if (sources.length === 1) await drawFrom(sources[0]!, hasher, out);
      else {
        hasher.pipe(out);
        const done = new Promise<void>((resolve, reject) => {
          out.on('finish', resolve);
          out.on('error', reject);
          hasher.on('error', reject);
        });
        for (const source of sources) await pipeline(source, hasher, { end: false });
        hasher.end();
        await done;
      }
      await fsyncPath(target);
    } catch (error) {
      await fsp.rm(target, { force: true });
      throw error;
    }
    return { ...hasher.digest(), path: target };
  }

  return {
    async receive(source, maxBytes, holdFor) {
      const dir = holdFor === undefined ? tmpDir : uploadDir(holdFor);
      if (holdFor !== undefined) await fsp.mkdir(dir, { recursive: true });
      const received = receiveInto(path.join(dir, randomUUID()), [source], maxBytes);
      receiving.add(received);
      received.then(
        () => receiving.delete(received),
        () => receiving.delete(received),
      );
      return received;
    },

    async settled() {
      await Promise.allSettled([...receiving]);
    },

    async discardUpload(uploadId) {
      await fsp.rm(uploadDir(uploadId), { recursive: true, force: true });
    },

    concat(parts) {
      return receiveInto(
        path.join(tmpDir, randomUUID()),
        parts.map((p) => fs.createReadStream(p.path)),
        Number.MAX_SAFE_INTEGER,
      );
    },

    async commit(temp) {
      const target = finalPath(temp.sha256);
      const part = path.dirname(path.dirname(temp.path)) === partsDir;
      if (fs.existsSync(target)) {
        // The same content is already stored once: keep that copy, marked as just written, so the
        // sweep's grace period protects it as it would a new copy until the commit references it.
        if (!part) await fsp.rm(temp.path, { force: true });
        const now = new Date();
        await fsp.utimes(target, now, now).catch(() => undefined);
        return false;
      }
      const dir = path.dirname(target);
      await fsp.mkdir(dir, { recursive: true });
      if (part) await fsp.link(temp.path, target).catch(() => fsp.copyFile(temp.path, target));
      else await fsp.rename(temp.path, target);
      await fsyncPath(dir);
      return true;
    },

    async discard(temp) {
      const dir = path.dirname(temp.path);
      if (dir === tmpDir || path.dirname(dir) === partsDir) await fsp.rm(temp.path, { force: true });
    },

    async exists(sha256) {
      try {
        await fsp.access(finalPath(sha256));
        return true;
      } catch {
        return false;
      }
    },

    read(sha256, range?: ByteRange) {
      return fs.createReadStream(finalPath(sha256), range ? { start: range.start, end: range.end } : {});
    },

    localPath: finalPath,

    async remove(sha256) {
      await fsp.rm(finalPath(sha256), { force: true });
    },

    async stat(sha256) {
      const st = await fsp.stat(finalPath(sha256)).catch(ignoreMissing);
      return st ? { size: st.size, mtimeMs: st.mtimeMs } : undefined;
    },

    async *list() {
      // Sorted at each level: the hex names then come out in the order of their full sha256.
      // Synchronous reads, a leaf directory at a time with a turn of the event loop every few ms:
      // a thread-pool round trip per stat made listing 100,000 blobs take 14.5 s instead of 2.5.
      let slice = performance.now();
      for (const a of sortedDirSync(root)) {
        if (!/^[0-9a-f]{2}$/.test(a)) continue;
        for (const b of sortedDirSync(path.join(root, a))) {
          const dir = path.join(root, a, b);
          const found: { sha256: string; size: number; mtimeMs: number }[] = [];
          for (const name of sortedDirSync(dir)) {
            if (!SHA256.test(name)) continue;
            // Removed since the directory was read (a sweep): not stored any more.
            const st = fs.statSync(path.join(dir, name), { throwIfNoEntry: false });
            if (st) found.push({ sha256: name, size: st.size, mtimeMs: st.mtimeMs });
          }
          yield* found;
          if (performance.now() - slice > 5) {
            await new Promise((resolve) => setImmediate(resolve));
            slice = performance.now();
          }
        }
      }
    },

    async *listUploads() {
      for (const uploadId of await sortedDir(partsDir)) {
        const dir = path.join(partsDir, uploadId);
        const st = await fsp.stat(dir).catch(ignoreMissing);
        if (!st?.isDirectory()) continue;
        yield { uploadId, mtimeMs: st.mtimeMs, parts: (await sortedDir(dir)).map((name) => path.join(dir, name)) };
      }
    },

    async pin(holder) {
      await fsp.mkdir(pinsDir, { recursive: true });
      const file = path.join(pinsDir, `${holder.replace(/[^\w.-]/g, '_')}-${randomUUID()}`);
      await fsp.writeFile(file, `${process.pid}\n`);
      const refresh = setInterval(() => {
        const t = new Date();
        fsp.utimes(file, t, t).catch(() => undefined);
      }, PIN_REFRESH_MS);
      refresh.unref();
      const pin: BlobPin = {
        async release() {
          clearInterval(refresh);
          await fsp.rm(file, { force: true });
        },
      };
      return pin;
    },

    async pinned() {
      const limit = Date.now() - PIN_LAPSE_MS;
      for (const name of await sortedDir(pinsDir)) {
        const st = await fsp.stat(path.join(pinsDir, name)).catch(ignoreMissing);
        if (st && st.mtimeMs >= limit) return true;
      }
      return false;
    },

    async cleanTemp(before) {
      let removed = 0;
      const limit = before;
      for (const name of await fsp.readdir(tmpDir)) {
        const p = path.join(tmpDir, name);
        const stat = await fsp.stat(p).catch(() => undefined);
        if (stat && stat.mtimeMs < limit) {
          await fsp.rm(p, { force: true, recursive: true });
          removed += 1;
        }
      }
      return removed;
    },
  };
}
