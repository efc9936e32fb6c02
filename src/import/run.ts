import fs from 'node:fs';
import path from 'node:path';
import { applyAlbums, type AlbumMode, type FolderResult, type SpaceRef } from './albums.js';
import { ApiError, ImportClient, Interrupted, LoginRefused, SessionEnded, Unreachable, type Credentials } from './client.js';
import { isNameOrCopy, serverName, serverNames } from './names.js';
import type { Reporter } from './progress.js';
import { FolderInTheWay, RemoteTree } from './remote.js';
import { defaultStateFile, ImportState, type FileRecord, type StateHeader } from './state.js';
import { emptySummary, type Summary } from './summary.js';
import { FileProblem, giveUp, hashFile, uploadFile, type Hashed } from './upload.js';
import { walk, type LocalFile, type LocalFolder } from './walk.js';
import type { DriveFile } from '../../web/src/lib/types.js';
import { isFolder } from '../../web/src/lib/drive.js';
import { FileType } from '../media/types.js';

/**
 * `albumd import`: a folder tree on disk into albumd, over its public API. The steps:
 *  1. walk the directory (walk.ts): folders, photos and videos by extension, the rest reported;
 *  2. sign in and find the space (personal, or the family's with --family) and the parent folder;
 *  3. give up uploads an earlier run left unfinished (recorded in the state before their first byte);
 *  4. mirror the folders: the imported folder under the parent, its subfolders below, each found
 *     by name when it is there (a rerun reuses them) or made;
 *  5. photos and videos, --concurrency at a time (upload.ts): a file whose size and mtime match
 *     the state and whose server file is still there is skipped unread; else it is hashed, and a file
 *     of the folder with the same sha256 and name (or albumd's "name (1)" copy of it) is recognised
 *     as already imported; else it is uploaded (rapid upload first);
 *  6. albums (albums.ts); 7. the summary.
 *
 * A file that changed on disk since it was imported (same path, other content) is uploaded again
 * and replaces the earlier one: the new version is uploaded beside it, the earlier one goes to the
 * recycle bin (restorable) and the new one takes its name. Only a server file this import made and
 * remembers is ever replaced; without a state, a different file of the same name on the server is
 * left alone and the new one is uploaded beside it (`name (1).jpg`).
 */

export interface ImportOptions {
  dir: string;
  server: string;
  credentials: Credentials;
  /** A family's share-folder ID: import into the family's space. */
  family?: string | undefined;
  /** Folder ID to import under; the space root by default. */
  parent?: string | undefined;
  /** Name of the folder made for the directory; its last component by default. */
  name?: string | undefined;
  albums: AlbumMode;
  concurrency: number;
  dryRun: boolean;
  exclude: string[];
  /** The state file; under $XDG_STATE_HOME by default. */
  stateFile?: string | undefined;
  /** Files above this many bytes go in 8 MiB parts (tests). */
  multipartAbove?: number | undefined;
  env?: NodeJS.ProcessEnv | undefined;
}

/** A problem with what was asked (no such directory, refused sign-in, unknown family or folder): exit 2. */
export class BadInput extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BadInput';
  }
}

const MEDIA_TYPES = new Set<string>([FileType.Image, FileType.Video]);

/** Whether an error ends the run (the server is gone, the session is over, Ctrl-C) rather than one file. */
const fatal = (error: unknown): boolean => error instanceof Unreachable || error instanceof SessionEnded || error instanceof Interrupted;

function reasonOf(error: unknown): string {
  if (error instanceof FileProblem || error instanceof FolderInTheWay) return error.message;
  if (error instanceof ApiError) return `albumd refused: ${error.message} (${error.code})`;
  return (error as Error).message ?? String(error);
}

export async function runImport(options: ImportOptions, reporter: Reporter, signal?: AbortSignal): Promise<Summary> {
  const started = Date.now();
  const summary = emptySummary(options.dryRun);
  const fail = (rel: string, reason: string): void => {
    summary.failed.push({ path: rel, reason });
    reporter.event({ event: 'failed', path: rel, reason });
  };

  // 1. The directory.
  const dir = path.resolve(options.dir);
  let real: string;
  try {
    real = await fs.promises.realpath(dir);
    if (!(await fs.promises.stat(real)).isDirectory()) throw new BadInput(`${options.dir} is not a directory`);
  } catch (error) {
    if (error instanceof BadInput) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new BadInput(code === 'ENOENT' ? `no such directory: ${options.dir}` : code === 'EACCES' ? `cannot read ${options.dir}: permission denied` : `cannot use ${options.dir}: ${(error as Error).message}`);
  }
  if (path.basename(dir) === '' && options.name === undefined) throw new BadInput('the directory has no name to give its folder (the file system root?): use --name');
  const topName = serverName(options.name ?? path.basename(dir));

  // 2. The server, the space, the parent folder.
  let client: ImportClient;
  try {
    client = await ImportClient.connect(options.server, options.credentials, signal);
  } catch (error) {
    if (error instanceof LoginRefused) throw new BadInput(error.message);
    throw error;
  }
  let state: ImportState | undefined;
  try {
    const space: SpaceRef = { containerId: '', parent: options.parent ?? 'root' };
    let spaceWords = 'your personal space';
    try {
      if (options.family) {
        const meta = await client.familyMetadata(options.family).catch((error: unknown) => {
          if (error instanceof ApiError && (error.code === 13000309 || error.code === 13000102)) throw new BadInput(`--family ${options.family}: no such family, or you are not in it`);
          throw error;
        });
        space.containerId = meta.sharefolder.containerId;
        space.family = { shareFolderId: meta.sharefolder.id, groupId: meta.sharefolder.groupId };
        client.shareFolderId = meta.sharefolder.id;
        spaceWords = `the family space "${meta.sharefolder.name}"`;
      } else {
        space.containerId = (await client.spaceInfo()).data.containerId;
      }
    } catch (error) {
      if (error instanceof SessionEnded && options.credentials.token) throw new BadInput(`the token was refused (expired, revoked, or not --user-id's)`);
      throw error;
    }
    const tree = new RemoteTree(client, space.containerId);
    if (options.parent) {
      await tree.children(options.parent).catch((error: unknown) => {
        if (error instanceof ApiError && (error.code === 13000309 || error.code === 13000102)) throw new BadInput(`--parent ${options.parent}: no such folder in ${spaceWords}`);
        throw error;
      });
    }

    const header: StateHeader = { server: options.server, userId: client.userId, containerId: space.containerId, parent: space.parent, dir: real };
    const stateFile = path.resolve(options.stateFile ?? defaultStateFile(header, options.env));
    state = await ImportState.open(stateFile, header, options.dryRun);
    reporter.event({ event: 'start', dir: real, server: options.server, space: spaceWords, parent: space.parent, state: stateFile, dryRun: options.dryRun });

    // 1 (continued). The walk, once we know the state file (so it is never imported).
    const walked = await walk(real, { exclude: options.exclude, skipPaths: new Set([stateFile, `${stateFile}.lock`]) });
    const mediaBytes = walked.media.reduce((n, f) => n + f.size, 0);
    summary.notMedia = walked.notMedia.length;
    summary.ignored = walked.ignored.length;
    reporter.event({ event: 'scan', folders: walked.folders.length, media: walked.media.length, bytes: mediaBytes, notMedia: walked.notMedia.length, ignored: walked.ignored.length });
    for (const n of walked.notMedia) reporter.event({ event: 'skip', path: n.rel, reason: 'not media' });
    for (const i of walked.ignored) reporter.event({ event: 'skip', path: i.rel, reason: i.reason });
    for (const p of walked.problems) {
      if (p.severity === 'failure') fail(p.rel, p.message);
      else {
        summary.warnings += 1;
        reporter.event({ event: 'warning', path: p.rel, message: p.message });
      }
    }

    // 3. Uploads an earlier run left unfinished: given up, so they stop holding quota.
    if (!options.dryRun && state.pending.size > 0) {
      let n = 0;
      for (const p of [...state.pending.values()]) if (await giveUp(client, state, p.fileId, p.uploadId)) n += 1;
      reporter.event({ event: 'info', message: `gave up ${n} unfinished upload${n === 1 ? '' : 's'} of an earlier run (nothing of them was visible)` });
    }

    // 4. The folders.
    const names = new Map<string, Map<string, string>>();
    for (const f of walked.folders) {
      const locals = [...f.subfolders.map((rel) => rel.slice(rel.lastIndexOf('/') + 1)), ...f.media.map((m) => m.name)].sort();
      names.set(f.rel, serverNames(locals));
    }
    const remoteName = (f: LocalFolder): string => (f.rel === '' ? topName : names.get(f.parentRel!)!.get(f.name)!);
    const results = new Map<string, FolderResult>();
    const broken = new Map<string, string>();
    for (const folder of walked.folders) {
      if (signal?.aborted) throw new Interrupted();
      const result: FolderResult = { folder, id: undefined, name: remoteName(folder), files: [] };
      results.set(folder.rel, result);
      const parentId = folder.rel === '' ? space.parent : results.get(folder.parentRel!)?.id;
      const parentProblem = folder.rel === '' ? undefined : broken.get(folder.parentRel!);
      if (parentProblem !== undefined) {
        broken.set(folder.rel, parentProblem);
        continue;
      }
      if (parentId === undefined) {
        // A dry run, under a folder that does not exist yet.
        summary.folders.created += 1;
        reporter.event({ event: 'folder', path: folder.rel, action: 'would-create', name: result.name });
        continue;
      }
      try {
        if (options.dryRun) {
          const found = (await tree.children(parentId)).find((c) => isFolder(c) && c.fileName === result.name);
          result.id = found?.id;
          if (found) summary.folders.existing += 1;
          else summary.folders.created += 1;
          reporter.event({ event: 'folder', path: folder.rel, action: found ? 'exists' : 'would-create', id: found?.id, name: result.name });
          continue;
        }
        const { id, created } = await tree.ensureFolder(parentId, result.name);
        result.id = id;
        state.setFolder(folder.rel, id);
        if (created) summary.folders.created += 1;
        else summary.folders.existing += 1;
        reporter.event({ event: 'folder', path: folder.rel, action: created ? 'created' : 'exists', id, name: result.name });
      } catch (error) {
        if (fatal(error)) throw error;
        const reason = `folder: ${reasonOf(error)}`;
        broken.set(folder.rel, reason);
        fail(folder.rel || '.', reason);
      }
    }

    // 5. The photos and videos.
    const queue: LocalFile[] = [];
    for (const file of walked.media) {
      const problem = broken.get(file.dirRel);
      if (problem !== undefined) fail(file.rel, `not imported: its folder failed (${problem})`);
      else queue.push(file);
    }
    reporter.begin(queue.length, queue.reduce((n, f) => n + f.size, 0));

    const processFile = async (file: LocalFile): Promise<void> => {
      const folder = results.get(file.dirRel)!;
      const name = names.get(file.dirRel)!.get(file.name)!;
      const children = folder.id === undefined ? [] : await tree.children(folder.id);
      const byId = (id: string | undefined) => (id === undefined ? undefined : children.find((c) => c.id === id));
      const record = state!.files.get(file.rel);
      const known = record !== undefined && record.size === file.size && record.mtimeMs === file.mtimeMs;
      const keep = (f: { fileId: string; ownerId: string; fileType: string }) => {
        if (MEDIA_TYPES.has(f.fileType)) folder.files.push({ fileId: f.fileId, ownerId: f.ownerId });
      };

      // Known and still there: nothing to read, nothing to send.
      const there = known ? byId(record.fileId) : undefined;
      if (known && there) {
        if (record.replaces && !options.dryRun) await finishReplace(file, record, name, folder.id!);
        keep({ fileId: there.id, ownerId: there.ownerId, fileType: there.fileType });
        summary.duplicates += 1;
        reporter.event({ event: 'file', path: file.rel, action: 'unchanged', size: file.size, fileId: there.id, fileName: there.fileName });
        reporter.advance(1, file.size);
        return;
      }

      if (options.dryRun) {
        const similar = children.find((c) => !isFolder(c) && c.size === file.size && isNameOrCopy(c.fileName, name));
        const replacing = record !== undefined && byId(record.fileId) !== undefined;
        const action = similar ? 'probably-present' : replacing ? 'would-replace' : 'would-upload';
        if (similar) summary.duplicates += 1;
        else {
          summary.imported += 1;
          summary.bytesSent += file.size;
          if (replacing) summary.replaced += 1;
        }
        reporter.event({ event: 'file', path: file.rel, action, size: file.size });
        reporter.advance(1, file.size);
        return;
      }

      let counted = 0;
      const count = (bytes: number): void => {
        counted += bytes;
        reporter.advance(0, bytes);
      };
      try {
        // One read: the sha256 (skipped when the state already knows it for this size and mtime).
        const hashed: Hashed = known ? { sha256: record.sha256, size: record.size, mtimeMs: record.mtimeMs } : await hashFile(file.abs, undefined, signal);
        const same = children.find((c) => !isFolder(c) && c.sha256 === hashed.sha256 && c.size === hashed.size && isNameOrCopy(c.fileName, name));
        if (same) {
          // Ours only if this import recorded making it; otherwise found, and never to be replaced.
          const adopted = record?.fileId === same.id ? record.adopted : true;
          state!.setFile(file.rel, { size: hashed.size, mtimeMs: hashed.mtimeMs, sha256: hashed.sha256, fileId: same.id, fileName: same.fileName, ownerId: same.ownerId, fileType: same.fileType, ...(adopted ? { adopted } : {}) });
          keep({ fileId: same.id, ownerId: same.ownerId, fileType: same.fileType });
          summary.duplicates += 1;
          reporter.event({ event: 'file', path: file.rel, action: 'present', size: hashed.size, fileId: same.id, fileName: same.fileName });
          count(file.size - counted);
          reporter.advance(1, 0);
          return;
        }
        // The path was imported before and its server file is still there: this is a new version.
        // (Only a file the import made: one it found there is left alone, the new version goes beside it.)
        const replaces = record !== undefined && !record.adopted && record.sha256 !== hashed.sha256 && byId(record.fileId) ? record.fileId : undefined;
        const up = await uploadFile(client, state!, { containerId: space.containerId, folderId: folder.id! }, file, name, hashed, {
          signal,
          onSent: count,
          multipartAbove: options.multipartAbove,
        });
        const next: FileRecord = { size: hashed.size, mtimeMs: hashed.mtimeMs, sha256: hashed.sha256, fileId: up.fileId, fileName: up.fileName, ownerId: up.ownerId, fileType: up.fileType, ...(replaces ? { replaces } : {}) };
        state!.setFile(file.rel, next);
        await tree.added(folder.id!, { id: up.fileId, fileName: up.fileName, fileType: up.fileType, sha256: hashed.sha256, size: hashed.size, ownerId: up.ownerId } as DriveFile);
        if (replaces) await finishReplace(file, next, name, folder.id!);
        keep(up);
        summary.imported += 1;
        if (up.rapid) summary.rapid += 1;
        else summary.bytesSent += hashed.size;
        if (replaces) summary.replaced += 1;
        reporter.event({ event: 'file', path: file.rel, action: replaces ? 'replaced' : up.rapid ? 'rapid' : 'uploaded', size: hashed.size, fileId: up.fileId, fileName: state!.files.get(file.rel)?.fileName ?? up.fileName });
        if (up.mediaError) {
          summary.warnings += 1;
          reporter.event({ event: 'warning', path: file.rel, message: `imported, but albumd cannot read it as a photo or video: ${up.mediaError}` });
        }
        count(Math.max(0, file.size - counted));
        reporter.advance(1, 0);
      } catch (error) {
        count(-counted);
        if (fatal(error)) throw error;
        fail(file.rel, reasonOf(error));
        reporter.advance(1, file.size);
      }
    };

    /** A changed file's new version is in: the earlier one to the recycle bin, the new one takes its name. */
    const finishReplace = async (file: LocalFile, record: FileRecord, name: string, folderId: string): Promise<void> => {
      try {
        await client.recycle(space.containerId, [record.replaces!]);
      } catch (error) {
        if (fatal(error)) throw error;
        // 13000309: gone already (recycled by hand); anything else: both stay, said so.
        if (!(error instanceof ApiError && error.code === 13000309)) {
          summary.warnings += 1;
          reporter.event({ event: 'warning', path: file.rel, message: `the earlier version stays beside the new one (${reasonOf(error)})` });
          state!.setFile(file.rel, { ...record, replaces: undefined });
          return;
        }
      }
      let fileName = record.fileName;
      if (fileName !== name) {
        try {
          fileName = (await client.rename(space.containerId, record.fileId, name)).fileName;
        } catch (error) {
          if (fatal(error)) throw error;
          summary.warnings += 1;
          reporter.event({ event: 'warning', path: file.rel, message: `the new version keeps the name ${record.fileName} (${reasonOf(error)})` });
        }
      }
      const children = await tree.children(folderId);
      const index = children.findIndex((c) => c.id === record.replaces);
      if (index >= 0) children.splice(index, 1);
      const mine = children.find((c) => c.id === record.fileId);
      if (mine) mine.fileName = fileName;
      state!.setFile(file.rel, { ...record, fileName, replaces: undefined });
    };

    let next = 0;
    const stop = (reason: string): void => {
      if (summary.stopped !== undefined) return;
      summary.stopped = reason;
      reporter.event({ event: 'stopped', reason });
    };
    const worker = async (): Promise<void> => {
      while (next < queue.length && summary.stopped === undefined) {
        if (signal?.aborted) {
          summary.interrupted = true;
          stop('interrupted (Ctrl-C): the uploads under way were given up; run the same command again to continue');
          return;
        }
        const file = queue[next++]!;
        try {
          await processFile(file);
        } catch (error) {
          if (error instanceof Interrupted) {
            summary.interrupted = true;
            stop('interrupted (Ctrl-C): the uploads under way were given up; run the same command again to continue');
          } else if (fatal(error)) {
            stop(`${(error as Error).message}; run the same command again to continue`);
          } else throw error;
          summary.notDone += 1;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency, queue.length || 1)) }, worker));
    summary.notDone += Math.max(0, queue.length - next);
    reporter.end();

    // 6. Albums, when every file had its turn.
    if (options.albums !== 'none' && summary.stopped === undefined) {
      try {
        await applyAlbums(client, state, options.albums, [...results.values()], space, reporter, summary, options.dryRun);
      } catch (error) {
        if (!fatal(error)) throw error;
        stop(`${(error as Error).message}; run the same command again to make the albums`);
      }
    }
  } catch (error) {
    reporter.end();
    if (error instanceof BadInput) throw error;
    if (!fatal(error)) throw error;
    if (error instanceof Interrupted) summary.interrupted = true;
    summary.stopped ??= error instanceof Interrupted ? 'interrupted (Ctrl-C)' : `${(error as Error).message}; run the same command again to continue`;
    reporter.event({ event: 'stopped', reason: summary.stopped });
  } finally {
    state?.close();
    client.close();
  }
  summary.seconds = (Date.now() - started) / 1000;
  reporter.event({ event: 'summary', ...summary });
  return summary;
}
