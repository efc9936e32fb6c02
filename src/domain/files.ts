import { Readable } from 'node:stream';
import { newFileId } from '../ids.js';
import type { FileRow, Repositories } from '../db/repositories/index.js';
import { BlobTooLargeError, type TempBlob } from '../storage/blob-store.js';
import type { MediaInfo } from '../media/probe.js';
import type { Caller, DomainDeps } from './context.js';
import { AppError, ErrorCode, badRequest, invalidParam, nameTaken, notFound } from './errors.js';
import { toFileObject, type FileObject, type UrlContext } from './file-view.js';
import { parseTime } from './folders.js';
import { checkFileName } from './names.js';
import { folderInSpace, resolveSpace, ROOT, type Space } from './spaces.js';
import { freeNameIn } from './free-name.js';

export interface SpaceRef {
  containerId: string;
  shareFolderId?: string | undefined;
}

export interface UploadInput extends SpaceRef {
  fileName: string;
  parentFolder?: string | undefined;
  createdTime?: string | undefined;
  sha256?: string | undefined;
  renameMode?: number | undefined;
  /** Content-Length when the client sent one: lets a quota or size failure answer before the bytes. */
  length?: number | undefined;
}

const SHA256 = /^[0-9a-f]{64}$/;
const integrity = () => new AppError(ErrorCode.IntegrityFailed);
const quotaExceeded = () => new AppError(ErrorCode.QuotaExceeded);

/** A file of the given space, or 13000309: the caller learns nothing of files elsewhere. */
export async function fileInSpace(repos: Repositories, space: Space, fileId: string): Promise<FileRow> {
  const row = await repos.files.findById(fileId);
  if (!row || row.container_id !== space.containerId || row.file_type === '10' && row.parent_id === null) throw notFound();
  return row;
}

export function createFileService(deps: DomainDeps) {
  const { store, now, blobs, signer } = deps;
  const urlsFor = (caller: Caller): UrlContext => ({ signer, origin: caller.origin, userId: caller.userId, now: now() });

  async function quotaLeft(space: Space, repos: Repositories): Promise<number> {
    if (deps.drive.quotaBytes === 0) return Number.MAX_SAFE_INTEGER;
    const container = await repos.containers.findById(space.containerId);
    return deps.drive.quotaBytes - Number(container?.used_bytes ?? 0);
  }

  return {
    /**
     * The one-shot upload: the bytes stream to a temporary blob (hashed on the way), are probed,
     * made durable, and only then does one transaction make the file visible.
     */
    async upload(caller: Caller, input: UploadInput, body: Readable | undefined): Promise<FileObject> {
      checkFileName('fileName', input.fileName);
      if (input.sha256 !== undefined && !SHA256.test(input.sha256)) throw invalidParam('sha256', { en: 'must be 64 lowercase hex characters', zh: '须为 64 位小写十六进制' });
      const createdTime = parseTime('createdTime', input.createdTime);
      const parentRef = input.parentFolder || ROOT;
      const space = await resolveSpace(store.read, caller.userId, input);
      await folderInSpace(store.read, space, parentRef, 'parentFolder');
      if (input.length !== undefined && input.length > deps.drive.maxFileSize) throw invalidParam('file', maxSizeRule(deps.drive.maxFileSize));
      if (input.length !== undefined && input.length > (await quotaLeft(space, store.read))) throw quotaExceeded();

      let temp: TempBlob;
      try {
        // A request without a body uploads an empty file.
        temp = await blobs.receive(body ?? Readable.from([]), deps.drive.maxFileSize);
      } catch (error) {
        if (error instanceof BlobTooLargeError) throw invalidParam('file', maxSizeRule(deps.drive.maxFileSize));
        // A client that goes away mid-body is its own failure; the disk's failures are ours (500).
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOSPC' || code === 'EIO' || code === 'EROFS') throw error;
        throw badRequest({ en: 'Bad request: the upload was interrupted', zh: '请求错误：上传中断' });
      }
      try {
        if (input.sha256 !== undefined && input.sha256 !== temp.sha256) throw integrity();
        if (input.length !== undefined && input.length !== temp.size) throw integrity();
        const media = await deps.probe(temp.path);
        const id = newFileId();
        const row = await deps.blobLocks.with(temp.sha256, async () => {
          await blobs.commit(temp);
          return store.write(async (repos) => {
            const s = await resolveSpace(repos, caller.userId, input);
            const parent = await folderInSpace(repos, s, parentRef, 'parentFolder');
            if (temp.size > (await quotaLeft(s, repos))) throw quotaExceeded();
            const name = await freeNameIn(repos, parent.id, input.fileName);
            if (name !== input.fileName && input.renameMode === 3) throw nameTaken();
            const t = now();
            const file = contentRow({ id, space: s, parentId: parent.id, name, ownerId: caller.userId, createdTime: createdTime ?? t, now: t, temp, media });
            await repos.files.insert(file);
            await repos.blobs.addRef(temp.sha256, temp.size, t);
            await repos.containers.addUsage(s.containerId, temp.size);
            return file;
          });
        });
        return toFileObject(row, urlsFor(caller));
      } catch (error) {
        await blobs.discard(temp);
        throw error;
      }
    },

    /** `files/{fileId}/detail` in the space the caller names. */
    async detail(caller: Caller, fileId: string, ref: SpaceRef): Promise<FileObject> {
      const space = await resolveSpace(store.read, caller.userId, ref);
      return toFileObject(await fileInSpace(store.read, space, fileId), urlsFor(caller));
    },
  };
}

/** The row of a file whose content has just been received and probed. */
function contentRow(a: {
  id: string;
  space: Space;
  parentId: string;
  name: string;
  ownerId: string;
  createdTime: number;
  now: number;
  temp: TempBlob;
  media: MediaInfo;
}): FileRow {
  return {
    id: a.id,
    container_id: a.space.containerId,
    parent_id: a.parentId,
    name: a.name,
    file_type: a.media.fileType,
    mime_type: a.media.mimeType,
    size: a.temp.size,
    owner_id: a.ownerId,
    description: null,
    created_time: a.createdTime,
    edited_time: a.now,
    recycled: 0,
    sha256: a.temp.sha256,
    take_time: a.media.takeTime,
    width: a.media.width,
    height: a.media.height,
    duration: a.media.duration,
    media_error: a.media.mediaError,
    recycled_at: null,
    recycled_with: null,
  };
}

function maxSizeRule(max: number) {
  return { en: `must be at most ${max} bytes`, zh: `最大 ${max} 字节` };
}

