import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { processAlive, takeLockFile } from '../lock-file.js';
import os from 'node:os';
import path from 'node:path';

/**
 * What an import remembers between runs, so a rerun sends nothing that is unchanged and a stopped
 * one carries on: per relative path the size, mtime, sha256 and the file albumd made of it; the
 * folders and albums made; and the uploads under way (to give them up if the run dies).
 *
 * It is a journal of JSON lines, appended as things happen (a small write per change, nothing
 * rewritten: a library of 100,000 photos does not rewrite megabytes per file) and compacted into
 * one snapshot when a run opens and closes it. A run killed between two lines loses at most the
 * line being written; whatever a lost line knew, the server still knows (a file in its folder with
 * the same name and sha256 is recognised), so losing the state costs reading, never duplicates.
 *
 * Where: `$XDG_STATE_HOME/albumd/imports/<key>.jsonl` (`~/.local/state/...` by default), the key a
 * hash of the server, user, space, parent folder and the directory's real path; `--state FILE`
 * chooses another file. Not inside the library: it may be read-only (a NAS share, a camera card),
 * and one directory imported into two servers or spaces needs two states.
 */

export interface FileRecord {
  size: number;
  mtimeMs: number;
  sha256: string;
  fileId: string;
  /** The name albumd gave it. */
  fileName: string;
  ownerId: string;
  /** albumd's type ("15" image, "20" video, …): only photos and videos go into manual albums. */
  fileType: string;
  /** A former version of this path, still to be put in the recycle bin (see run.ts, replace). */
  replaces?: string | undefined;
  /**
   * Found on the server rather than uploaded by this import (same bytes and name already there):
   * someone else's file, perhaps curated into albums, which the import never replaces.
   */
  adopted?: boolean | undefined;
}

export interface PendingUpload {
  rel: string;
  fileId: string;
  uploadId: string;
}

export interface StateHeader {
  server: string;
  userId: string;
  containerId: string;
  parent: string;
  dir: string;
}

type Line =
  | ({ t: 'header'; version: 1 } & StateHeader)
  | ({ t: 'file'; p: string } & FileRecord)
  | { t: 'folder'; p: string; id: string }
  | { t: 'album'; k: string; id: string }
  | ({ t: 'pending' } & PendingUpload)
  | { t: 'settled'; uploadId: string };

export function defaultStateFile(header: StateHeader, env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_STATE_HOME && path.isAbsolute(env.XDG_STATE_HOME) ? env.XDG_STATE_HOME : path.join(os.homedir(), '.local', 'state');
  const key = createHash('sha256').update(JSON.stringify([header.server, header.userId, header.containerId, header.parent, header.dir])).digest('hex').slice(0, 24);
  return path.join(base, 'albumd', 'imports', `${key}.jsonl`);
}

export class StateLocked extends Error {}

export class ImportState {
  readonly files = new Map<string, FileRecord>();
  readonly folders = new Map<string, string>();
  readonly albums = new Map<string, string>();
  readonly pending = new Map<string, PendingUpload>();
  private fd: number | undefined;
  private releaseLock: (() => void) | undefined;

  private constructor(
    readonly file: string,
    readonly header: StateHeader,
    /** A dry run reads the state and writes nothing. */
    readonly readOnly: boolean,
  ) {}

  static async open(file: string, header: StateHeader, readOnly = false): Promise<ImportState> {
    const state = new ImportState(file, header, readOnly);
    if (!readOnly) {
      await fs.promises.mkdir(path.dirname(file), { recursive: true });
      state.lock();
    }
    let text = '';
    try {
      text = await fs.promises.readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
        state.unlock();
        throw error;
      }
    }
    state.load(text);
    if (!readOnly) {
      state.compact();
      state.fd = fs.openSync(file, 'a');
    }
    return state;
  }

  /** One import into one place at a time: a second one would race the first for every file. */
  private lock(): void {
    const lockFile = `${this.file}.lock`;
    // A lock naming this very process is one an earlier run in it left behind.
    const taken = takeLockFile(lockFile, (pid) => pid === process.pid || !processAlive(pid));
    if ('holder' in taken) {
      throw new StateLocked(taken.holder > 0 ? `another import into the same place is running (process ${taken.holder}; lock ${lockFile})` : `cannot take the lock ${lockFile}`);
    }
    this.releaseLock = taken.release;
  }

  private unlock(): void {
    this.releaseLock?.();
    this.releaseLock = undefined;
  }

  private load(text: string): void {
    let matches = true;
    for (const raw of text.split('\n')) {
      if (raw.trim() === '') continue;
      let line: Line;
      try {
        line = JSON.parse(raw) as Line;
      } catch {
        // The line a killed run was writing: what it said the server still knows.
        continue;
      }
      if (line.t === 'header') {
        const h = this.header;
        matches = line.server === h.server && line.userId === h.userId && line.containerId === h.containerId && line.parent === h.parent && line.dir === h.dir;
        continue;
      }
      if (!matches) continue;
      this.apply(line);
    }
  }

  private apply(line: Line): void {
    switch (line.t) {
      case 'file': {
        const { t: _t, p, ...record } = line;
        this.files.set(p, record);
        break;
      }
      case 'folder':
        this.folders.set(line.p, line.id);
        break;
      case 'album':
        this.albums.set(line.k, line.id);
        break;
      case 'pending':
        this.pending.set(line.uploadId, { rel: line.rel, fileId: line.fileId, uploadId: line.uploadId });
        break;
      case 'settled':
        this.pending.delete(line.uploadId);
        break;
      default:
        break;
    }
  }

  private snapshot(): string {
    const lines: Line[] = [{ t: 'header', version: 1, ...this.header }];
    for (const [p, id] of this.folders) lines.push({ t: 'folder', p, id });
    for (const [p, record] of this.files) lines.push({ t: 'file', p, ...record });
    for (const [k, id] of this.albums) lines.push({ t: 'album', k, id });
    for (const pending of this.pending.values()) lines.push({ t: 'pending', ...pending });
    return lines.map((l) => JSON.stringify(l)).join('\n') + '\n';
  }

  /** The whole state as one new file, replacing the journal in one rename. */
  private compact(): void {
    const tmp = `${this.file}.${process.pid}.tmp`;
    const fd = fs.openSync(tmp, 'w');
    try {
      fs.writeSync(fd, this.snapshot());
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, this.file);
  }

  private append(line: Line): void {
    this.apply(line);
    if (this.fd !== undefined) fs.writeSync(this.fd, `${JSON.stringify(line)}\n`);
  }

  setFile(rel: string, record: FileRecord): void {
    this.append({ t: 'file', p: rel, ...record });
  }

  setFolder(rel: string, id: string): void {
    if (this.folders.get(rel) !== id) this.append({ t: 'folder', p: rel, id });
  }

  setAlbum(key: string, id: string): void {
    if (this.albums.get(key) !== id) this.append({ t: 'album', k: key, id });
  }

  /** Written before the first byte is sent, so a run that dies can have the upload given up by the next. */
  addPending(pending: PendingUpload): void {
    this.append({ t: 'pending', ...pending });
  }

  settled(uploadId: string): void {
    if (this.pending.has(uploadId)) this.append({ t: 'settled', uploadId });
  }

  /** Compacts and lets go (the state stays for the next run). */
  close(): void {
    if (this.fd !== undefined) {
      fs.fsyncSync(this.fd);
      fs.closeSync(this.fd);
      this.fd = undefined;
      this.compact();
    }
    this.unlock();
  }
}
