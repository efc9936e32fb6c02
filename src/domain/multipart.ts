import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import { newFileId } from '../ids.js';
import type { UploadRow } from '../db/repositories/index.js';
import type { Caller, DomainDeps } from './context.js';
import { AppError, ErrorCode, invalidParam, nameTaken, notFound, unauthenticated } from './errors.js';
import { toFileObject, type FileObject, urlContext } from './file-view.js';
import { SHA256 } from './files.js';
import { parseTime } from './folders.js';
import { freeNameIn } from './free-name.js';
import { checkRoomFor, contentRow, ingest, receiveBody } from './ingest.js';
import { checkFileName, codePoints } from './names.js';
import { familySpaceByShareFolder, folderInSpace, resolveSpace, ROOT } from './spaces.js';
import { signedUrl, verifySignedUrl, type SignedParams } from './urls.js';
import { scheduleThumbnails } from './thumbnails.js';
import { folderCountsChanged } from './album-effects.js';

export const PART_SIZE = 8 * 1024 * 1024;
export const PUT_MAX = 5 * 1024 ** 3;
const UPLOAD_TTL_MS = 24 * 3600_000;
const MAX_PARTS = 10_000;

export interface CreateUploadInput {
  fileName: string;
  containerId: string;
  shareFolderId?: string | undefined;
  parentFolder?: string | undefined;
  sha256?: string | undefined;
  length: number;
  uploadMode?: string | undefined;
  createdTime?: string | undefined;
  description?: string | undefined;
  renameMode?: number | undefined;
}

export interface PartInfo {
  partNumber: number;
  partOffset: number;
  partSize: number;
  uploadUrl: string;
}

const integrity = () => new AppError(ErrorCode.IntegrityFailed);

function partsOf(length: number, partSize: number): { partNumber: number; partOffset: number; partSize: number }[] {
  const count = Math.max(1, Math.ceil(length / partSize));
  return Array.from({ length: count }, (_, i) => ({
    partNumber: i + 1,
    partOffset: i * partSize,
    partSize: Math.min(partSize, length - i * partSize),
  }));
}

/** The three-step upload: `files/create` → signed part URLs (PUT) → `files/complete`. */
export function createMultipartService(deps: DomainDeps) {
  const { store, now, signer, blobs } = deps;

  const partUrl = (caller: Caller, upload: UploadRow, partNumber: number): string =>
    signedUrl(signer, caller.origin, 'part', upload.file_id, caller.userId, now(), `${upload.id}:${partNumber}`);

  const withUrls = (caller: Caller, upload: UploadRow, numbers?: readonly number[]): PartInfo[] =>
    partsOf(Number(upload.length), Number(upload.part_size))
      .filter((p) => !numbers || numbers.includes(p.partNumber))
      .map((p) => ({ ...p, uploadUrl: partUrl(caller, upload, p.partNumber) }));

  /** An upload of the caller's that has not expired; else 13000309. */
  async function liveUpload(userId: string, fileId: string, uploadId: string): Promise<UploadRow> {
    const upload = await store.read.uploads.find(uploadId);
    if (!upload || upload.user_id !== userId || upload.file_id !== fileId || Number(upload.expires_at) <= now()) throw notFound();
    // Into a family space only while a member: a removed member's part URLs stop working at once.
    if (upload.share_folder_id !== null) await familySpaceByShareFolder(store.read, userId, upload.share_folder_id);
    return upload;
  }

  async function discard(upload: UploadRow): Promise<void> {
    await store.write((repos) => repos.uploads.delete(upload.id));
    await blobs.discardUpload(upload.id);
  }

  return {
    async create(caller: Caller, input: CreateUploadInput) {
      checkFileName('fileName', input.fileName);
      if (input.sha256 !== undefined && !SHA256.test(input.sha256)) throw invalidParam('sha256', { en: 'must be 64 lowercase hex characters', zh: '须为 64 位小写十六进制' });
      const mode = input.uploadMode ?? 'put';
      if (mode !== 'put' && mode !== 'multipart') throw invalidParam('uploadMode', { en: 'must be put or multipart', zh: '须为 put 或 multipart' });
      if (mode === 'put' && input.length > PUT_MAX) throw invalidParam('length', { en: 'must be at most 5 GiB with uploadMode put', zh: 'put 模式最大 5 GiB' });
      const partSize = mode === 'put' ? Math.max(1, input.length) : PART_SIZE;
      if (Math.ceil(input.length / partSize) > MAX_PARTS) throw invalidParam('length', { en: 'needs more than 10000 parts', zh: '分片超过 10000 个' });
      if (input.description !== undefined && codePoints(input.description) > 512) throw invalidParam('description', { en: 'must be at most 512 characters', zh: '最多 512 个字符' });
      const createdTime = parseTime('createdTime', input.createdTime);
      const parentRef = input.parentFolder || ROOT;
      const space = await resolveSpace(store.read, caller.userId, input);
      const parent = await folderInSpace(store.read, space, parentRef, 'parentFolder');
      await checkRoomFor(deps, space, input.length);
      let fileName = await freeNameIn(store.read, parent.id, input.fileName);
      if (fileName !== input.fileName && input.renameMode === 3) throw nameTaken();
      const fileId = newFileId();

      // Rapid upload: content with this sha256 and length that the caller may already read.
      if (input.sha256 !== undefined) {
        const sha256 = input.sha256;
        const source = await store.read.files.withContent(sha256, input.length, await store.read.users.containerIdsOf(caller.userId));
        if (source) {
          const row = await store.write(async (repos) => {
            const s = await resolveSpace(repos, caller.userId, input);
            const p = await folderInSpace(repos, s, parentRef, 'parentFolder');
            fileName = await freeNameIn(repos, p.id, input.fileName);
            if (fileName !== input.fileName && input.renameMode === 3) throw nameTaken();
            const t = now();
            const media = {
              fileType: source.file_type,
              mimeType: source.mime_type,
              width: source.width,
              height: source.height,
              duration: source.duration,
              takeTime: source.take_time,
              mediaError: source.media_error,
            };
            const file = contentRow(fileId, s, p.id, fileName, caller.userId, { createdTime, description: input.description }, t, { sha256, size: input.length }, media);
            await repos.files.insert(file);
            await repos.blobs.addRef(sha256, input.length, t);
            await repos.containers.addUsage(s.containerId, input.length);
            await folderCountsChanged(repos, [file], 1);
            return file;
          });
          scheduleThumbnails(deps, sha256, row.mime_type, row.file_type);
          const view = toFileObject(row, urlContext(deps, caller));
          return { ...view, fileId, uploadId: '', rapidUpload: true, exist: true, containerId: space.containerId, multiParts: [] as PartInfo[] };
        }
      }

      const t = now();
      const upload: UploadRow = {
        id: randomBytes(16).toString('base64url'),
        file_id: fileId,
        user_id: caller.userId,
        container_id: space.containerId,
        share_folder_id: input.shareFolderId ?? null,
        parent_id: parent.id,
        file_name: input.fileName,
        rename_mode: input.renameMode ?? null,
        sha256: input.sha256 ?? null,
        length: input.length,
        part_size: partSize,
        created_time: createdTime ?? null,
        description: input.description ?? null,
        expires_at: t + UPLOAD_TTL_MS,
        created_at: t,
      };
      await store.write((repos) => repos.uploads.insert(upload));
      return {
        fileId,
        uploadId: upload.id,
        rapidUpload: false,
        exist: false,
        containerId: space.containerId,
        fileName,
        parentFolder: [parent.id],
        multiParts: withUrls(caller, upload),
      };
    },

    /** `files/multipart/uploadUrl`: fresh signed URLs for the parts asked for (all when none are). */
    async uploadUrls(caller: Caller, fileId: string, uploadId: string, partNumbers: readonly number[]) {
      const upload = await liveUpload(caller.userId, fileId, uploadId);
      const count = partsOf(Number(upload.length), Number(upload.part_size)).length;
      for (const n of partNumbers) {
        if (n < 1 || n > count) throw invalidParam('multiParts.partNumber', { en: `must be 1 to ${count}`, zh: `须为 1 到 ${count}` });
      }
      return { fileId, uploadId, multiParts: withUrls(caller, upload, partNumbers.length > 0 ? partNumbers : undefined) };
    },

    /** `PUT uploadUrl`: one part's bytes, exactly its size; a second PUT replaces the part. */
    async putPart(fileId: string, q: SignedParams, body: Readable): Promise<{ etag: string }> {
      const userId = verifySignedUrl(signer, 'part', fileId, q, now());
      const [uploadId, n] = (q.part ?? '').split(':');
      if (userId === undefined || !uploadId || !n) throw unauthenticated();
      const upload = await liveUpload(userId, fileId, uploadId);
      const part = partsOf(Number(upload.length), Number(upload.part_size)).find((p) => p.partNumber === Number(n));
      if (!part) throw notFound();
      const temp = await receiveBody(deps, body, part.partSize, upload.id).catch((error: unknown) => {
        throw error instanceof AppError && error.code === ErrorCode.InvalidParameter ? integrity() : error;
      });
      if (temp.size !== part.partSize) {
        await blobs.discard(temp);
        throw integrity();
      }
      const replaced = await store.write((repos) =>
        repos.uploads.putPart({ upload_id: upload.id, part_number: part.partNumber, size: temp.size, sha256: temp.sha256, path: temp.path }),
      );
      if (replaced) await blobs.discard({ sha256: replaced.sha256, size: Number(replaced.size), path: replaced.path });
      return { etag: temp.sha256 };
    },

    /** `files/complete`: every part, the total length and the sha256 checked; then the file is visible. */
    async complete(caller: Caller, input: { fileId: string; uploadId: string; containerId: string; shareFolderId?: string | undefined }): Promise<FileObject> {
      const upload = await liveUpload(caller.userId, input.fileId, input.uploadId);
      await resolveSpace(store.read, caller.userId, input);
      if (input.containerId !== upload.container_id) throw notFound();
      const expected = partsOf(Number(upload.length), Number(upload.part_size));
      const parts = await store.read.uploads.parts(upload.id);
      const complete =
        parts.length === expected.length && expected.every((p, i) => parts[i]?.part_number === p.partNumber && Number(parts[i]!.size) === p.partSize);
      if (!complete) {
        await discard(upload);
        throw integrity();
      }
      const pieces = parts.map((p) => ({ sha256: p.sha256, size: Number(p.size), path: p.path }));
      const temp = pieces.length === 1 ? pieces[0]! : await blobs.concat(pieces);
      try {
        const row = await ingest(
          deps,
          caller,
          {
            fileId: upload.file_id,
            containerId: upload.container_id,
            shareFolderId: upload.share_folder_id ?? undefined,
            parentRef: upload.parent_id,
            fileName: upload.file_name,
            renameMode: upload.rename_mode ?? undefined,
            createdTime: upload.created_time === null ? undefined : Number(upload.created_time),
            description: upload.description,
          },
          temp,
          { sha256: upload.sha256, length: Number(upload.length) },
        );
        return toFileObject(row, urlContext(deps, caller));
      } finally {
        await discard(upload);
      }
    },

    /** Drops uploads unfinished after 24 h, with their parts. */
    async expire(): Promise<number> {
      let removed = 0;
      for (const id of await store.read.uploads.expiredBefore(now(), 1000)) {
        await store.write((repos) => repos.uploads.delete(id));
        await blobs.discardUpload(id);
        removed += 1;
      }
      return removed;
    },
  };
}
