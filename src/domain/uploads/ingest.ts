import type { Readable } from 'node:stream';
import type { FileRow, Repositories } from '../../db/repositories/index.js';
import type { MediaInfo } from '../../media/probe.js';
import { BlobTooLargeError, type TempBlob } from '../../storage/blob-store.js';
import type { Caller, DomainDeps } from '../context.js';
import { AppError, ErrorCode, badRequest, invalidParam, nameTaken } from '../errors.js';
import { freeNameIn } from '../drive/free-name.js';
import { folderInSpace, resolveSpace, type Space } from '../drive/spaces.js';
import { scheduleThumbnails } from './thumbnails.js';
import { folderCountsChanged } from '../albums/album-effects.js';

/** Where received content becomes a file, and what the client said it would be. */
export interface IngestTarget {
  fileId: string;
  containerId: string;
  shareFolderId?: string | undefined;
  parentRef: string;
  fileName: string;
  renameMode?: number | undefined;
  createdTime?: number | undefined;
  description?: string | null | undefined;
}

const maxSizeRule = (max: number) => ({ en: `must be at most ${max} bytes`, zh: `最大 ${max} 字节` });

export async function quotaLeft(deps: Pick<DomainDeps, 'drive'>, space: Space, repos: Repositories): Promise<number> {
  if (deps.drive.quotaBytes === 0) return Number.MAX_SAFE_INTEGER;
  const container = await repos.containers.findById(space.containerId);
  return deps.drive.quotaBytes - Number(container?.used_bytes ?? 0);
}

/** Refuses, before any byte is read, what can never fit: over the file size limit or the quota. */
export async function checkRoomFor(deps: DomainDeps, space: Space, length: number): Promise<void> {
  if (length > deps.drive.maxFileSize) throw invalidParam('length', maxSizeRule(deps.drive.maxFileSize));
  if (length > (await quotaLeft(deps, space, deps.store.read))) throw new AppError(ErrorCode.QuotaExceeded);
}

/**
 * How many bytes an upload of unknown length may send into a space: the file size limit, or less
 * when the quota leaves less (then going over is a quota error, found while the bytes arrive).
 */
export async function roomIn(deps: DomainDeps, space: Space): Promise<{ maxBytes: number; overflow: () => AppError }> {
  const left = Math.max(0, await quotaLeft(deps, space, deps.store.read));
  if (left < deps.drive.maxFileSize) return { maxBytes: left, overflow: () => new AppError(ErrorCode.QuotaExceeded) };
  return { maxBytes: deps.drive.maxFileSize, overflow: () => invalidParam('file', maxSizeRule(deps.drive.maxFileSize)) };
}

/** Streams a request body into the blob store; a client that goes away is its own failure. */
export async function receiveBody(
  deps: DomainDeps,
  body: Readable,
  maxBytes: number,
  holdFor?: string,
  overflow: () => AppError = () => invalidParam('file', maxSizeRule(maxBytes)),
): Promise<TempBlob> {
  try {
    return await deps.blobs.receive(body, maxBytes, holdFor);
  } catch (error) {
    if (error instanceof BlobTooLargeError) throw overflow();
    // The disk's failures are ours (500); anything else is the client stopping mid-body.
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOSPC' || code === 'EIO' || code === 'EROFS') throw error;
    throw badRequest({ en: 'Bad request: the upload was interrupted', zh: '请求错误：上传中断' });
  }
}

/**
 * Makes received content a file: checks length and sha256, probes the media, makes the blob
 * durable, then one transaction adds the row, the blob reference and the space usage. On any
 * failure the temporary content is dropped and nothing becomes visible.
 */
export async function ingest(
  deps: DomainDeps,
  caller: Caller,
  target: IngestTarget,
  temp: TempBlob,
  expect: { sha256?: string | null | undefined; length?: number | undefined },
  /** More to do in the same transaction (a finished upload's own row goes with it). */
  alongside?: (repos: Repositories) => Promise<unknown>,
): Promise<FileRow> {
  const { blobs, store } = deps;
  try {
    if ((expect.sha256 && expect.sha256 !== temp.sha256) || (expect.length !== undefined && expect.length !== temp.size)) {
      throw new AppError(ErrorCode.IntegrityFailed);
    }
    const media = await deps.probe(temp.path);
    const row = await deps.blobLocks.with(temp.sha256, async () => {
      const stored = await blobs.commit(temp);
      try {
        return await store.write(
          async (repos) => {
            const row = await addContentFile(deps, repos, caller, target, temp, media);
            await alongside?.(repos);
            return row;
          },
          { key: `space:${target.containerId}` },
        );
      } catch (error) {
        // Refused (quota, name, space) or failed: bytes this upload stored anew go now, not at the
        // next sweep, so refused uploads cannot fill the disk. Under the lock, nothing else took them.
        if (stored) await blobs.remove(temp.sha256);
        throw error;
      }
    });
    scheduleThumbnails(deps, row.sha256!, row.mime_type, row.file_type);
    return row;
  } catch (error) {
    await blobs.discard(temp);
    throw error;
  }
}

/**
 * The one write that makes stored content a file, for uploads and rapid uploads alike: the space and
 * folder as they are now, the quota and the free name checked inside this write, then the row, the
 * blob reference, the space's usage and the albums, all in the same transaction.
 */
export async function addContentFile(
  deps: Pick<DomainDeps, 'drive' | 'now'>,
  repos: Repositories,
  caller: Caller,
  target: Omit<IngestTarget, 'fileId'> & { fileId: string },
  content: { sha256: string; size: number },
  media: MediaInfo,
): Promise<FileRow> {
  const space = await resolveSpace(repos, caller.userId, target);
  const parent = await folderInSpace(repos, space, target.parentRef, 'parentFolder');
  if (content.size > (await quotaLeft(deps, space, repos))) throw new AppError(ErrorCode.QuotaExceeded);
  const name = await freeNameIn(repos, parent.id, target.fileName);
  if (name !== target.fileName && target.renameMode === 3) throw nameTaken();
  const t = deps.now();
  const file = contentRow(target.fileId, space, parent.id, name, caller.userId, target, t, content, media);
  await repos.files.insert(file);
  await repos.blobs.addRef(content.sha256, content.size, t);
  await repos.containers.addUsage(space.containerId, content.size);
  await folderCountsChanged(repos, [file], 1);
  return file;
}

/** What a stored file's content says of itself (a rapid upload of the same bytes shares it). */
export function mediaOf(row: FileRow): MediaInfo {
  return {
    fileType: row.file_type,
    mimeType: row.mime_type,
    width: row.width,
    height: row.height,
    duration: row.duration,
    takeTime: row.media_time,
    mediaError: row.media_error,
  };
}

/** The row of a file whose content has been received and probed (or, for a rapid upload, copied). */
export function contentRow(
  id: string,
  space: Space,
  parentId: string,
  name: string,
  ownerId: string,
  target: Pick<IngestTarget, 'createdTime' | 'description'>,
  now: number,
  content: { sha256: string; size: number },
  media: MediaInfo,
): FileRow {
  return {
    id,
    container_id: space.containerId,
    parent_id: parentId,
    name,
    file_type: media.fileType,
    mime_type: media.mimeType,
    size: content.size,
    owner_id: ownerId,
    description: target.description ?? null,
    created_time: target.createdTime ?? now,
    edited_time: now,
    recycled: 0,
    sha256: content.sha256,
    // The shooting time when the content has one, else this file's own createdTime: albums sort on it as stored.
    take_time: media.takeTime ?? target.createdTime ?? now,
    media_time: media.takeTime,
    width: media.width,
    height: media.height,
    duration: media.duration,
    media_error: media.mediaError,
    recycled_at: null,
    recycled_with: null,
  };
}
